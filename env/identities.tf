# One user-assigned identity per function app: created before the apps, so role assignments exist when
# the apps first resolve their Key Vault references. API Management uses its system-assigned identity
# (apim.tf), the only kind it can use for Key Vault named values behind a firewall.
resource "azurerm_user_assigned_identity" "main" {
  for_each            = toset(["patient_tests", "audit"])
  name                = "id-${local.resource_prefix}-${replace(each.key, "_", "-")}"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  tags                = local.tags
}

locals {
  identities = azurerm_user_assigned_identity.main
}
