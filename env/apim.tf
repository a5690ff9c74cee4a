# API Management: the only public entry. Injected into the VNet in External mode: its gateway has a
# public address, everything behind it (function apps, Key Vault, Cosmos DB) is private.
resource "azurerm_public_ip" "apim" {
  name                = "pip-${local.resource_prefix}-apim"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  allocation_method   = "Static"
  sku                 = "Standard"
  domain_name_label   = "apim-${local.resource_prefix}"
  tags                = local.tags
}

# Zone redundancy in prod, where the tier allows it: only Premium has availability zones, and its units are
# spread evenly over them, so 2 or 4 units use two zones and 3 or 6 use three (each unit costs a Premium
# unit's price: Premium_2 doubles Premium_1). Developer and an odd unit count stay zonal.
locals {
  apim_units = tonumber(split("_", var.apim_sku)[1])
  apim_zone_count = (
    var.environment != "prod" || !startswith(var.apim_sku, "Premium_") ? 0 :
    local.apim_units % 3 == 0 ? 3 :
    local.apim_units % 2 == 0 ? 2 : 0
  )
}

resource "azurerm_api_management" "main" {
  #checkov:skip=CKV_AZURE_174: API Management is the one public entry by design; everything behind it is private (docs/security_pattern.md).
  name                = "apim-${local.resource_prefix}"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  publisher_name      = var.apim_publisher_name
  publisher_email     = var.apim_publisher_email
  sku_name            = var.apim_sku
  zones               = local.apim_zone_count == 0 ? null : [for zone in range(1, local.apim_zone_count + 1) : tostring(zone)]

  virtual_network_type = "External"
  virtual_network_configuration {
    subnet_id = azurerm_subnet.apim.id
  }
  public_ip_address_id = azurerm_public_ip.apim.id

  # System-assigned: it is the only identity API Management can use for a Key Vault named value when the
  # vault has a firewall (Azure docs, "API Management: Key Vault network requirements"); it reaches the vault
  # through the vault's private endpoint in this VNet.
  identity {
    type = "SystemAssigned"
  }

  min_api_version = "2021-08-01"

  security {
    backend_ssl30_enabled  = false
    backend_tls10_enabled  = false
    backend_tls11_enabled  = false
    frontend_ssl30_enabled = false
    frontend_tls10_enabled = false
    frontend_tls11_enabled = false
  }

  tags = local.tags

  depends_on = [azurerm_subnet_network_security_group_association.apim]
}

# The backend's function key, read by APIM's system-assigned identity from Key Vault (never fetched by a
# script); without identity_client_id, API Management uses that identity. Created only once the identity's
# role on this one secret has propagated: API Management reads the secret at once.
resource "azurerm_api_management_named_value" "patient_tests_function_key" {
  name                = "patient-tests-function-key"
  resource_group_name = azurerm_resource_group.main.name
  api_management_name = azurerm_api_management.main.name
  display_name        = "patient-tests-function-key"
  secret              = true

  value_from_key_vault {
    secret_id = azurerm_key_vault_secret.function_key["patient-tests-function-key"].versionless_id
  }

  depends_on = [time_sleep.secret_readers_propagated, azurerm_private_endpoint.key_vault]
}

resource "azurerm_api_management_api" "patient_tests" {
  name                  = "patient-tests"
  resource_group_name   = azurerm_resource_group.main.name
  api_management_name   = azurerm_api_management.main.name
  revision              = "1"
  display_name          = "PatientTests API"
  path                  = "patient"
  protocols             = ["https"]
  service_url           = "https://${azurerm_function_app_flex_consumption.main["patient_tests"].default_hostname}/api/patient"
  subscription_required = true

  subscription_key_parameter_names {
    header = "Ocp-Apim-Subscription-Key"
    query  = "subscription-key"
  }

  # The document the code generates (npm run openapi); the API is what the code serves.
  import {
    content_format = "openapi+json"
    content_value  = file("${path.module}/../src/PatientTestsApi/openapi.json")
  }
}

# Limits and backend authentication: the same file the local gateway reads its numbers from.
resource "azurerm_api_management_api_policy" "patient_tests" {
  api_name            = azurerm_api_management_api.patient_tests.name
  api_management_name = azurerm_api_management.main.name
  resource_group_name = azurerm_resource_group.main.name
  xml_content         = file("${path.module}/policies/patient-api.xml")

  depends_on = [azurerm_api_management_named_value.patient_tests_function_key]
}

resource "azurerm_api_management_product" "clients" {
  product_id            = "patient-tests-clients"
  api_management_name   = azurerm_api_management.main.name
  resource_group_name   = azurerm_resource_group.main.name
  display_name          = "PatientTests clients"
  description           = "Access to the PatientTests API for approved client systems."
  subscription_required = true
  approval_required     = true
  subscriptions_limit   = 10
  published             = true
}

resource "azurerm_api_management_product_api" "clients" {
  api_name            = azurerm_api_management_api.patient_tests.name
  product_id          = azurerm_api_management_product.clients.product_id
  api_management_name = azurerm_api_management.main.name
  resource_group_name = azurerm_resource_group.main.name
}

# A client's subscription to the product, never the all-access (master) subscription.
resource "azurerm_api_management_subscription" "first_client" {
  api_management_name = azurerm_api_management.main.name
  resource_group_name = azurerm_resource_group.main.name
  product_id          = azurerm_api_management_product.clients.id
  display_name        = "First client system"
  state               = "active"
  allow_tracing       = false
}

# Diagnostics to App Insights with W3C correlation, so one operation spans APIM and both apps; no
# headers or bodies are logged (they carry patient data and keys).
resource "azurerm_api_management_logger" "app_insights" {
  name                = "app-insights"
  api_management_name = azurerm_api_management.main.name
  resource_group_name = azurerm_resource_group.main.name
  resource_id         = azurerm_application_insights.main.id

  application_insights {
    connection_string = azurerm_application_insights.main.connection_string
  }
}

resource "azurerm_api_management_api_diagnostic" "patient_tests" {
  identifier               = "applicationinsights"
  api_name                 = azurerm_api_management_api.patient_tests.name
  api_management_name      = azurerm_api_management.main.name
  resource_group_name      = azurerm_resource_group.main.name
  api_management_logger_id = azurerm_api_management_logger.app_insights.id

  sampling_percentage       = 100
  always_log_errors         = true
  log_client_ip             = false
  verbosity                 = "information"
  http_correlation_protocol = "W3C"
  operation_name_format     = "Name"

  frontend_request {
    body_bytes     = 0
    headers_to_log = []
  }
  frontend_response {
    body_bytes     = 0
    headers_to_log = []
  }
  backend_request {
    body_bytes     = 0
    headers_to_log = []
  }
  backend_response {
    body_bytes     = 0
    headers_to_log = []
  }
}
