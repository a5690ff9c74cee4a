# `tofu test` with mocked providers: plans the whole configuration without Azure and checks what the
# plan would create. Runs in scripts/check-infrastructure.sh when a provider mirror exists (on a copy
# without azapi, which the mirror cannot have; see env/README.md).
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

  mock_data "azurerm_client_config" {
    defaults = {
      tenant_id = "00000000-0000-0000-0000-000000000004"
      object_id = "00000000-0000-0000-0000-000000000005"
    }
  }
}
mock_provider "random" {}
mock_provider "azapi" {}

variables {
  subscription_id      = "00000000-0000-0000-0000-000000000000"
  name_prefix          = "pt01"
  apim_publisher_name  = "Contoso Health"
  apim_publisher_email = "api-team@contoso-health.example"
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
}

run "rejects_a_bad_prefix" {
  command = plan
  variables {
    name_prefix = "Not_Valid"
  }
  expect_failures = [var.name_prefix]
}
