"""Who can reach what in the deployment, computed from the state of a mocked `terraform apply`.

`terraform test` runs env/tests/plan.tftest.hcl's run "network" as an apply with mocked providers: every
value is the one the configuration computes (subnet prefixes, every NSG rule, which private endpoint sits in
which subnet and points at which resource, DNS zones and their links, public-access flags), checked by the
provider's own validations. From that state this module decides, for each source (the Internet, API
Management's subnet, each app's VNet integration subnet, the deployment runner's subnet) and each destination
(API Management's gateway, each app and its deployment endpoint, Cosmos DB, Key Vault, each storage
service), whether a TCP connection on the destination's port gets through, the way Azure decides it:

- a public endpoint: only where the resource's public network access is on (API Management: the NSG of its
  subnet must admit the Internet on 443);
- a private endpoint: the name must resolve (a DNS zone group with the service's zone, linked to the
  source's VNet), the source subnet's NSG must let the flow out and the endpoint subnet's NSG let it in,
  with Azure's default rules after the configured ones (NSGs apply to private endpoint traffic only where
  the subnet's private endpoint network policies are on).

Usage: reachability.py STATE_JSON [--markdown] [--check-docs FILE] [--write-docs FILE] [--expect-violations]
"""
from __future__ import annotations

import argparse
import ipaddress
import json
import sys
from dataclasses import dataclass

INTERNET = "Internet"

# (source, destination) pairs the system needs; every other pair must be denied.
REQUIRED = {
    (INTERNET, "API Management gateway"),
    ("API Management", "PatientTests app"),
    ("PatientTests integration", "Audit app"),
    ("PatientTests integration", "Cosmos DB"),
    ("PatientTests integration", "Key Vault"),
    ("PatientTests integration", "PatientTests storage (blob)"),
    ("PatientTests integration", "PatientTests storage (queue)"),
    ("PatientTests integration", "PatientTests storage (table)"),
    ("Audit integration", "Cosmos DB"),
    ("Audit integration", "Key Vault"),
    ("Audit integration", "Audit storage (blob)"),
    ("Audit integration", "Audit storage (queue)"),
    ("Audit integration", "Audit storage (table)"),
    ("Deployment runner", "Key Vault"),
    ("Deployment runner", "PatientTests app"),
    ("Deployment runner", "PatientTests deployment (SCM)"),
    ("Deployment runner", "Audit app"),
    ("Deployment runner", "Audit deployment (SCM)"),
    # API Management needs Azure's public services and the Internet (certificates, time, its own platform);
    # the runner needs GitHub, Azure Resource Manager and package registries. The apps hold patient data:
    # they reach nothing on the Internet (App Insights by its service tag only).
    ("API Management", "the Internet"),
    ("Deployment runner", "the Internet"),
    # The apps' only Azure services outside the VNet: App Insights ingestion, and Entra ID for tokens.
    ("PatientTests integration", "Azure Monitor (service tag)"),
    ("PatientTests integration", "Entra ID (service tag)"),
    ("Audit integration", "Azure Monitor (service tag)"),
    ("Audit integration", "Entra ID (service tag)"),
    # What API Management needs outside the VNet (Azure docs, "Virtual network configuration reference").
    ("API Management", "Azure Storage (service tag)"),
    ("API Management", "Azure SQL (service tag)"),
    ("API Management", "Azure Key Vault (service tag)"),
    ("API Management", "Azure Monitor (service tag)"),
    ("API Management", "Entra ID (service tag)"),
}

SERVICE_TAGS = {
    "Azure Storage (service tag)": "Storage",
    "Azure SQL (service tag)": "Sql",
    "Azure Cosmos DB (service tag)": "AzureCosmosDB",
    "Azure Key Vault (service tag)": "AzureKeyVault",
    "Event Hubs (service tag)": "EventHub",
    "Azure Monitor (service tag)": "AzureMonitor",
    "Entra ID (service tag)": "AzureActiveDirectory",
}

# Allowed only because the destination shares its private endpoint with one a source needs: an app and its
# deployment endpoint (SCM) answer on the same address and port, which no network rule can tell apart. The
# deployment endpoint accepts Entra ID tokens only (basic authentication is off, functions.tf).
SHARED_ENDPOINT = {
    ("API Management", "PatientTests deployment (SCM)"),
    ("PatientTests integration", "Audit deployment (SCM)"),
}

# API Management and the runner go to the Internet by design, so every Azure service's public addresses are
# open to them too; what is checked there is that the apps' subnets are not.
EGRESS_BY_DESIGN = {(source, tag) for source in ("API Management", "Deployment runner") for tag in SERVICE_TAGS}

ZONES = {
    "sites": "privatelink.azurewebsites.net",
    "vault": "privatelink.vaultcore.azure.net",
    "MongoDB": "privatelink.mongo.cosmos.azure.com",
    "blob": "privatelink.blob.core.windows.net",
    "queue": "privatelink.queue.core.windows.net",
    "table": "privatelink.table.core.windows.net",
}


@dataclass(frozen=True)
class Destination:
    name: str
    resource_address: str | None  # Terraform address of the resource behind the endpoint; None: any public address
    subresource: str | None  # private endpoint subresource; None for API Management's public gateway
    port: int


DESTINATIONS = [
    Destination("API Management gateway", "azurerm_api_management.main", None, 443),
    Destination("PatientTests app", 'azurerm_function_app_flex_consumption.main["patient_tests"]', "sites", 443),
    # The deployment endpoint (<app>.scm.azurewebsites.net) is served by the same private endpoint.
    Destination("PatientTests deployment (SCM)", 'azurerm_function_app_flex_consumption.main["patient_tests"]', "sites", 443),
    Destination("Audit app", 'azurerm_function_app_flex_consumption.main["audit"]', "sites", 443),
    Destination("Audit deployment (SCM)", 'azurerm_function_app_flex_consumption.main["audit"]', "sites", 443),
    Destination("Cosmos DB", "azurerm_cosmosdb_account.main", "MongoDB", 10255),
    Destination("Key Vault", "azurerm_key_vault.main", "vault", 443),
    Destination("the Internet", None, None, 443),
    *[Destination(name, None, tag, 443 if tag != "Sql" else 1433) for name, tag in SERVICE_TAGS.items()],
    *[
        Destination(f"{label} storage ({service})", f'azurerm_storage_account.functions["{app}"]', service, 443)
        for app, label in (("patient_tests", "PatientTests"), ("audit", "Audit"))
        for service in ("blob", "queue", "table")
    ],
]


class Network:
    def __init__(self, state: dict):
        resources = state["root_module"]["resources"]
        self.by_address = {resource["address"]: resource["values"] for resource in resources}
        self.of_type = lambda kind: [(r["address"], r["values"]) for r in resources if r["type"] == kind]
        self.subnets = {values["id"]: values for _, values in self.of_type("azurerm_subnet")}
        self.nsgs = {values["id"]: values for _, values in self.of_type("azurerm_network_security_group")}
        for kind in ("azurerm_subnet", "azurerm_network_security_group", "azurerm_private_dns_zone"):
            ids = [values["id"] for _, values in self.of_type(kind)]
            if len(ids) != len(set(ids)):
                raise ValueError(f"two {kind} instances share a mocked id: give each its own in plan.tftest.hcl")
        self.nsg_of_subnet = {
            values["subnet_id"]: values["network_security_group_id"]
            for _, values in self.of_type("azurerm_subnet_network_security_group_association")
        }
        vnet = self.by_address["azurerm_virtual_network.main"]
        self.vnet_id = vnet["id"]
        self.vnet_space = [ipaddress.ip_network(space) for space in vnet["address_space"]]
        self.zone_names = {values["id"]: values["name"] for _, values in self.of_type("azurerm_private_dns_zone")}
        self.zone_links = {}
        for _, values in self.of_type("azurerm_private_dns_zone_virtual_network_link"):
            self.zone_links.setdefault(values["private_dns_zone_id"], set()).add(values["virtual_network_id"])
        self.private_endpoints = [values for _, values in self.of_type("azurerm_private_endpoint")]

    def sources(self) -> dict[str, dict | None]:
        """Each source's subnet (None for the Internet)."""
        apps = {address: values for address, values in self.of_type("azurerm_function_app_flex_consumption")}
        apim = self.by_address["azurerm_api_management.main"]
        return {
            INTERNET: None,
            "API Management": self.subnets[apim["virtual_network_configuration"][0]["subnet_id"]],
            "PatientTests integration": self.subnets[apps['azurerm_function_app_flex_consumption.main["patient_tests"]']["virtual_network_subnet_id"]],
            "Audit integration": self.subnets[apps['azurerm_function_app_flex_consumption.main["audit"]']["virtual_network_subnet_id"]],
            "Deployment runner": self.subnets[self.by_address["azurerm_subnet.deployment_runner"]["id"]],
        }

    def reachable(self, source_subnet: dict | None, destination: Destination) -> bool:
        if destination.resource_address is None:  # egress: a public address, or an Azure service's by its tag
            address = destination.subresource or INTERNET
            return source_subnet is not None and self.nsg_allows(source_subnet, "Outbound", prefix(source_subnet), address, destination.port)
        target = self.by_address[destination.resource_address]
        if destination.subresource is None:  # API Management's public gateway, behind its subnet's NSG
            if source_subnet is not None or not target.get("public_ip_address_id"):
                return False
            apim_subnet = self.subnets[target["virtual_network_configuration"][0]["subnet_id"]]
            return self.nsg_allows(apim_subnet, "Inbound", INTERNET, prefix(apim_subnet), destination.port)
        if target.get("public_network_access_enabled") is not False:
            return True  # a public endpoint: anyone
        if source_subnet is None:
            return False  # the Internet cannot route to a private endpoint
        for endpoint in self.private_endpoints:
            connection = endpoint["private_service_connection"][0]
            if connection["private_connection_resource_id"] != target["id"] or destination.subresource not in connection["subresource_names"]:
                continue
            if not self.resolves(endpoint, destination.subresource):
                continue
            endpoint_subnet = self.subnets[endpoint["subnet_id"]]
            if not self.nsg_allows(source_subnet, "Outbound", prefix(source_subnet), prefix(endpoint_subnet), destination.port):
                continue
            if endpoint_subnet.get("private_endpoint_network_policies") != "Enabled":
                return True  # NSGs do not apply to private endpoint traffic there
            if self.nsg_allows(endpoint_subnet, "Inbound", prefix(source_subnet), prefix(endpoint_subnet), destination.port):
                return True
        return False

    def resolves(self, endpoint: dict, subresource: str) -> bool:
        zones = [zone for group in endpoint.get("private_dns_zone_group", []) for zone in group.get("private_dns_zone_ids", [])]
        return any(self.zone_names.get(zone) == ZONES[subresource] and self.vnet_id in self.zone_links.get(zone, set()) for zone in zones)

    def nsg_allows(self, subnet: dict, direction: str, source: str, destination: str, port: int) -> bool:
        nsg_id = self.nsg_of_subnet.get(subnet["id"])
        rules = [rule for rule in (self.nsgs[nsg_id]["security_rule"] if nsg_id else []) if rule["direction"] == direction]
        for rule in sorted(rules, key=lambda rule: rule["priority"]) + default_rules(direction):
            if (
                rule["protocol"] in ("*", "Tcp")
                and matches_port(rule, port)
                and self.matches_prefix(prefixes(rule, "source"), source)
                and self.matches_prefix(prefixes(rule, "destination"), destination)
            ):
                return rule["access"] == "Allow"
        return False

    def matches_prefix(self, rule_prefixes: list[str], address: str) -> bool:
        for rule_prefix in rule_prefixes:
            if rule_prefix == "*":
                return True
            if address == INTERNET or address in SERVICE_TAGS.values():
                # An Azure service's public addresses are part of the Internet tag, and of AzureCloud.
                if rule_prefix in (address, INTERNET) or (rule_prefix == "AzureCloud" and address != INTERNET):
                    return True
                continue
            network = ipaddress.ip_network(address)
            if rule_prefix == "VirtualNetwork" and any(network.subnet_of(space) for space in self.vnet_space):
                return True
            if rule_prefix[0].isdigit() and network.subnet_of(ipaddress.ip_network(rule_prefix)):
                return True
            # Any other service tag (AzureMonitor, Storage, ...) names Azure's public ranges, never a subnet here.
        return False


def prefix(subnet: dict) -> str:
    (only,) = subnet["address_prefixes"]
    return only


def prefixes(rule: dict, side: str) -> list[str]:
    single = rule.get(f"{side}_address_prefix")
    return [single] if single else list(rule.get(f"{side}_address_prefixes") or [])


def matches_port(rule: dict, port: int) -> bool:
    ranges = [rule["destination_port_range"]] if rule.get("destination_port_range") else list(rule.get("destination_port_ranges") or [])
    for entry in ranges:
        if entry == "*":
            return True
        low, _, high = entry.partition("-")
        if int(low) <= port <= int(high or low):
            return True
    return False


def default_rules(direction: str) -> list[dict]:
    """Azure's rules after every configured one (AllowVnet*, AllowAzureLoadBalancerInBound / AllowInternetOutBound, DenyAll*)."""
    rule = lambda source, destination, access: {
        "protocol": "*", "destination_port_range": "*", "source_address_prefix": source,
        "destination_address_prefix": destination, "access": access,
    }
    if direction == "Inbound":
        return [rule("VirtualNetwork", "VirtualNetwork", "Allow"), rule("AzureLoadBalancer", "*", "Allow"), rule("*", "*", "Deny")]
    return [rule("VirtualNetwork", "VirtualNetwork", "Allow"), rule("*", INTERNET, "Allow"), rule("*", "*", "Deny")]


def matrix(network: Network) -> dict[tuple[str, str], bool]:
    return {
        (source, destination.name): network.reachable(subnet, destination)
        for source, subnet in network.sources().items()
        for destination in DESTINATIONS
    }


def violations(cells: dict[tuple[str, str], bool]) -> list[str]:
    found = [f"required but blocked: {source} -> {destination}" for (source, destination) in sorted(REQUIRED) if not cells[(source, destination)]]
    found += [
        f"allowed but not required: {source} -> {destination}"
        for (source, destination), allowed in sorted(cells.items())
        if allowed and (source, destination) not in REQUIRED | SHARED_ENDPOINT | EGRESS_BY_DESIGN
    ]
    return found


def markdown(cells: dict[tuple[str, str], bool]) -> str:
    sources = list(dict.fromkeys(source for source, _ in cells))
    lines = [
        "| destination (port) | " + " | ".join(sources) + " |",
        "|---|" + "---|" * len(sources),
    ]
    for destination in DESTINATIONS:
        row = [cell(cells, source, destination.name) for source in sources]
        lines.append(f"| {destination.name} ({destination.port}) | " + " | ".join(row) + " |")
    lines.append("")
    lines.append("**yes**: required and allowed. no: denied. yes (shared): allowed only because it is the same private")
    lines.append("endpoint as the app the source must call; the deployment endpoint accepts Entra ID tokens only.")
    lines.append("yes (egress): part of the Internet egress API Management and the runner need; an Azure service by its")
    lines.append("service tag means its public addresses (any account of that service), not this deployment's private ones.")
    return "\n".join(lines) + "\n"


def cell(cells: dict[tuple[str, str], bool], source: str, destination: str) -> str:
    if not cells[(source, destination)]:
        return "no"
    if (source, destination) in REQUIRED:
        return "**yes**"
    return "yes (shared)" if (source, destination) in SHARED_ENDPOINT else "yes (egress)"


START, END = "<!-- reachability matrix: generated by env/tests/reachability.py -->", "<!-- end of reachability matrix -->"


def docs_with(document: str, table: str) -> str:
    before, found, rest = document.partition(START)
    if not found or END not in rest:
        raise ValueError(f"the document has no {START} ... {END} section")
    return before + START + "\n" + table + END + rest.split(END, 1)[1]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("state")
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--check-docs")
    parser.add_argument("--write-docs")
    parser.add_argument("--expect-violations", action="store_true", help="for a copy broken on purpose: succeed only if the check fails")
    arguments = parser.parse_args()
    with open(arguments.state, encoding="utf-8") as handle:
        cells = matrix(Network(json.load(handle)))
    found = violations(cells)
    if arguments.expect_violations:
        print("\n".join(f"  (as expected) {line}" for line in found) or "  no violation: the check did not fire")
        return 0 if found else 1
    table = markdown(cells)
    if arguments.markdown:
        print(table, end="")
    for path in filter(None, [arguments.write_docs]):
        with open(path, encoding="utf-8") as handle:
            updated = docs_with(handle.read(), table)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(updated)
    if arguments.check_docs:
        with open(arguments.check_docs, encoding="utf-8") as handle:
            document = handle.read()
        if docs_with(document, table) != document:
            found.append(f"{arguments.check_docs} shows another matrix: UPDATE_DOCS=1 bash scripts/check-infrastructure.sh writes the computed one")
    for line in found:
        print(f"  {line}")
    allowed = sum(cells.values())
    print(f"  reachability: {allowed} allowed, {len(cells) - allowed} denied, {len(REQUIRED)} required; {len(found)} violation(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
