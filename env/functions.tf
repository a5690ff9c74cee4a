# Both function apps: Flex Consumption, Node 22, a user-assigned identity each, host storage through
# that identity (shared keys off), outbound VNet integration, inbound only through a private endpoint
# whose subnet admits one caller, HTTPS only, TLS 1.2+, Key Vault references for every secret, and (entra.tf)
# the settings by which each checks its callers' Entra ID tokens: no function key opens either app.
locals {
  function_app_names = {
    patient_tests = "func-${local.resource_prefix}-patienttests"
    audit         = "func-${local.resource_prefix}-audit"
  }
  function_apps = {
    patient_tests = {
      name = local.function_app_names["patient_tests"]
      # Who may reach it on the network: API Management only.
      caller_subnet = "apim"
      app_settings = {
        MONGODB_URI                 = "@Microsoft.KeyVault(SecretUri=${azurerm_key_vault_secret.connection["patient-tests-mongodb-uri"].versionless_id})"
        PATIENT_TESTS_DATABASE_NAME = azurerm_cosmosdb_mongo_database.main["patient_tests"].name
        # The Audit app's default host name. Not its default_hostname attribute: an app's settings cannot
        # name an attribute of the resource they belong to (both apps are one resource), so the host name is
        # the one Azure gives an app created without a unique default host name, and the app's postcondition
        # (below) stops the apply if Azure gave it another.
        AUDIT_API_URL = "https://${local.function_app_names["audit"]}.azurewebsites.net/api"
        # The Audit API's application: the audience of the tokens this app's identity presents to it.
        AUDIT_API_APPLICATION_ID   = local.entra.audit_api_client_id
        MANAGED_IDENTITY_CLIENT_ID = local.identities["patient_tests"].client_id
        # As long as Cosmos DB keeps the keys (the collection's TTL, from the same declaration).
        IDEMPOTENCY_TTL_SECONDS = tostring(local.mongo_collections["idempotency_keys"].ttl_seconds)
      }
    }
    audit = {
      name = local.function_app_names["audit"]
      # Who may reach it on the network: the PatientTests app only (its outbound subnet).
      caller_subnet = "patient_tests_outbound"
      app_settings = {
        MONGODB_URI           = "@Microsoft.KeyVault(SecretUri=${azurerm_key_vault_secret.connection["audit-mongodb-uri"].versionless_id})"
        AUDIT_DATABASE_NAME   = azurerm_cosmosdb_mongo_database.main["audit"].name
        AUDIT_COLLECTION_NAME = azurerm_cosmosdb_mongo_collection.main["audit_records"].name
      }
    }
  }
  # The host's storage services each app reaches through a private endpoint in its own storage subnet.
  storage_services = ["blob", "queue", "table"]
  storage_endpoints = merge([
    for app in keys(local.function_apps) : {
      for service in local.storage_services : "${app}_${service}" => { app = app, service = service, subnet = "${app}_storage" }
    }
  ]...)
}

resource "azurerm_storage_account" "functions" {
  #checkov:skip=CKV_AZURE_36: Reached through private endpoints only; no Azure service needs the trusted-services bypass, so it stays closed.
  #checkov:skip=CKV_AZURE_33: Logging through diagnostic settings to Log Analytics (below); queue_properties is a data-plane call that cannot pass a closed public endpoint.
  #checkov:skip=CKV2_AZURE_1: Encrypted at rest with Microsoft-managed keys; it holds the host's keys and the code package, no patient data. Customer-managed keys are an option (docs/security_pattern.md).
  for_each                 = local.function_apps
  name                     = "st${local.storage_prefix}${substr(replace(each.key, "_", ""), 0, 6)}"
  location                 = azurerm_resource_group.main.location
  resource_group_name      = azurerm_resource_group.main.name
  account_tier             = "Standard"
  account_replication_type = "GZRS"

  shared_access_key_enabled         = false
  default_to_oauth_authentication   = true
  public_network_access_enabled     = false
  allow_nested_items_to_be_public   = false
  min_tls_version                   = "TLS1_2"
  infrastructure_encryption_enabled = true
  local_user_enabled                = false

  network_rules {
    default_action = "Deny"
    bypass         = ["None"]
  }

  blob_properties {
    delete_retention_policy {
      days = 7
    }
    container_delete_retention_policy {
      days = 7
    }
  }

  sas_policy {
    expiration_period = "00.01:00:00"
  }

  tags = local.tags
}

# Where Flex Consumption keeps the deployment package.
resource "azurerm_storage_container" "deployments" {
  #checkov:skip=CKV2_AZURE_21: Blob reads are logged by the diagnostic setting on the account's blob service (storage_logs below), which this check does not follow to a container.
  for_each              = local.function_apps
  name                  = "deployments"
  storage_account_id    = azurerm_storage_account.functions[each.key].id
  container_access_type = "private"
}

resource "azurerm_private_endpoint" "storage" {
  for_each            = local.storage_endpoints
  name                = "pe-${local.resource_prefix}-st-${replace(each.key, "_", "-")}"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  subnet_id           = azurerm_subnet.private_endpoints[each.value.subnet].id
  tags                = local.tags

  private_service_connection {
    name                           = each.value.service
    private_connection_resource_id = azurerm_storage_account.functions[each.value.app].id
    subresource_names              = [each.value.service]
    is_manual_connection           = false
  }

  private_dns_zone_group {
    name                 = each.value.service
    private_dns_zone_ids = [azurerm_private_dns_zone.main[each.value.service].id]
  }
}

# Each app's identity on its own storage account only: what the Functions host needs for its keys,
# leases and the deployment package.
locals {
  storage_roles = merge([
    for app in keys(local.function_apps) : {
      for role in ["Storage Blob Data Owner", "Storage Queue Data Contributor", "Storage Table Data Contributor"] :
      "${app}-${role}" => { app = app, role = role }
    }
  ]...)
}

resource "azurerm_role_assignment" "function_storage" {
  for_each             = local.storage_roles
  scope                = azurerm_storage_account.functions[each.value.app].id
  role_definition_name = each.value.role
  principal_id         = local.identities[each.value.app].principal_id
  # Said, not looked up: the deploy identity may assign roles to service principals only (README.md,
  # "Continuous deployment"), and a new identity is found sooner by type.
  principal_type = "ServicePrincipal"
}

# The host reaches its storage with these roles from its first start (keys, leases, the package).
resource "time_sleep" "storage_roles_propagated" {
  create_duration = var.rbac_propagation_wait
  triggers = {
    roles = join(",", [for assignment in azurerm_role_assignment.function_storage : assignment.id])
  }
}

resource "azurerm_service_plan" "functions" {
  #checkov:skip=CKV_AZURE_225: Zone redundant in prod (below); a dev environment would pay for the always-ready instances zone redundancy keeps.
  #checkov:skip=CKV_AZURE_212: Flex Consumption scales per request from zero; a minimum instance count does not apply to the plan.
  for_each            = local.function_apps
  name                = "asp-${local.resource_prefix}-${replace(each.key, "_", "-")}"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  os_type             = "Linux"
  sku_name            = "FC1"
  # Flex Consumption spreads instances over availability zones when asked (generally available; the host
  # storage must be zone-redundant: GZRS above is). It then keeps at least two instances always ready per
  # scale group and bills them as always-ready instances. Set at creation: azurerm replaces a plan whose
  # zone balancing is switched on later (service_plan_resource.go, CustomizeDiff).
  zone_balancing_enabled = var.environment == "prod"
  tags                   = local.tags
}

resource "azurerm_function_app_flex_consumption" "main" {
  for_each            = local.function_apps
  name                = each.value.name
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  service_plan_id     = azurerm_service_plan.functions[each.key].id

  runtime_name           = "node"
  runtime_version        = "22"
  maximum_instance_count = var.function_max_instances
  instance_memory_in_mb  = 2048

  storage_container_type            = "blobContainer"
  storage_container_endpoint        = "${azurerm_storage_account.functions[each.key].primary_blob_endpoint}${azurerm_storage_container.deployments[each.key].name}"
  storage_authentication_type       = "UserAssignedIdentity"
  storage_user_assigned_identity_id = local.identities[each.key].id

  identity {
    type         = "UserAssigned"
    identity_ids = [local.identities[each.key].id]
  }

  https_only                                     = true
  public_network_access_enabled                  = false
  virtual_network_subnet_id                      = azurerm_subnet.function_outbound[each.key].id
  webdeploy_publish_basic_authentication_enabled = false

  site_config {
    minimum_tls_version                    = "1.2"
    scm_minimum_tls_version                = "1.2"
    http2_enabled                          = true
    application_insights_connection_string = azurerm_application_insights.main.connection_string
    health_check_path                      = "/api/health"
    health_check_eviction_time_in_min      = 2

    # The public endpoint is off and private endpoint traffic is not subject to access restrictions: these
    # defaults matter only if public access were ever switched on. Who may call an app is decided by the
    # NSG of its private endpoint's subnet (network.tf).
    ip_restriction_default_action     = "Deny"
    scm_ip_restriction_default_action = "Deny"
  }

  app_settings = local.app_settings[each.key]

  # The Azure Developer CLI finds each app by this tag: the service of the same key in azure.yaml.
  tags = merge(local.tags, { "azd-service-name" = each.key })

  depends_on = [time_sleep.storage_roles_propagated, time_sleep.secret_readers_propagated]

  lifecycle {
    postcondition {
      condition     = self.default_hostname == "${each.value.name}.azurewebsites.net"
      error_message = "Azure gave ${each.value.name} the host name ${self.default_hostname}, not ${each.value.name}.azurewebsites.net, which PatientTests' AUDIT_API_URL names: build that setting from this host name (functions.tf)."
    }
  }
}

# What each app's settings hold. azurerm (5.2) adds to app_settings an `AzureWebJobsStorage` connection
# string with an empty AccountKey whenever the host's storage is reached through an identity
# (helpers/function_app_schema.go, ExpandSiteConfigFunctionFlexConsumptionApp; hashicorp/terraform-provider-
# azurerm#29693, #29149, #30732). The host prefers it to AzureWebJobsStorage__* and stops with "Connection
# string has keyword 'AccountKey' with empty value". So the settings are written once more, whole, without
# it (below). azurerm itself gets only the apps' own settings: it writes App Insights and the health check
# from site_config and reads them back out of app_settings, so giving them there too would show a change
# on every plan, and every update re-adds the broken setting (#33211).
locals {
  app_settings = {
    for app, settings in local.function_apps : app => merge(settings.app_settings, local.token_settings[app], {
      AzureWebJobsStorage__accountName = azurerm_storage_account.functions[app].name
      AzureWebJobsStorage__credential  = "managedidentity"
      AzureWebJobsStorage__clientId    = local.identities[app].client_id
    })
  }
  # What the apps run with: their settings and what azurerm writes from site_config (the same values).
  app_settings_written = {
    for app, settings in local.app_settings : app => merge(settings, {
      APPLICATIONINSIGHTS_CONNECTION_STRING = azurerm_application_insights.main.connection_string
      WEBSITE_HEALTHCHECK_MAXPINGFAILURES   = "2"
    })
  }
}

# PUT replaces the whole settings collection: afterwards the app has exactly local.app_settings_written. It runs
# again whenever the app resource changes, because every update of the app re-adds the broken setting
# (#33211). Remove it once azurerm stops writing AzureWebJobsStorage for identity-based storage (#29099).
resource "azapi_resource_action" "app_settings_without_storage_key" {
  for_each    = local.function_apps
  type        = "Microsoft.Web/sites/config@2024-04-01"
  resource_id = "${azurerm_function_app_flex_consumption.main[each.key].id}/config/appsettings"
  method      = "PUT"
  body = {
    properties = local.app_settings_written[each.key]
  }

  # The references in these settings resolve when the app restarts after this write: with the right
  # identity only if it is set by then.
  depends_on = [azapi_resource_action.key_vault_reference_identity]

  lifecycle {
    replace_triggered_by = [azurerm_function_app_flex_consumption.main[each.key]]
  }
}

resource "azurerm_private_endpoint" "function_apps" {
  for_each            = local.function_apps
  name                = "pe-${local.resource_prefix}-${replace(each.key, "_", "-")}"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  subnet_id           = azurerm_subnet.private_endpoints["${each.key}_inbound"].id
  tags                = local.tags

  private_service_connection {
    name                           = "sites"
    private_connection_resource_id = azurerm_function_app_flex_consumption.main[each.key].id
    subresource_names              = ["sites"]
    is_manual_connection           = false
  }

  private_dns_zone_group {
    name                 = "sites"
    private_dns_zone_ids = [azurerm_private_dns_zone.main["sites"].id]
  }
}

# Key Vault references resolve with the app's user-assigned identity (the platform would otherwise try a
# system-assigned one, which these apps do not have); azurerm's Flex Consumption resource has no argument
# for it (PR hashicorp/terraform-provider-azurerm#31439 is open). A PATCH of that one property, the request
# the App Service Key Vault references documentation makes (`az rest --method PATCH`): azapi_update_resource
# would GET the whole site and PUT it back, echoing siteConfig fields a Flex Consumption site refuses to be
# sent (ARM 51021; Azure/azure-functions-host#10643, Azure/terraform-azurerm-avm-res-web-site#345).
# Set again after each update of the app, and before the settings are written (below), so the restart that
# write causes resolves the references with this identity.
resource "azapi_resource_action" "key_vault_reference_identity" {
  for_each    = local.function_apps
  type        = "Microsoft.Web/sites@2024-04-01"
  resource_id = azurerm_function_app_flex_consumption.main[each.key].id
  method      = "PATCH"
  body = {
    properties = {
      keyVaultReferenceIdentity = local.identities[each.key].id
    }
  }

  lifecycle {
    replace_triggered_by = [azurerm_function_app_flex_consumption.main[each.key]]
  }
}

# Reads, writes and deletes on each account's blob and queue services, to Log Analytics.
locals {
  storage_logs = merge([
    for app in keys(local.function_apps) : { for service in ["blob", "queue"] : "${app}-${service}" => { app = app, service = service } }
  ]...)
}

resource "azurerm_monitor_diagnostic_setting" "storage_logs" {
  for_each                   = local.storage_logs
  name                       = "storage-${each.value.service}-logs"
  target_resource_id         = "${azurerm_storage_account.functions[each.value.app].id}/${each.value.service}Services/default"
  log_analytics_workspace_id = azurerm_log_analytics_workspace.main.id

  enabled_log {
    category = "StorageRead"
  }
  enabled_log {
    category = "StorageWrite"
  }
  enabled_log {
    category = "StorageDelete"
  }
}
