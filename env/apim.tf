# API Management: the only public entry. Injected into the VNet in External mode: its gateway has a
# public address, everything behind it (function apps, Key Vault, Cosmos DB) is private.
resource "azurerm_public_ip" "apim" {
  # A zone-redundant address is a new address (zones are fixed at creation): its own name, made before the old
  # one goes, so API Management moves to it and the old address is deleted once free (Microsoft's migration of
  # a VNet-injected service to zones takes a new address; the gateway's public IP changes).
  name                = local.apim_zone_redundant ? "pip-${local.resource_prefix}-apim-zr" : "pip-${local.resource_prefix}-apim"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  allocation_method   = "Static"
  sku                 = "Standard"
  # Unique per region, like the name: the old address keeps its label until it is deleted.
  domain_name_label = local.apim_zone_redundant ? "apim-${local.resource_prefix}-zr" : "apim-${local.resource_prefix}"
  # In prod zone-redundant, as API Management in a VNet over availability zones requires of its address
  # (API Management's VNet prerequisites: "zone-redundant" Standard IP). Said, not left to the region's
  # default: zones are fixed at creation (azurerm replaces the address when they change: ForceNew), and a
  # dev region may have no zones at all.
  zones = local.apim_zone_redundant ? ["1", "2", "3"] : null
  tags  = local.tags

  lifecycle {
    create_before_destroy = true
  }
}

# Zone redundancy in prod, with at least the three units Microsoft recommends for Premium
# (reliability-api-management.md), spread evenly over the region's three zones, so a zone's loss takes a third
# of the gateway, not half. The zones are named (Microsoft's "manual, zone-redundant" configuration) rather
# than left automatic, which Microsoft prefers for new services: azurerm's zones are not computed, so whatever
# Azure chose would show as a change on every plan, and an existing service in two zones must be told its
# third (automatic applies only to new ones). Only Premium has zones; the variable's validation asks prod for a
# multiple of three units.
locals {
  apim_zone_redundant = var.environment == "prod" && startswith(var.apim_sku, "Premium_")
}

resource "azurerm_api_management" "main" {
  #checkov:skip=CKV_AZURE_174: API Management is the one public entry by design; everything behind it is private (docs/security_pattern.md).
  name                = "apim-${local.resource_prefix}"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  publisher_name      = var.apim_publisher_name
  publisher_email     = var.apim_publisher_email
  sku_name            = var.apim_sku
  zones               = local.apim_zone_redundant ? ["1", "2", "3"] : null

  virtual_network_type = "External"
  virtual_network_configuration {
    subnet_id = azurerm_subnet.apim.id
  }
  public_ip_address_id = azurerm_public_ip.apim.id

  # The identity whose token the policy sends to the PatientTests app (authentication-managed-identity), and
  # API Management's only one: it reads no Key Vault secret and holds no other role (identities.tf says why
  # it is user-assigned).
  identity {
    type         = "UserAssigned"
    identity_ids = [local.identities["api_management"].id]
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

  # Nobody signs up: the developer portal is public in External mode, and every subscription here is made by
  # Terraform (a client's, the release check's). azurerm writes sign-up off at creation even without this
  # block (api_management_resource.go, Create); said here, a change made in the portal shows as drift in the
  # next plan and is put back.
  sign_up {
    enabled = false
    terms_of_service {
      enabled          = false
      consent_required = false
    }
  }

  tags = local.tags

  depends_on = [azurerm_subnet_network_security_group_association.apim]
}

# What the policy's authentication-managed-identity names: the PatientTests API's application (the audience
# of the token, its client id as Entra requires for `resource`) and API Management's identity (its client id).
# Ids, not secrets; the local gateway is given the same two names (src/LocalStack, publish-patient-api.ts).
locals {
  policy_named_values = {
    patient-tests-api-application-id = local.entra.patient_tests_api_client_id
    gateway-identity-client-id       = local.identities["api_management"].client_id
  }
}

resource "azurerm_api_management_named_value" "policy" {
  for_each            = local.policy_named_values
  name                = each.key
  resource_group_name = azurerm_resource_group.main.name
  api_management_name = azurerm_api_management.main.name
  display_name        = each.key
  value               = each.value
  secret              = false
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

# Limits, the caller headers and the backend's token: the same file the local gateway applies.
resource "azurerm_api_management_api_policy" "patient_tests" {
  api_name            = azurerm_api_management_api.patient_tests.name
  api_management_name = azurerm_api_management.main.name
  resource_group_name = azurerm_resource_group.main.name
  xml_content         = file("${path.module}/policies/patient-api.xml")

  depends_on = [azurerm_api_management_named_value.policy]
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

# Subscriptions to the product, never the all-access (master) subscription: the first client system's, and the
# release check's own (scripts/verify-access.sh), so that its calls are recorded in the audit register as what
# they are, not as a client's.
resource "azurerm_api_management_subscription" "product" {
  for_each            = { first_client = "First client system", release_check = "Release check" }
  api_management_name = azurerm_api_management.main.name
  resource_group_name = azurerm_resource_group.main.name
  product_id          = azurerm_api_management_product.clients.id
  display_name        = each.value
  state               = "active"
  allow_tracing       = false
}

moved {
  from = azurerm_api_management_subscription.first_client
  to   = azurerm_api_management_subscription.product["first_client"]
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

# What a new API Management service may come with and this deployment does not want: the sample products
# (Starter, Unlimited: open subscriptions to every API added to them) and the Echo API. Deleted once after
# the service is created, with their subscriptions and revisions; absent ones are fine (ignore_not_found), so
# it holds whether or not Azure still creates them. The release check lists products and APIs afterwards and
# fails on anything this configuration did not make (scripts/verify-access.sh).
locals {
  apim_samples = {
    starter   = { type = "products", name = "starter", query = { deleteSubscriptions = ["true"] } }
    unlimited = { type = "products", name = "unlimited", query = { deleteSubscriptions = ["true"] } }
    echo_api  = { type = "apis", name = "echo-api", query = { deleteRevisions = ["true"] } }
  }
}

resource "azapi_resource_action" "remove_apim_sample" {
  for_each         = local.apim_samples
  type             = "Microsoft.ApiManagement/service/${each.value.type}@2022-08-01"
  resource_id      = "${azurerm_api_management.main.id}/${each.value.type}/${each.value.name}"
  method           = "DELETE"
  query_parameters = each.value.query
  ignore_not_found = true

  lifecycle {
    # Again for a new service (a replaced one comes with its samples again), not on every change of it.
    replace_triggered_by = [azurerm_api_management.main.id]
  }
}
