output "gateway_url" {
  description = "Base URL of the PatientTests API for clients (through API Management)."
  value       = "${azurerm_api_management.main.gateway_url}/${azurerm_api_management_api.patient_tests.path}"
}

output "client_subscription_key" {
  description = "Primary key of the first client's subscription (not the master key). Read with `terraform output -raw client_subscription_key`."
  value       = azurerm_api_management_subscription.product["first_client"].primary_key
  sensitive   = true
}

output "release_check_subscription_key" {
  description = "Primary key of the release check's subscription (scripts/verify-access.sh)."
  value       = azurerm_api_management_subscription.product["release_check"].primary_key
  sensitive   = true
}

output "api_application_ids" {
  description = "The two API applications' client ids (from env/identity): the audiences of tokens for them, e.g. `az account get-access-token --resource <id>`."
  value       = local.api_client_ids
}

output "function_app_names" {
  description = "Names of the function apps, for the code deployment script (scripts/deploy-functions.sh)."
  value       = { for key, app in azurerm_function_app_flex_consumption.main : key => app.name }
}

output "resource_group_name" {
  description = "The resource group holding everything."
  value       = azurerm_resource_group.main.name
}

output "managed_identity_principal_ids" {
  description = "Principal ids of API Management's and the PatientTests app's identities: what the administrator gives env/identity (its variable managed_identities). Available after the bootstrap (README.md, step 2)."
  value = {
    api_management = local.identities["api_management"].principal_id
    patient_tests  = local.identities["patient_tests"].principal_id
  }
}

output "function_app_hostnames" {
  description = "Host names of the function apps, for the release check (scripts/verify-access.sh) from inside the VNet."
  value       = { for key, app in azurerm_function_app_flex_consumption.main : key => app.default_hostname }
}

output "key_vault_url" {
  description = "The Key Vault's URL (with-key-vault, for hosts outside App Service)."
  value       = azurerm_key_vault.main.vault_uri
}

output "api_management" {
  description = "API Management's name and everything it should serve: the products and APIs this configuration makes. The release check (scripts/verify-access.sh) fails on any other (a sample a new service came with)."
  value = {
    name     = azurerm_api_management.main.name
    products = [azurerm_api_management_product.clients.product_id]
    apis     = [azurerm_api_management_api.patient_tests.name]
  }
}
