# How each app checks the Entra ID tokens of its callers: the tenant, its own application (the audience of
# every token it accepts), and the object ids of each kind of holder of its app roles. The roles and their
# holder kinds come from the declarations the apps ship (src/*/src/functions/app-roles.json), which
# env/identity assigns in Entra and the local stack follows too. Nothing here is a secret: ids only.
locals {
  # Until the administrator's step has run (README.md, step 3) only the bootstrap can be applied: it needs
  # none of these. A full plan without them stops at terraform_data.entra_tenant, saying so.
  entra = var.entra != null ? var.entra : {
    tenant_id                   = "unset"
    patient_tests_api_client_id = "unset"
    audit_api_client_id         = "unset"
    auditor_object_ids          = []
    direct_caller_object_ids    = []
    release_probe_object_ids    = []
  }

  app_roles = {
    patient_tests = jsondecode(file("${path.module}/../src/PatientTestsApi/src/functions/app-roles.json"))
    audit         = jsondecode(file("${path.module}/../src/AuditApi/src/functions/app-roles.json"))
  }
  api_client_ids = {
    patient_tests = local.entra.patient_tests_api_client_id
    audit         = local.entra.audit_api_client_id
  }

  # Who each holder kind is: the identities env/ creates, and the principals env/identity assigned.
  role_holders = {
    api_management = [local.identities["api_management"].principal_id]
    patient_tests  = [local.identities["patient_tests"].principal_id]
    auditors       = local.entra.auditor_object_ids
    direct_callers = local.entra.direct_caller_object_ids
    release_probe  = local.entra.release_probe_object_ids
  }

  # AUTH_<KIND>_OBJECT_IDS for every holder kind of the app's roles, as its config.ts decodes them.
  token_settings = {
    for app, declaration in local.app_roles : app => merge(
      {
        AUTH_TENANT_ID      = local.entra.tenant_id
        AUTH_APPLICATION_ID = local.api_client_ids[app]
      },
      {
        for kind in distinct(flatten([for role in values(declaration.roles) : role.holders])) :
        "AUTH_${upper(kind)}_OBJECT_IDS" => join(",", local.role_holders[kind])
      },
    )
  }
}

# The applications env/identity made belong to the tenant this subscription trusts: tokens of any other
# tenant are refused by the apps, so a mismatch would refuse every call after a successful apply.
resource "terraform_data" "entra_tenant" {
  input = local.entra.tenant_id

  lifecycle {
    precondition {
      condition     = var.entra != null
      error_message = "entra is not set: an Entra administrator applies env/identity once (README.md, step 3) and its output main_configuration becomes entra. Only the bootstrap (step 2) runs without it."
    }
    precondition {
      condition     = local.entra.tenant_id == data.azurerm_client_config.current.tenant_id
      error_message = "entra.tenant_id is not the tenant of the identity running Terraform: apply env/identity in the subscription's own tenant (az account show --query tenantId -o tsv)."
    }
  }
}
