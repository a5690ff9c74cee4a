# The production environment, as .github/workflows/deploy.yml plans and applies it: reviewed like code.
# Nothing here is secret. In your fork, set your own values; the subscription, the tenant and the identities
# come from repository variables (env/README.md, "Continuous deployment").
location      = "westeurope"
name_prefix   = "pt01"
environment   = "prod"
address_space = "10.20.0.0/22"

# Premium with three units over the region's three availability zones (at least three, as Microsoft
# recommends; in threes, so they spread evenly): the only API Management tier with zones. Each unit costs a
# Premium unit's price.
apim_sku             = "Premium_3"
apim_publisher_name  = "Contoso Health"
apim_publisher_email = "api-team@contoso-health.example"

cosmos_max_throughput  = 4000
function_max_instances = 100

# Which database user the apps use, and each user's password generation (docs/key_rotation.md).
database_credentials = {
  active      = "blue"
  generations = { blue = 1, green = 1 }
}

# Who is e-mailed when an alert fires (docs/operations.md says what each means and what to do), and how long
# the data-plane audit logs are kept in all: six years, searchable for the first 90 days.
alert_email_receivers    = [{ name = "api-team", email = "api-team@contoso-health.example" }]
audit_log_retention_days = 2191

# A deployment runner in a peered network, if it is not in snet-deployment-runner:
# deployment_peered_cidrs               = []
# deployment_peered_virtual_network_ids = []

# The Entra applications of prod, made once by an Entra administrator with env/identity (env/README.md,
# step 3): its output main_configuration, as is. Ids only. The zeros are placeholders that the variable's
# validation refuses: the first release plan stops here until the administrator's output is in.
entra = {
  tenant_id                   = "00000000-0000-0000-0000-000000000000"
  patient_tests_api_client_id = "00000000-0000-0000-0000-000000000000"
  audit_api_client_id         = "00000000-0000-0000-0000-000000000000"
  auditor_object_ids          = []
  direct_caller_object_ids    = []
  release_probe_object_ids    = []
}
