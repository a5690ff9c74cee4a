output "main_configuration" {
  description = "What env/ takes as its variable `entra` (README.md, step 3): `terraform output -json main_configuration` into env/entra.auto.tfvars.json as {\"entra\": …}."
  value = {
    tenant_id                   = var.tenant_id
    patient_tests_api_client_id = azuread_application.api["patient_tests"].client_id
    audit_api_client_id         = azuread_application.api["audit"].client_id
    auditor_object_ids          = var.auditor_object_ids
    direct_caller_object_ids    = var.direct_caller_object_ids
    release_probe_object_ids    = var.release_probe_object_ids
  }
}

output "role_assignments" {
  description = "Every app role assignment made, as <api>/<role>/<object id>: who holds what."
  value       = sort(keys(local.assignments))
}
