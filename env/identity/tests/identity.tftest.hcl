# `terraform test` (or `tofu test`) of the administrator's module: plans and "applies" it with a mocked azuread
# provider and checks who would hold what. scripts/check-infrastructure.sh runs it on every `npm test`, where
# the azuread provider cannot be had as terraform_data stand-ins (env/tests/without_provider.py): these
# assertions read the module's own values and outputs, which both ways compute alike; the resources' blocks
# (token version, tenant, no credentials) are the invariants' business (env/tests/invariants.py).
mock_provider "azuread" {
  mock_resource "azuread_application" {
    defaults = {
      id        = "/applications/00000000-0000-0000-0000-00000000000a"
      client_id = "00000000-0000-0000-0000-0000000000c1"
    }
  }
  mock_resource "azuread_service_principal" {
    defaults = {
      object_id = "00000000-0000-0000-0000-00000000005b"
    }
  }
}

variables {
  tenant_id   = "00000000-0000-0000-0000-000000000001"
  name_prefix = "pt01"
  environment = "prod"
  managed_identities = {
    api_management = "00000000-0000-0000-0000-0000000000a1"
    patient_tests  = "00000000-0000-0000-0000-0000000000b1"
  }
  owner_object_ids         = ["00000000-0000-0000-0000-0000000000f1"]
  auditor_object_ids       = ["00000000-0000-0000-0000-0000000000d1"]
  direct_caller_object_ids = []
  release_probe_object_ids = ["00000000-0000-0000-0000-0000000000e1"]
}

run "who_holds_what" {
  command = apply

  assert {
    condition = toset(output.role_assignments) == toset([
      "patient_tests/PatientTests.ReadWrite/00000000-0000-0000-0000-0000000000a1",
      "patient_tests/Release.Probe/00000000-0000-0000-0000-0000000000e1",
      "audit/AuditRecords.Append/00000000-0000-0000-0000-0000000000b1",
      "audit/AuditRecords.Read/00000000-0000-0000-0000-0000000000d1",
      "audit/Release.Probe/00000000-0000-0000-0000-0000000000e1",
    ])
    error_message = "API Management may call PatientTests; PatientTests may append to the audit register and nothing else; auditors read it; the release probe holds the role that opens nothing; nobody else holds anything: ${jsonencode(output.role_assignments)}"
  }

  assert {
    condition     = length([for key in output.role_assignments : key if startswith(key, "audit/") && endswith(key, var.managed_identities.api_management)]) == 0
    error_message = "API Management holds a role on the Audit API: it must not reach the audit register at all."
  }

  assert {
    condition     = length([for key in output.role_assignments : key if startswith(key, "audit/AuditRecords.Read/") && endswith(key, var.managed_identities.patient_tests)]) == 0
    error_message = "The PatientTests identity may read the audit register (S6): it must only append."
  }

  assert {
    condition     = output.main_configuration.tenant_id == var.tenant_id && output.main_configuration.auditor_object_ids == var.auditor_object_ids
    error_message = "main_configuration must hand env/ the tenant and the auditors this module assigned."
  }
}

run "direct_callers_get_the_patient_role_only" {
  command = apply

  variables {
    direct_caller_object_ids = ["00000000-0000-0000-0000-0000000000c9"]
  }

  assert {
    condition     = [for key in output.role_assignments : key if endswith(key, "00000000-0000-0000-0000-0000000000c9")] == ["patient_tests/PatientTests.ReadWrite/00000000-0000-0000-0000-0000000000c9"]
    error_message = "A direct caller must hold the PatientTests role and nothing on the Audit API."
  }
}

run "ids_must_be_guids" {
  command = plan

  variables {
    managed_identities = {
      api_management = "apim"
      patient_tests  = "00000000-0000-0000-0000-0000000000b1"
    }
    auditor_object_ids = ["auditors"]
  }

  expect_failures = [var.managed_identities, var.auditor_object_ids]
}

run "an_owner_is_required" {
  command = plan

  variables {
    owner_object_ids = []
  }

  expect_failures = [var.owner_object_ids]
}
