resource "azurerm_key_vault" "main" {
  name                = "kv-${local.resource_prefix}"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  tenant_id           = data.azurerm_client_config.current.tenant_id
  sku_name            = "standard"

  # Azure RBAC, never access policies: access is granted per secret below.
  rbac_authorization_enabled    = true
  purge_protection_enabled      = true
  soft_delete_retention_days    = 90
  public_network_access_enabled = false

  network_acls {
    default_action = "Deny"
    bypass         = "None"
  }

  tags = local.tags
}

resource "azurerm_private_endpoint" "key_vault" {
  name                = "pe-${local.resource_prefix}-kv"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  subnet_id           = azurerm_subnet.private_endpoints["data"].id
  tags                = local.tags

  private_service_connection {
    name                           = "key-vault"
    private_connection_resource_id = azurerm_key_vault.main.id
    subresource_names              = ["vault"]
    is_manual_connection           = false
  }

  private_dns_zone_group {
    name                 = "key-vault"
    private_dns_zone_ids = [azurerm_private_dns_zone.main["key_vault"].id]
  }
}

# Whoever runs Terraform writes the secrets (over the private endpoint: run it from inside the VNet or a
# runner with access, see README.md). This is the only role on the whole vault.
resource "azurerm_role_assignment" "deployer_secrets_officer" {
  scope                = azurerm_key_vault.main.id
  role_definition_name = "Key Vault Secrets Officer"
  principal_id         = data.azurerm_client_config.current.object_id
}

# Function keys we choose, so they can live in Key Vault and be rotated (docs/key_rotation.md).
resource "random_password" "function_key" {
  for_each = toset(["audit_for_patient_tests", "patient_tests_for_apim"])
  length   = 48
  special  = false
}

# Each identity is granted exactly the secrets it reads. One secret per consumer, except the key API
# Management presents to the PatientTests app: APIM sends it, and the app compares the key of each request
# with it to know which calls came through the gateway (and may name their caller). One secret, so that a
# rotation (docs/key_rotation.md) changes what both read.
locals {
  secrets = {
    patient-tests-mongodb-uri  = { value = local.cosmos_connection_string, readers = ["patient_tests"] }
    audit-mongodb-uri          = { value = local.cosmos_connection_string, readers = ["audit"] }
    audit-api-key              = { value = random_password.function_key["audit_for_patient_tests"].result, readers = ["patient_tests"] }
    patient-tests-function-key = { value = random_password.function_key["patient_tests_for_apim"].result, readers = ["apim", "patient_tests"] }
  }
  secret_readers = merge([
    for secret, definition in local.secrets : { for reader in definition.readers : "${secret}/${reader}" => { secret = secret, reader = reader } }
  ]...)
}

resource "azurerm_key_vault_secret" "main" {
  #checkov:skip=CKV_AZURE_41: Rotated by the key-rotation tool with two keys in turn (docs/key_rotation.md); a fixed expiry would stop the apps on a date instead of after a rotation.
  for_each     = local.secrets
  name         = each.key
  value        = each.value.value
  key_vault_id = azurerm_key_vault.main.id
  content_type = "text/plain"
  # Rotated by the key-rotation tool; a fixed expiry would stop the apps, so none is set (see docs).
  depends_on = [azurerm_role_assignment.deployer_secrets_officer, azurerm_private_endpoint.key_vault]
}

# Each identity may read its own secrets and nothing else: the scope is one secret.
resource "azurerm_role_assignment" "secret_reader" {
  for_each             = local.secret_readers
  scope                = azurerm_key_vault_secret.main[each.value.secret].resource_versionless_id
  role_definition_name = "Key Vault Secrets User"
  principal_id         = local.identities[each.value.reader].principal_id
}
