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
  # How long an Idempotency-Key is remembered: the TTL of its collection and the app's own setting (the
  # app also treats an older key as absent, for databases without TTL such as the local FerretDB).
  idempotency_key_ttl_seconds = 86400

  resource_prefix = "${var.name_prefix}-${var.environment}"
  # Storage accounts: 3 to 24 lower-case letters and digits.
  storage_prefix = substr(replace("${var.name_prefix}${var.environment}", "-", ""), 0, 16)

  subnets = {
    apim                   = cidrsubnet(var.address_space, 4, 0)
    patient_tests_outbound = cidrsubnet(var.address_space, 4, 1)
    audit_outbound         = cidrsubnet(var.address_space, 4, 2)
    patient_tests_inbound  = cidrsubnet(var.address_space, 5, 6)
    audit_inbound          = cidrsubnet(var.address_space, 5, 7)
    data                   = cidrsubnet(var.address_space, 4, 4)
  }

  tags = merge(var.tags, {
    application = "patient-tests"
    environment = var.environment
  })
}
