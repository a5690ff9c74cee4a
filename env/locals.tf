locals {
  # The names the code uses (src/*/src/config.ts defaults); the apps receive exactly these values.
  databases = {
    patient_tests = "patienttests"
    audit         = "audit"
  }
  collections = {
    patients         = "patients"
    patient_versions = "patientversions"
    tests            = "tests"
    idempotency_keys = "idempotencykeys"
    audit_records    = "auditrecords"
  }
  resource_prefix = "${var.name_prefix}-${var.environment}"
  # Storage accounts: 3 to 24 lower-case letters and digits.
  storage_prefix = substr(replace("${var.name_prefix}${var.environment}", "-", ""), 0, 16)

  # Cut from the /22: three /26 for API Management and the apps' VNet integration (Flex Consumption asks
  # for /26 or larger), a /27 for a deployment runner, and a /28 for each kind of private endpoint.
  subnets = {
    apim                   = cidrsubnet(var.address_space, 4, 0)
    patient_tests_outbound = cidrsubnet(var.address_space, 4, 1)
    audit_outbound         = cidrsubnet(var.address_space, 4, 2)
    deployment_runner      = cidrsubnet(var.address_space, 5, 6)
    patient_tests_inbound  = cidrsubnet(var.address_space, 6, 14)
    audit_inbound          = cidrsubnet(var.address_space, 6, 15)
    key_vault              = cidrsubnet(var.address_space, 6, 16)
    cosmos                 = cidrsubnet(var.address_space, 6, 17)
    patient_tests_storage  = cidrsubnet(var.address_space, 6, 18)
    audit_storage          = cidrsubnet(var.address_space, 6, 19)
  }

  tags = merge(var.tags, {
    application = "patient-tests"
    environment = var.environment
  })
}
