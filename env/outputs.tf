output "gateway_url" {
  description = "Base URL of the PatientTests API for clients (through API Management)."
  value       = "${azurerm_api_management.main.gateway_url}/${azurerm_api_management_api.patient_tests.path}"
}

output "client_subscription_key" {
  description = "Primary key of the first client's subscription (not the master key). Read with `terraform output -raw client_subscription_key`."
  value       = azurerm_api_management_subscription.first_client.primary_key
  sensitive   = true
}

output "function_app_names" {
  description = "Names of the function apps, for the code deployment script (scripts/deploy-functions.sh)."
  value       = { for key, app in azurerm_function_app_flex_consumption.main : key => app.name }
}

output "resource_group_name" {
  description = "The resource group holding everything."
  value       = azurerm_resource_group.main.name
}

output "key_vault_url" {
  description = "The Key Vault's URL, for the key-rotation tool."
  value       = azurerm_key_vault.main.vault_uri
}
