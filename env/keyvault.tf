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

  # Deny by default, and no trusted-services exception: the only readers are the two apps, which resolve
  # their Key Vault references through their VNet integration and the vault's private endpoint. (API
  # Management needed the exception for a Key Vault named value, the function key it no longer has.)
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
# or a network peered to it (network.tf, README.md "First deployment"). The writers are named, each with the
# kind of principal it is: secret_writer_object_ids (service principals: CD's deploying identity) and
# secret_writer_user_object_ids (people: whoever bootstraps). The kind is said because CD's identity may assign
# roles to service principals only (README.md, "Continuous deployment"). Without a name, the identity running
# Terraform, of a kind Terraform cannot tell (a person's own apply, outside CD). Not "the identity running
# Terraform" in CD: a saved plan is made by the read-only plan identity, and the role would go to it. These
# are the only roles on the whole vault.
locals {
  named_secret_writers = merge(
    { for id in var.secret_writer_object_ids : id => "ServicePrincipal" },
    { for id in var.secret_writer_user_object_ids : id => "User" },
  )
  secret_writers = length(local.named_secret_writers) > 0 ? local.named_secret_writers : { (data.azurerm_client_config.current.object_id) = null }
}

resource "azurerm_role_assignment" "deployer_secrets_officer" {
  for_each             = local.secret_writers
  scope                = azurerm_key_vault.main.id
  role_definition_name = "Key Vault Secrets Officer"
  principal_id         = each.key
  principal_type       = each.value
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

# Each identity is granted exactly the secrets it reads: each app its own database connection string (the
# only secrets left: Cosmos DB for MongoDB RU has no Entra data plane, so the apps connect with a database
# user's password). Readers are the apps' user-assigned identities.
locals {
  connection_secrets = {
    patient-tests-mongodb-uri = { value = local.mongodb_uri["patient_tests"], readers = ["patient_tests"] }
    audit-mongodb-uri         = { value = local.mongodb_uri["audit"], readers = ["audit"] }
  }
  secret_ids = { for name, secret in azurerm_key_vault_secret.connection : name => secret }
  secret_grants = merge([
    for secret, definition in local.connection_secrets : { for reader in definition.readers : "${secret}/${reader}" => { secret = secret, reader = reader } }
  ]...)
  reader_principals = {
    patient_tests = local.identities["patient_tests"].principal_id
    audit         = local.identities["audit"].principal_id
  }
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
  principal_type       = "ServicePrincipal"
}

# The readers' roles must have reached Key Vault before the apps first resolve their references.
resource "time_sleep" "secret_readers_propagated" {
  create_duration = var.rbac_propagation_wait
  triggers = {
    readers = join(",", [for assignment in azurerm_role_assignment.secret_reader : assignment.id])
  }
}
