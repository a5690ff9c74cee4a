"""Breaks a copy of env/ on purpose, so the reachability check and validate can show they fire.

Usage: break_copy.py ENV_COPY CASE   (CASE: one of BREAKAGES)
"""
import re
import sys

# Each: what a careless change could do, and the edits that do it.
BREAKAGES = {
    # Defect 11: an integration subnet without its deny-by-default outbound rule reaches the Internet.
    "patient-tests-internet": [
        ("network.tf", r'(resource "azurerm_network_security_group" "patient_tests_outbound" \{.*?)  security_rule \{\n    name                       = "deny-all-outbound".*?\n  \}\n', r"\1"),
    ],
    # An integration subnet allowed out to a service tag: any storage account in Azure, not just its own.
    "patient-tests-storage-tag": [
        ("network.tf", r'destination_address_prefix = "AzureMonitor"', 'destination_address_prefix = "Storage"'),
    ],
    # An azapi resource's trigger indexed by something else than each.key (the function keys' trigger once was):
    # Terraform refuses that at init, before any provider runs, so validate must see the azapi resources (as
    # stand-ins without the provider).
    "trigger-by-value": [
        ("functions.tf", r'(key_vault_reference_identity" \{.*?)replace_triggered_by = \[azurerm_function_app_flex_consumption\.main\[each\.key\]\]', r"\1replace_triggered_by = [azurerm_function_app_flex_consumption.main[each.value.name]]"),
    ],
    # API Management admitted to the database, on both sides.
    "apim-to-cosmos": [
        ("network.tf", r'cosmos(\s+)= \{ port = "10255", sources = \[', r'cosmos\1= { port = "10255", sources = [local.subnets.apim, '),
        (
            "network.tf",
            r'(name\s+= "allow-patient-tests-endpoint".*?)destination_port_range\s+= "443"(.*?)destination_address_prefix\s+= local.subnets.patient_tests_inbound',
            r'\1destination_port_ranges = ["443", "10255"]\2destination_address_prefixes = [local.subnets.patient_tests_inbound, local.subnets.cosmos]',
        ),
    ],
}


def main(directory: str, case: str) -> None:
    for file_name, pattern, replacement in BREAKAGES[case]:
        path = f"{directory}/{file_name}"
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        broken, count = re.subn(pattern, replacement, text, count=1, flags=re.DOTALL)
        if count != 1:
            raise SystemExit(f"{case}: {pattern!r} not found in {file_name}")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(broken)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
