"""The reachability model decides as Azure does: rules by priority, default rules last, service tags apart
from subnets, a private endpoint only when its name resolves. Synthetic states keep each case small."""
import copy

import pytest

import reachability

SUB = "/subscriptions/0/resourceGroups/rg/providers"
VNET = f"{SUB}/Microsoft.Network/virtualNetworks/vnet"


def rule(name, priority, direction, access, source, destination, port="*"):
    return {
        "name": name, "priority": priority, "direction": direction, "access": access, "protocol": "Tcp",
        "source_address_prefix": source, "source_address_prefixes": [], "destination_address_prefix": destination,
        "destination_address_prefixes": [], "destination_port_range": port, "destination_port_ranges": [],
    }


def resource(address, kind, values):
    return {"address": address, "type": kind, "values": values}


def state(caller_rules=None, endpoint_rules=None, linked=True, policies="Enabled"):
    subnets = {"caller": "10.0.0.0/26", "endpoint": "10.0.1.0/28"}
    resources = [
        resource("azurerm_virtual_network.main", "azurerm_virtual_network", {"id": VNET, "address_space": ["10.0.0.0/16"]}),
        resource("azurerm_key_vault.main", "azurerm_key_vault", {"id": f"{SUB}/Microsoft.KeyVault/vaults/kv", "public_network_access_enabled": False}),
        resource("azurerm_private_dns_zone.kv", "azurerm_private_dns_zone", {"id": f"{SUB}/Microsoft.Network/privateDnsZones/kv", "name": "privatelink.vaultcore.azure.net"}),
        resource("azurerm_private_endpoint.kv", "azurerm_private_endpoint", {
            "subnet_id": f"{VNET}/subnets/endpoint",
            "private_service_connection": [{"private_connection_resource_id": f"{SUB}/Microsoft.KeyVault/vaults/kv", "subresource_names": ["vault"]}],
            "private_dns_zone_group": [{"private_dns_zone_ids": [f"{SUB}/Microsoft.Network/privateDnsZones/kv"]}],
        }),
    ]
    if linked:
        resources.append(resource("azurerm_private_dns_zone_virtual_network_link.kv", "azurerm_private_dns_zone_virtual_network_link", {"private_dns_zone_id": f"{SUB}/Microsoft.Network/privateDnsZones/kv", "virtual_network_id": VNET}))
    for name, prefix in subnets.items():
        resources.append(resource(f"azurerm_subnet.{name}", "azurerm_subnet", {"id": f"{VNET}/subnets/{name}", "address_prefixes": [prefix], "private_endpoint_network_policies": policies}))
        rules = caller_rules if name == "caller" else endpoint_rules
        if rules is not None:
            nsg = f"{SUB}/Microsoft.Network/networkSecurityGroups/{name}"
            resources.append(resource(f"azurerm_network_security_group.{name}", "azurerm_network_security_group", {"id": nsg, "security_rule": rules}))
            resources.append(resource(f"azurerm_subnet_network_security_group_association.{name}", "azurerm_subnet_network_security_group_association", {"subnet_id": f"{VNET}/subnets/{name}", "network_security_group_id": nsg}))
    return {"root_module": {"resources": resources}}


KEY_VAULT = reachability.Destination("Key Vault", "azurerm_key_vault.main", "vault", 443)


def reaches(network_state):
    network = reachability.Network(network_state)
    return network.reachable(network.subnets[f"{VNET}/subnets/caller"], KEY_VAULT)


def test_without_nsgs_azure_default_rules_let_the_vnet_through():
    assert reaches(state())


def test_the_lower_priority_number_wins():
    deny_first = [rule("deny", 100, "Inbound", "Deny", "*", "*"), rule("allow", 200, "Inbound", "Allow", "10.0.0.0/26", "*", "443")]
    allow_first = [rule("allow", 100, "Inbound", "Allow", "10.0.0.0/26", "*", "443"), rule("deny", 200, "Inbound", "Deny", "*", "*")]
    assert not reaches(state(endpoint_rules=deny_first))
    assert reaches(state(endpoint_rules=allow_first))


def test_a_rule_for_another_port_or_subnet_does_not_admit():
    assert not reaches(state(endpoint_rules=[rule("allow", 100, "Inbound", "Allow", "10.0.0.0/26", "*", "10255"), rule("deny", 4000, "Inbound", "Deny", "*", "*")]))
    assert not reaches(state(endpoint_rules=[rule("allow", 100, "Inbound", "Allow", "10.9.0.0/26", "*", "443"), rule("deny", 4000, "Inbound", "Deny", "*", "*")]))


def test_the_source_side_counts_too_and_a_service_tag_is_not_a_subnet():
    only_monitor = [rule("monitor", 100, "Outbound", "Allow", "*", "AzureMonitor", "443"), rule("deny", 4000, "Outbound", "Deny", "*", "*")]
    assert not reaches(state(caller_rules=only_monitor))


def test_an_endpoint_whose_name_does_not_resolve_is_not_reached():
    assert not reaches(state(linked=False))


def test_without_network_policies_the_endpoint_subnet_nsg_does_not_apply():
    deny_all = [rule("deny", 100, "Inbound", "Deny", "*", "*")]
    assert not reaches(state(endpoint_rules=deny_all))
    assert reaches(state(endpoint_rules=deny_all, policies="Disabled"))


def test_a_public_endpoint_is_reached_from_anywhere():
    public = copy.deepcopy(state(linked=False))
    public["root_module"]["resources"][1]["values"]["public_network_access_enabled"] = True
    network = reachability.Network(public)
    assert network.reachable(None, KEY_VAULT)


def test_two_instances_with_one_mocked_id_are_refused():
    duplicated = state()
    duplicated["root_module"]["resources"].append(copy.deepcopy(next(r for r in duplicated["root_module"]["resources"] if r["address"] == "azurerm_subnet.caller")))
    with pytest.raises(ValueError, match="share a mocked id"):
        reachability.Network(duplicated)
