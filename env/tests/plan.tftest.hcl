# `terraform test` (or `tofu test`) with mocked providers: plans and "applies" the whole configuration without
# Azure, against the real provider schemas and validations, and checks the result. scripts/check-infrastructure.sh
# runs it on every `npm test`; the state of the run "network" is what env/tests/reachability.py computes the
# network reachability matrix from.
mock_provider "azurerm" {
  # Mocked values must still parse as Azure ids where the provider validates them.
  mock_resource "azurerm_resource_group" {
    defaults = {
      id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev"
    }
  }

  mock_resource "azurerm_virtual_network" {
    defaults = {
      id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.Network/virtualNetworks/vnet"
    }
  }

  mock_resource "azurerm_subnet" {
    defaults = {
      id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.Network/virtualNetworks/vnet/subnets/snet"
    }
  }

  mock_resource "azurerm_network_security_group" {
    defaults = {
      id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.Network/networkSecurityGroups/nsg"
    }
  }

  mock_resource "azurerm_private_dns_zone" {
    defaults = {
      id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.Network/privateDnsZones/privatelink.example.net"
    }
  }

  mock_resource "azurerm_public_ip" {
    defaults = {
      id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.Network/publicIPAddresses/pip"
    }
  }

  mock_resource "azurerm_log_analytics_workspace" {
    defaults = {
      id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.OperationalInsights/workspaces/log"
    }
  }

  mock_resource "azurerm_application_insights" {
    defaults = {
      id                = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.Insights/components/appi"
      connection_string = "InstrumentationKey=00000000-0000-0000-0000-000000000000"
    }
  }

  mock_resource "azurerm_user_assigned_identity" {
    defaults = {
      id           = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id"
      principal_id = "00000000-0000-0000-0000-000000000001"
      client_id    = "00000000-0000-0000-0000-000000000002"
      tenant_id    = "00000000-0000-0000-0000-000000000003"
    }
  }

  mock_resource "azurerm_cosmosdb_account" {
    defaults = {
      id                                = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.DocumentDB/databaseAccounts/cosmos"
      primary_mongodb_connection_string = "mongodb://cosmos.mongo.cosmos.azure.com:10255/?ssl=true&retrywrites=false"
    }
  }

  mock_resource "azurerm_cosmosdb_mongo_database" {
    defaults = {
      id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.DocumentDB/databaseAccounts/cosmos/mongodbDatabases/db"
    }
  }

  mock_resource "azurerm_key_vault" {
    defaults = {
      id        = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.KeyVault/vaults/kv"
      vault_uri = "https://kv.vault.azure.net/"
    }
  }

  mock_resource "azurerm_key_vault_secret" {
    defaults = {
      id                      = "https://kv.vault.azure.net/secrets/secret/0123456789abcdef0123456789abcdef"
      versionless_id          = "https://kv.vault.azure.net/secrets/secret"
      resource_versionless_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.KeyVault/vaults/kv/secrets/secret"
      resource_id             = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.KeyVault/vaults/kv/secrets/secret/versions/0123456789abcdef0123456789abcdef"
    }
  }

  mock_resource "azurerm_storage_account" {
    defaults = {
      id                    = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.Storage/storageAccounts/st"
      primary_blob_endpoint = "https://st.blob.core.windows.net/"
    }
  }

  mock_resource "azurerm_storage_container" {
    defaults = {
      id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.Storage/storageAccounts/st/blobServices/default/containers/deployments"
    }
  }

  mock_resource "azurerm_service_plan" {
    defaults = {
      id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.Web/serverFarms/asp"
    }
  }

  mock_resource "azurerm_function_app_flex_consumption" {
    defaults = {
      id               = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.Web/sites/func"
      default_hostname = "func.azurewebsites.net"
    }
  }

  mock_resource "azurerm_api_management" {
    defaults = {
      id          = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.ApiManagement/service/apim"
      gateway_url = "https://apim.azure-api.net"
      identity = {
        type         = "SystemAssigned"
        principal_id = "00000000-0000-0000-0000-000000000006"
        tenant_id    = "00000000-0000-0000-0000-000000000004"
        identity_ids = []
      }
    }
  }

  mock_resource "azurerm_api_management_api" {
    defaults = {
      id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.ApiManagement/service/apim/apis/patient-tests"
    }
  }

  mock_resource "azurerm_api_management_product" {
    defaults = {
      id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.ApiManagement/service/apim/products/patient-tests-clients"
    }
  }

  mock_resource "azurerm_api_management_logger" {
    defaults = {
      id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.ApiManagement/service/apim/loggers/app-insights"
    }
  }

  # The alerts name their action group by id (alerts.tf), which the provider parses as an Azure id.
  mock_resource "azurerm_monitor_action_group" {
    defaults = {
      id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.Insights/actionGroups/ag-pt01-dev-operations"
    }
  }

  mock_data "azurerm_client_config" {
    defaults = {
      tenant_id = "00000000-0000-0000-0000-000000000004"
      object_id = "00000000-0000-0000-0000-000000000005"
    }
  }
}
mock_provider "random" {}
mock_provider "time" {}
mock_provider "azapi" {}


# Distinct, realistic ids for every instance the reachability matrix tells apart (a mocked id is otherwise the
# same for every instance of a type); reachability.py refuses a state where two of them share an id.
override_resource {
  target = azurerm_subnet.apim
  values = {
    id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.Network/virtualNetworks/vnet-pt01-dev/subnets/snet-apim"
  }
}

override_resource {
  target = azurerm_subnet.deployment_runner
  values = {
    id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.Network/virtualNetworks/vnet-pt01-dev/subnets/snet-deployment-runner"
  }
}

override_resource {
  target = azurerm_subnet.function_outbound["patient_tests"]
  values = {
    id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.Network/virtualNetworks/vnet-pt01-dev/subnets/snet-patient-tests-outbound"
  }
}

override_resource {
  target = azurerm_subnet.function_outbound["audit"]
  values = {
    id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.Network/virtualNetworks/vnet-pt01-dev/subnets/snet-audit-outbound"
  }
}

override_resource {
  target = azurerm_subnet.private_endpoints["patient_tests_inbound"]
  values = {
    id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.Network/virtualNetworks/vnet-pt01-dev/subnets/snet-pe-patient-tests-inbound"
  }
}

override_resource {
  target = azurerm_subnet.private_endpoints["audit_inbound"]
  values = {
    id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.Network/virtualNetworks/vnet-pt01-dev/subnets/snet-pe-audit-inbound"
  }
}

override_resource {
  target = azurerm_subnet.private_endpoints["key_vault"]
  values = {
    id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.Network/virtualNetworks/vnet-pt01-dev/subnets/snet-pe-key-vault"
  }
}

override_resource {
  target = azurerm_subnet.private_endpoints["cosmos"]
  values = {
    id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.Network/virtualNetworks/vnet-pt01-dev/subnets/snet-pe-cosmos"
  }
}

override_resource {
  target = azurerm_subnet.private_endpoints["patient_tests_storage"]
  values = {
    id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.Network/virtualNetworks/vnet-pt01-dev/subnets/snet-pe-patient-tests-storage"
  }
}

override_resource {
  target = azurerm_subnet.private_endpoints["audit_storage"]
  values = {
    id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.Network/virtualNetworks/vnet-pt01-dev/subnets/snet-pe-audit-storage"
  }
}

override_resource {
  target = azurerm_network_security_group.apim
  values = {
    id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.Network/networkSecurityGroups/nsg-pt01-dev-apim"
  }
}

override_resource {
  target = azurerm_network_security_group.patient_tests_outbound
  values = {
    id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.Network/networkSecurityGroups/nsg-pt01-dev-patient-tests-outbound"
  }
}

override_resource {
  target = azurerm_network_security_group.audit_outbound
  values = {
    id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.Network/networkSecurityGroups/nsg-pt01-dev-audit-outbound"
  }
}

override_resource {
  target = azurerm_network_security_group.deployment_runner
  values = {
    id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.Network/networkSecurityGroups/nsg-pt01-dev-deployment-runner"
  }
}

override_resource {
  target = azurerm_network_security_group.private_endpoints["patient_tests_inbound"]
  values = {
    id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.Network/networkSecurityGroups/nsg-pt01-dev-pe-patient-tests-inbound"
  }
}

override_resource {
  target = azurerm_network_security_group.private_endpoints["audit_inbound"]
  values = {
    id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.Network/networkSecurityGroups/nsg-pt01-dev-pe-audit-inbound"
  }
}

override_resource {
  target = azurerm_network_security_group.private_endpoints["key_vault"]
  values = {
    id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.Network/networkSecurityGroups/nsg-pt01-dev-pe-key-vault"
  }
}

override_resource {
  target = azurerm_network_security_group.private_endpoints["cosmos"]
  values = {
    id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.Network/networkSecurityGroups/nsg-pt01-dev-pe-cosmos"
  }
}

override_resource {
  target = azurerm_network_security_group.private_endpoints["patient_tests_storage"]
  values = {
    id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.Network/networkSecurityGroups/nsg-pt01-dev-pe-patient-tests-storage"
  }
}

override_resource {
  target = azurerm_network_security_group.private_endpoints["audit_storage"]
  values = {
    id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.Network/networkSecurityGroups/nsg-pt01-dev-pe-audit-storage"
  }
}

override_resource {
  target = azurerm_private_dns_zone.main["cosmos_mongo"]
  values = {
    id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.Network/privateDnsZones/privatelink.mongo.cosmos.azure.com"
  }
}

override_resource {
  target = azurerm_private_dns_zone.main["key_vault"]
  values = {
    id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net"
  }
}

override_resource {
  target = azurerm_private_dns_zone.main["blob"]
  values = {
    id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.Network/privateDnsZones/privatelink.blob.core.windows.net"
  }
}

override_resource {
  target = azurerm_private_dns_zone.main["queue"]
  values = {
    id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.Network/privateDnsZones/privatelink.queue.core.windows.net"
  }
}

override_resource {
  target = azurerm_private_dns_zone.main["table"]
  values = {
    id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.Network/privateDnsZones/privatelink.table.core.windows.net"
  }
}

override_resource {
  target = azurerm_private_dns_zone.main["sites"]
  values = {
    id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.Network/privateDnsZones/privatelink.azurewebsites.net"
  }
}

override_resource {
  target = azurerm_function_app_flex_consumption.main["patient_tests"]
  values = {
    id               = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.Web/sites/func-pt01-dev-patienttests"
    default_hostname = "func-pt01-dev-patienttests.azurewebsites.net"
  }
}

override_resource {
  target = azurerm_function_app_flex_consumption.main["audit"]
  values = {
    id               = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.Web/sites/func-pt01-dev-audit"
    default_hostname = "func-pt01-dev-audit.azurewebsites.net"
  }
}

override_resource {
  target = azurerm_storage_account.functions["patient_tests"]
  values = {
    id                    = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.Storage/storageAccounts/stpt01devpatien"
    primary_blob_endpoint = "https://stpt01devpatien.blob.core.windows.net/"
  }
}

override_resource {
  target = azurerm_storage_account.functions["audit"]
  values = {
    id                    = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.Storage/storageAccounts/stpt01devaudit"
    primary_blob_endpoint = "https://stpt01devaudit.blob.core.windows.net/"
  }
}

override_resource {
  target = azurerm_cosmosdb_mongo_database.main["patient_tests"]
  values = {
    id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.DocumentDB/databaseAccounts/cosmos-pt01-dev/mongodbDatabases/patienttests"
  }
}

override_resource {
  target = azurerm_cosmosdb_mongo_database.main["audit"]
  values = {
    id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.DocumentDB/databaseAccounts/cosmos-pt01-dev/mongodbDatabases/audit"
  }
}

# Each identity a principal of its own, so the checks below can tell whose id each app is handed.
override_resource {
  target = azurerm_user_assigned_identity.main["api_management"]
  values = {
    id           = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-pt01-dev-api-management"
    principal_id = "00000000-0000-0000-0000-0000000000a1"
    client_id    = "00000000-0000-0000-0000-0000000000a2"
  }
}

override_resource {
  target = azurerm_user_assigned_identity.main["patient_tests"]
  values = {
    id           = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-pt01-dev-patient-tests"
    principal_id = "00000000-0000-0000-0000-0000000000b1"
    client_id    = "00000000-0000-0000-0000-0000000000b2"
  }
}

override_resource {
  target = azurerm_user_assigned_identity.main["audit"]
  values = {
    id           = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pt01-dev/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-pt01-dev-audit"
    principal_id = "00000000-0000-0000-0000-0000000000c1"
    client_id    = "00000000-0000-0000-0000-0000000000c2"
  }
}

variables {
  subscription_id      = "00000000-0000-0000-0000-000000000000"
  name_prefix          = "pt01"
  apim_publisher_name  = "Contoso Health"
  apim_publisher_email = "api-team@contoso-health.example"
  # What env/identity's main_configuration would hand over; the tenant is the mocked subscription's.
  entra = {
    tenant_id                   = "00000000-0000-0000-0000-000000000004"
    patient_tests_api_client_id = "00000000-0000-0000-0000-00000000e001"
    audit_api_client_id         = "00000000-0000-0000-0000-00000000e002"
    auditor_object_ids          = ["00000000-0000-0000-0000-0000000000d1", "00000000-0000-0000-0000-0000000000d2"]
    release_probe_object_ids    = ["00000000-0000-0000-0000-0000000000e1"]
  }
}

run "plan_is_locked_down" {
  command = plan

  assert {
    condition     = azurerm_key_vault.main.public_network_access_enabled == false && azurerm_key_vault.main.rbac_authorization_enabled
    error_message = "Key Vault must be private and use RBAC."
  }
  assert {
    condition     = azurerm_cosmosdb_account.main.public_network_access_enabled == false && azurerm_cosmosdb_account.main.mongo_server_version == "7.0"
    error_message = "Cosmos DB must be private and run MongoDB 7.0."
  }
  assert {
    condition     = alltrue([for app in azurerm_function_app_flex_consumption.main : app.public_network_access_enabled == false && app.https_only && app.runtime_version == "22"])
    error_message = "Both function apps must be private, HTTPS only, on Node 22."
  }
  assert {
    condition     = azurerm_function_app_flex_consumption.main["patient_tests"].app_settings["PATIENT_TESTS_DATABASE_NAME"] == "patienttests" && azurerm_function_app_flex_consumption.main["audit"].app_settings["AUDIT_DATABASE_NAME"] == "audit"
    error_message = "The apps must receive the database names Terraform creates."
  }
  assert {
    condition     = toset([for database in azurerm_cosmosdb_mongo_database.main : database.name]) == toset(["patienttests", "audit"])
    error_message = "One database per app."
  }
  assert {
    condition     = azurerm_api_management.main.identity[0].type == "UserAssigned" && azurerm_key_vault.main.network_acls[0].bypass == "None"
    error_message = "API Management has its user-assigned identity only, and Key Vault lets no trusted service through: nobody but the apps reads a secret."
  }
  assert {
    condition     = alltrue([for name in keys(azurerm_function_app_flex_consumption.main["patient_tests"].app_settings) : name != "AzureWebJobsStorage"])
    error_message = "No app setting may carry a storage connection string: the host reaches its storage through its identity."
  }
  assert {
    condition     = azurerm_cosmosdb_mongo_role_definition.app["audit"].privilege[0].actions == tolist(["find", "insert"])
    error_message = "The Audit API's database user may only find and insert: the register is append-only at the database."
  }
  assert {
    condition     = azurerm_service_plan.functions["patient_tests"].zone_balancing_enabled == false && alltrue([for location in azurerm_cosmosdb_account.main.geo_location : !location.zone_redundant])
    error_message = "A dev environment is not zone redundant (it would pay for always-ready instances)."
  }
}

run "prod_is_zone_redundant" {
  command = plan
  variables {
    environment = "prod"
    apim_sku    = "Premium_3"
  }

  assert {
    condition     = alltrue([for plan in azurerm_service_plan.functions : plan.zone_balancing_enabled])
    error_message = "In prod, both Flex Consumption plans spread instances over availability zones."
  }
  assert {
    condition     = alltrue([for location in azurerm_cosmosdb_account.main.geo_location : location.zone_redundant])
    error_message = "In prod, Cosmos DB is zone redundant."
  }
  assert {
    condition     = toset(azurerm_api_management.main.zones) == toset(["1", "2", "3"]) && azurerm_api_management.main.sku_name == "Premium_3"
    error_message = "In prod, API Management's three Premium units sit in three zones."
  }
  assert {
    condition     = toset(azurerm_public_ip.apim.zones) == toset(["1", "2", "3"])
    error_message = "In prod, API Management's public address is zone-redundant, as API Management over zones in a VNet requires."
  }
}

run "prod_refuses_fewer_than_three_premium_units" {
  command = plan
  variables {
    environment = "prod"
    apim_sku    = "Premium_2"
  }
  expect_failures = [var.apim_sku]
}

run "rejects_a_bad_prefix" {
  command = plan
  variables {
    name_prefix = "Not_Valid"
  }
  expect_failures = [var.name_prefix]
}

# Who may call whom, as each app is told: the tokens' tenant and audience, and the object ids of each role's
# holders, from the same app-roles.json files env/identity assigns in Entra. No key of any kind between them.
run "callers_are_identities" {
  command = apply

  assert {
    condition = {
      for name, value in azurerm_function_app_flex_consumption.main["patient_tests"].app_settings : name => value if startswith(name, "AUTH_") || startswith(name, "AUDIT_API_") || name == "MANAGED_IDENTITY_CLIENT_ID"
      } == {
      AUTH_TENANT_ID                 = "00000000-0000-0000-0000-000000000004"
      AUTH_APPLICATION_ID            = "00000000-0000-0000-0000-00000000e001"
      AUTH_API_MANAGEMENT_OBJECT_IDS = "00000000-0000-0000-0000-0000000000a1"
      AUTH_DIRECT_CALLERS_OBJECT_IDS = ""
      AUTH_RELEASE_PROBE_OBJECT_IDS  = "00000000-0000-0000-0000-0000000000e1"
      AUDIT_API_URL                  = "https://func-pt01-dev-audit.azurewebsites.net/api"
      AUDIT_API_APPLICATION_ID       = "00000000-0000-0000-0000-00000000e002"
      MANAGED_IDENTITY_CLIENT_ID     = "00000000-0000-0000-0000-0000000000b2"
    }
    error_message = "PatientTests must accept API Management's identity (and the release probe's, for its refusal) for its own audience, and call the Audit API as its own identity: ${jsonencode(azurerm_function_app_flex_consumption.main["patient_tests"].app_settings)}"
  }
  assert {
    condition = {
      for name, value in azurerm_function_app_flex_consumption.main["audit"].app_settings : name => value if startswith(name, "AUTH_")
      } == {
      AUTH_TENANT_ID                = "00000000-0000-0000-0000-000000000004"
      AUTH_APPLICATION_ID           = "00000000-0000-0000-0000-00000000e002"
      AUTH_PATIENT_TESTS_OBJECT_IDS = "00000000-0000-0000-0000-0000000000b1"
      AUTH_AUDITORS_OBJECT_IDS      = "00000000-0000-0000-0000-0000000000d1,00000000-0000-0000-0000-0000000000d2"
      AUTH_RELEASE_PROBE_OBJECT_IDS = "00000000-0000-0000-0000-0000000000e1"
    }
    error_message = "The Audit API must let the PatientTests identity append and the auditors read, for its own audience: ${jsonencode(azurerm_function_app_flex_consumption.main["audit"].app_settings)}"
  }
  assert {
    condition     = azurerm_api_management_named_value.policy["patient-tests-api-application-id"].value == "00000000-0000-0000-0000-00000000e001" && azurerm_api_management_named_value.policy["gateway-identity-client-id"].value == "00000000-0000-0000-0000-0000000000a2" && alltrue([for value in azurerm_api_management_named_value.policy : !value.secret])
    error_message = "The policy's token is for the PatientTests API, asked for as API Management's identity; both are plain ids."
  }
  assert {
    condition     = alltrue([for app in azurerm_function_app_flex_consumption.main : length([for name in keys(app.app_settings) : name if can(regex("(?i)function_key|api_key", name))]) == 0])
    error_message = "No app setting may carry a function key."
  }
  assert {
    condition     = length(azurerm_key_vault_secret.connection) == 2 && length(azurerm_role_assignment.secret_reader) == 2
    error_message = "Key Vault holds the two database connection strings only, each read by its own app."
  }
}

run "rejects_entra_ids_that_are_not_guids_or_the_same_application_twice" {
  command = plan
  variables {
    entra = {
      tenant_id                   = "00000000-0000-0000-0000-000000000004"
      patient_tests_api_client_id = "00000000-0000-0000-0000-00000000e001"
      audit_api_client_id         = "00000000-0000-0000-0000-00000000e001"
      auditor_object_ids          = ["auditors"]
    }
  }
  expect_failures = [var.entra]
}

# The bootstrap (README.md, step 2) runs before the administrator's step: without entra, and it makes the
# identities the administrator needs.
run "bootstrap_runs_before_the_administrators_step" {
  command = plan
  plan_options {
    target = [
      azurerm_subnet_network_security_group_association.deployment_runner,
      azurerm_private_dns_zone_virtual_network_link.main,
      azurerm_user_assigned_identity.main,
    ]
  }
  variables {
    entra = null
  }

  assert {
    condition     = toset(keys(azurerm_user_assigned_identity.main)) == toset(["api_management", "patient_tests", "audit"])
    error_message = "The bootstrap must create API Management's and both apps' identities, which env/identity assigns roles to."
  }
}

run "says_when_the_administrators_step_is_missing" {
  command = plan
  variables {
    entra = null
  }
  expect_failures = [terraform_data.entra_tenant]
}

run "refuses_the_placeholders_of_the_environment_file" {
  command = plan
  variables {
    entra = {
      tenant_id                   = "00000000-0000-0000-0000-000000000000"
      patient_tests_api_client_id = "00000000-0000-0000-0000-000000000000"
      audit_api_client_id         = "00000000-0000-0000-0000-000000000000"
    }
  }
  expect_failures = [var.entra]
}

run "refuses_applications_of_another_tenant" {
  command = plan
  variables {
    entra = {
      tenant_id                   = "99999999-9999-4999-8999-999999999999"
      patient_tests_api_client_id = "00000000-0000-0000-0000-00000000e001"
      audit_api_client_id         = "00000000-0000-0000-0000-00000000e002"
    }
  }
  expect_failures = [terraform_data.entra_tenant]
}

# Rotating a database password: the other user gets a new password while the apps still use the first.
# PatientTests' AUDIT_API_URL names the Audit app's host by its name (an app's settings cannot name an
# attribute of the resource they belong to): an app that Azure gives another host name stops the apply. Here
# the mocked apps report the host names of prefix pt01 (the overrides above) for apps named with pt02.
run "stops_when_azure_names_the_audit_host_otherwise" {
  command = plan
  variables {
    name_prefix = "pt02"
  }
  expect_failures = [azurerm_function_app_flex_consumption.main]
}

run "database_rotation_switches_users" {
  command = apply
  variables {
    database_credentials = { active = "green", generations = { blue = 1, green = 2 } }
  }

  assert {
    condition     = strcontains(azurerm_key_vault_secret.connection["audit-mongodb-uri"].value, "mongodb://audit-api-green:") && strcontains(azurerm_key_vault_secret.connection["patient-tests-mongodb-uri"].value, "mongodb://patient-tests-api-green:")
    error_message = "Switching database_credentials.active must hand both apps the other user."
  }
}

# A mocked apply: every value known, every provider validation run. Its state is what the reachability
# matrix is computed from (scripts/check-infrastructure.sh hands it to env/tests/reachability.py).
run "network" {
  command = apply

  assert {
    condition     = alltrue([for key, user in azurerm_cosmosdb_mongo_user_definition.app : user.cosmos_mongo_database_id == azurerm_cosmosdb_mongo_database.main[split("-", key)[0]].id])
    error_message = "Each app's database user must live in the app's own database."
  }
  assert {
    condition     = strcontains(azurerm_key_vault_secret.connection["audit-mongodb-uri"].value, "mongodb://audit-api-blue:") && strcontains(azurerm_key_vault_secret.connection["audit-mongodb-uri"].value, "/audit?") && endswith(azurerm_key_vault_secret.connection["audit-mongodb-uri"].value, "authSource=audit") && strcontains(azurerm_key_vault_secret.connection["patient-tests-mongodb-uri"].value, "mongodb://patient-tests-api-blue:") && endswith(azurerm_key_vault_secret.connection["patient-tests-mongodb-uri"].value, "authSource=patienttests")
    error_message = "Each app connects as its own database user, authenticated against its own database."
  }
}

# Operable from day one (alerts.tf, monitoring.tf): the data-plane audit logs land in their resource-specific
# tables and are kept six years, and the workbook's JSON, once filled in, reads this workspace and names
# PatientTests by both of its role names. The names themselves are checked by tests/test_monitoring.py.
run "audit_logs_are_kept_and_the_workbook_reads_the_workspace" {
  command = apply

  assert {
    condition     = toset([for table in azurerm_log_analytics_workspace_table.audit_logs : table.name]) == toset(["AZKVAuditLogs", "CDBMongoRequests", "ApiManagementGatewayLogs"]) && alltrue([for table in azurerm_log_analytics_workspace_table.audit_logs : table.total_retention_in_days == 2191 && table.retention_in_days == 90])
    error_message = "The three audit tables must be kept six years in all, searchable for the workspace's 90 days."
  }
  assert {
    condition     = alltrue([for setting in azurerm_monitor_diagnostic_setting.audit_logs : setting.log_analytics_destination_type == "Dedicated" && setting.log_analytics_workspace_id == azurerm_log_analytics_workspace.main.id])
    error_message = "The audit logs must go to the workspace, into resource-specific tables."
  }
  assert {
    condition     = jsondecode(azurerm_application_insights_workbook.operations.data_json).fallbackResourceIds[0] == azurerm_log_analytics_workspace.main.id && strcontains(azurerm_application_insights_workbook.operations.data_json, "'func-pt01-dev-patienttests', 'patient-tests-api'")
    error_message = "The workbook must read the workspace and know PatientTests by its site name and its service name."
  }
}

run "rejects_an_audit_retention_log_analytics_refuses" {
  command = plan
  variables {
    audit_log_retention_days = 1000
  }
  expect_failures = [var.audit_log_retention_days]
}
