# The two API applications of one environment and who holds which of their app roles, as the apps declare
# them (src/*/src/functions/app-roles.json): the one declaration env/ and the local stack follow too.
locals {
  apis = {
    patient_tests = jsondecode(file("${path.module}/../../src/PatientTestsApi/src/functions/app-roles.json"))
    audit         = jsondecode(file("${path.module}/../../src/AuditApi/src/functions/app-roles.json"))
  }

  # Who each holder kind of the declarations is in this tenant.
  holders = {
    api_management = [var.managed_identities.api_management]
    patient_tests  = [var.managed_identities.patient_tests]
    auditors       = var.auditor_object_ids
    direct_callers = var.direct_caller_object_ids
    release_probe  = var.release_probe_object_ids
  }

  # One assignment per API, role and principal: "<api>/<role>/<object id>".
  assignments = merge(flatten([
    for api, declaration in local.apis : [
      for role, definition in declaration.roles : {
        for principal in distinct(flatten([for kind in definition.holders : local.holders[kind]])) :
        "${api}/${role}/${principal}" => { api = api, role = role, principal = principal }
      }
    ]
  ])...)

  # Auditors who are people get their token from the Azure CLI (`az account get-access-token --resource
  # <audit client id>`): a delegated scope of the Audit API that the CLI may use without a consent prompt.
  # A delegated token still carries the user's app roles, which the Audit API checks like any other.
  azure_cli_client_id       = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"
  audit_delegated_scope_id  = "7cb3c856-b3ae-41a2-a878-bd2b08e6f32a"
  audit_delegated_scope_key = "audit"
}

# Single tenant, access tokens v2 (issuer login.microsoftonline.com/<tenant>/v2.0, audience the client id:
# what the apps check), no secret, no certificate, no redirect: nothing here can sign in as these applications.
# They exist to be the audience of tokens and to hold the app roles.
resource "azuread_application" "api" {
  for_each                = local.apis
  display_name            = "${each.value.displayName} (${var.name_prefix}-${var.environment})"
  sign_in_audience        = "AzureADMyOrg"
  owners                  = var.owner_object_ids
  prevent_duplicate_names = true
  # Groups assigned to the application appear in tokens (`groups`), so an auditors' group can be named.
  group_membership_claims = ["ApplicationGroup"]

  api {
    requested_access_token_version = 2

    dynamic "oauth2_permission_scope" {
      for_each = each.key == local.audit_delegated_scope_key ? [local.audit_delegated_scope_id] : []
      content {
        id                         = oauth2_permission_scope.value
        value                      = "user_impersonation"
        type                       = "Admin"
        enabled                    = true
        admin_consent_display_name = "Read the audit register as the signed-in auditor"
        admin_consent_description  = "Lets a tool the auditor signs in to (the Azure CLI) call the Audit API as that auditor; what the auditor may do is still decided by their app role."
      }
    }
  }

  dynamic "app_role" {
    for_each = each.value.roles
    content {
      id                   = app_role.value.id
      value                = app_role.key
      display_name         = app_role.value.displayName
      description          = app_role.value.description
      allowed_member_types = app_role.value.allowedMemberTypes
      enabled              = true
    }
  }
}

# Entra issues no token for these APIs to anyone without one of their roles: the app's own check (the role
# and the identity) is the second gate, not the only one.
resource "azuread_service_principal" "api" {
  for_each                     = local.apis
  client_id                    = azuread_application.api[each.key].client_id
  app_role_assignment_required = true
  owners                       = var.owner_object_ids
}

resource "azuread_app_role_assignment" "holder" {
  for_each            = local.assignments
  app_role_id         = local.apis[each.value.api].roles[each.value.role].id
  principal_object_id = each.value.principal
  resource_object_id  = azuread_service_principal.api[each.value.api].object_id
}

resource "azuread_application_pre_authorized" "azure_cli" {
  application_id       = azuread_application.api[local.audit_delegated_scope_key].id
  authorized_client_id = local.azure_cli_client_id
  permission_ids       = [local.audit_delegated_scope_id]
}
