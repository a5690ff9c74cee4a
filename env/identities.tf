# One user-assigned identity per workload: created before the apps, so role assignments exist when
# the apps first resolve their Key Vault references.
resource "azurerm_user_assigned_identity" "main" {
  for_each            = toset(["patient_tests", "audit", "apim"])
  name                = "id-${local.resource_prefix}-${replace(each.key, "_", "-")}"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  tags                = local.tags
}

locals {
  identities = azurerm_user_assigned_identity.main
}
