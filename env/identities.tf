# One user-assigned identity per function app and one for API Management, created before anything that uses
# them (and in the bootstrap, README.md step 2), so that env/identity can assign them their app roles before
# API Management asks for its first token and before the apps first resolve their Key Vault references.
# API Management's is user-assigned rather than system-assigned for that reason: a system-assigned identity
# exists only once API Management does (30 to 45 minutes into the first apply) and is a new principal
# whenever API Management is replaced, each time needing the administrator again. Attaching it to anything
# else needs Managed Identity Operator on it, which only whoever may already change API Management holds.
resource "azurerm_user_assigned_identity" "main" {
  for_each            = toset(["patient_tests", "audit", "api_management"])
  name                = "id-${local.resource_prefix}-${replace(each.key, "_", "-")}"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  tags                = local.tags
}

locals {
  identities = azurerm_user_assigned_identity.main
}
