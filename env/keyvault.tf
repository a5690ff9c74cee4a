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

  # Deny by default. API Management fetches a Key Vault named value from its control plane, outside this
  # VNet, as a trusted Microsoft service with its system-assigned identity: that needs the trusted-services
  # exception (Azure docs, "API Management: Key Vault network requirements", 2026-04). Public network access
  # stays off: with it off, only private endpoint traffic and trusted services get through.
  network_acls {
    default_action = "Deny"
    bypass         = "AzureServices"
  }

  tags = local.tags
}

resource "azurerm_private_endpoint" "key_vault" {
  name                = "pe-${local.resource_prefix}-kv"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  subnet_id           = azurerm_subnet.private_endpoints["key_vault"].id
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

# Whoever applies writes the secrets, over the vault's private endpoint: from the deployment runner's subnet
# or a network peered to it (network.tf, README.md "First deployment"). The writers are named in
# secret_writer_object_ids (a person for the bootstrap, the deploying identity of CD); without a name, the
# identity running Terraform. Not "the identity running Terraform" in CD: a saved plan is made by the
# read-only plan identity, and the role would go to it. These are the only roles on the whole vault.
locals {
  secret_writers = length(var.secret_writer_object_ids) > 0 ? toset(var.secret_writer_object_ids) : toset([data.azurerm_client_config.current.object_id])
}

resource "azurerm_role_assignment" "deployer_secrets_officer" {
  for_each             = local.secret_writers
  scope                = azurerm_key_vault.main.id
  role_definition_name = "Key Vault Secrets Officer"
  principal_id         = each.value
}

# Azure RBAC takes a while to reach Key Vault's data plane: a secret written right after its role
# assignment fails with 403 ForbiddenByRbac on a first apply (Azure/terraform-azurerm-avm-res-keyvault-vault
# #78, fixed there by waiting; hashicorp/terraform-provider-azurerm#23927).
resource "time_sleep" "key_vault_roles_propagated" {
  create_duration = var.rbac_propagation_wait
  triggers = {
    writers = join(",", [for assignment in azurerm_role_assignment.deployer_secrets_officer : assignment.id])
  }
}

# Function keys we choose, so they can live in Key Vault and be rotated (docs/key_rotation.md).
resource "random_password" "function_key" {
  for_each = local.function_keys
  length   = 48
  special  = false
}

# Each identity is granted exactly the secrets it reads. One secret per consumer, except the key API
# Management presents to the PatientTests app: APIM sends it, and the app compares the key of each request
# with it to know which calls came through the gateway (and may name their caller). One secret, so that a
# rotation (docs/key_rotation.md) changes what both read. Readers are app identities (user-assigned) or API
# Management's system-assigned identity (apim.tf).
locals {
  function_key_secrets = {
    audit-api-key              = { value = random_password.function_key["audit_for_patient_tests"].result, readers = ["patient_tests"] }
    patient-tests-function-key = { value = random_password.function_key["patient_tests_for_apim"].result, readers = ["apim", "patient_tests"] }
  }
  connection_secrets = {
    patient-tests-mongodb-uri = { value = local.mongodb_uri["patient_tests"], readers = ["patient_tests"] }
    audit-mongodb-uri         = { value = local.mongodb_uri["audit"], readers = ["audit"] }
  }
  secrets = merge(local.function_key_secrets, local.connection_secrets)
  secret_ids = merge(
    { for name, secret in azurerm_key_vault_secret.function_key : name => secret },
    { for name, secret in azurerm_key_vault_secret.connection : name => secret },
  )
  secret_grants = merge([
    for secret, definition in local.secrets : { for reader in definition.readers : "${secret}/${reader}" => { secret = secret, reader = reader } }
  ]...)
  reader_principals = {
    patient_tests = local.identities["patient_tests"].principal_id
    audit         = local.identities["audit"].principal_id
    apim          = azurerm_api_management.main.identity[0].principal_id
  }
}

# The function keys are rotated by the key-rotation tool, which writes new versions of these secrets.
# Terraform sets the first value and then leaves it alone: the secret resource reads the latest version
# (key_vault_secret_resource.go, Read), so without ignore_changes the next apply would write the retired
# key back and break every consumer that had switched.
resource "azurerm_key_vault_secret" "function_key" {
  #checkov:skip=CKV_AZURE_41: Rotated by the key-rotation tool with two keys in turn (docs/key_rotation.md); a fixed expiry would stop the apps on a date instead of after a rotation.
  for_each     = local.function_key_secrets
  name         = each.key
  value        = each.value.value
  key_vault_id = azurerm_key_vault.main.id
  content_type = "text/plain"

  lifecycle {
    ignore_changes = [value]
  }

  depends_on = [time_sleep.key_vault_roles_propagated, azurerm_private_endpoint.key_vault]
}

# Each app's database credential (cosmos.tf). Terraform owns these values: rotating a database user's
# password is a change to cosmos.tf, applied by Terraform (docs/key_rotation.md).
resource "azurerm_key_vault_secret" "connection" {
  #checkov:skip=CKV_AZURE_41: Replaced by Terraform when the database credential changes (docs/key_rotation.md); a fixed expiry would stop the apps on a date.
  for_each     = local.connection_secrets
  name         = each.key
  value        = each.value.value
  key_vault_id = azurerm_key_vault.main.id
  content_type = "text/plain"

  depends_on = [time_sleep.key_vault_roles_propagated, azurerm_private_endpoint.key_vault]
}

# Each identity may read its own secrets and nothing else: the scope is one secret.
resource "azurerm_role_assignment" "secret_reader" {
  for_each             = local.secret_grants
  scope                = local.secret_ids[each.value.secret].resource_versionless_id
  role_definition_name = "Key Vault Secrets User"
  principal_id         = local.reader_principals[each.value.reader]
}

# The readers' roles must have reached Key Vault before API Management's named value is created (it reads
# its secret at once) and before the apps first resolve their references.
resource "time_sleep" "secret_readers_propagated" {
  create_duration = var.rbac_propagation_wait
  triggers = {
    readers = join(",", [for assignment in azurerm_role_assignment.secret_reader : assignment.id])
  }
}
