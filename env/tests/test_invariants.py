"""The security invariants hold for env/, and each check fires on a copy broken on purpose."""
import os
import shutil
import re

import pytest

import invariants


@pytest.fixture(scope="module")
def config():
    return invariants.load()


@pytest.mark.parametrize("check", invariants.CHECKS.keys())
def test_env_satisfies(config, check):
    assert invariants.CHECKS[check](config) == []


def broken_copy(tmp_path, file_name, old, new):
    for name in os.listdir(invariants.ENV_DIR):
        if name.endswith(".tf"):
            shutil.copy(os.path.join(invariants.ENV_DIR, name), tmp_path / name)
    shutil.copytree(os.path.join(invariants.ENV_DIR, "policies"), tmp_path / "policies")
    shutil.copytree(os.path.join(invariants.ENV_DIR, "environments"), tmp_path / "environments")
    shutil.copytree(os.path.join(invariants.ENV_DIR, "identity"), tmp_path / "identity", ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*"))
    shutil.copytree(os.path.join(invariants.ENV_DIR, "roles"), tmp_path / "roles")
    shutil.copy(os.path.join(invariants.ENV_DIR, "README.md"), tmp_path / "README.md")
    path = tmp_path / file_name
    text = path.read_text()
    assert re.search(old, text), f"{old!r} not found in {file_name}"
    path.write_text(re.sub(old, new, text, count=1))
    return tmp_path


BREAKAGES = [
    ("public network access", "cosmos.tf", r"public_network_access_enabled\s+= false", "public_network_access_enabled = true"),
    ("public network access", "keyvault.tf", r'default_action = "Deny"', 'default_action = "Allow"'),
    ("private endpoint DNS", "cosmos.tf", r"  private_dns_zone_group \{[^}]*\}\n", ""),
    ("Key Vault RBAC", "keyvault.tf", r"rbac_authorization_enabled\s+= true", "rbac_authorization_enabled = false"),
    ("app settings", "functions.tf", r'AUDIT_API_APPLICATION_ID\s+= local\.entra\.audit_api_client_id', 'AUDIT_API_TOKEN = "eyJhbGciOiJSUzI1NiJ9.e30.c2ln"'),
    ("app settings", "functions.tf", r'MONGODB_URI\s+= "[^"]*"', 'MONGODB_URI = "mongodb://cosmos.example:10255/"'),
    ("role assignments", "keyvault.tf", r"scope\s+= local\.secret_ids\[each\.value\.secret\]\.resource_versionless_id", "scope = azurerm_key_vault.main.id"),
    ("role assignments", "functions.tf", r"scope\s+= azurerm_storage_account\.functions\[each\.value\.app\]\.id", "scope = azurerm_resource_group.main.id"),
    ("database names", "locals.tf", r'patient_tests = "patienttests"', 'patient_tests = "patients_db"'),
    ("database names", "functions.tf", r'AUDIT_DATABASE_NAME\s+= [^\n]+', 'AUDIT_DATABASE_NAME = "audit-prod"'),
    ("subscription keys stay at the gateway", "policies/patient-api.xml", r'<set-header name="Ocp-Apim-Subscription-Key" exists-action="delete" />', ""),
    ("subscription keys stay at the gateway", "policies/patient-api.xml", r'<set-query-parameter name="subscription-key" exists-action="delete" />', ""),
    ("subscription keys stay at the gateway", "apim.tf", r'header = "Ocp-Apim-Subscription-Key"', 'header = "X-Client-Key"'),
    ("host storage through identity", "functions.tf", r"  lifecycle \{\n    replace_triggered_by = \[azurerm_function_app_flex_consumption\.main\[each\.key\]\]\n  \}\n", ""),
    ("host storage through identity", "functions.tf", r"AzureWebJobsStorage__accountName = ", "AzureWebJobsStorage = \"DefaultEndpointsProtocol=https\"\n      AzureWebJobsStorage__accountName = "),
    ("database credentials per app", "cosmos.tf", r'actions = \["find", "insert"\] \}', 'actions = ["find", "insert", "remove"] }'),
    ("database credentials per app", "keyvault.tf", r'value = local\.mongodb_uri\["audit"\]', 'value = local.mongodb_uri["patient_tests"]'),
    ("database credentials per app", "keyvault.tf", r'value = local\.mongodb_uri\["patient_tests"\]', "value = azurerm_cosmosdb_account.main.primary_mongodb_connection_string"),
    ("resource providers registered", "providers.tf", r'    "Microsoft.App",\n', ""),
    ("resource providers registered", "providers.tf", r'    "microsoft.insights",\n', '    "Microsoft.Insights",\n'),
    ("resource providers registered", "providers.tf", r'    "Microsoft.AlertsManagement",\n', ""),
    ("host storage through identity", "functions.tf", r"AzureWebJobsStorage__accountName = ", 'WEBSITE_HEALTHCHECK_MAXPINGFAILURES = "2"\n      AzureWebJobsStorage__accountName = '),
    ("API Management calls with its identity", "apim.tf", r'    type         = "UserAssigned"', '    type         = "SystemAssigned, UserAssigned"'),
    ("API Management calls with its identity", "policies/patient-api.xml", r'<set-header name="Authorization" exists-action="delete" />', ""),
    ("API Management calls with its identity", "policies/patient-api.xml", r"<authentication-managed-identity ", '<authentication-managed-identity ignore-error="true" '),
    ("API Management calls with its identity", "policies/patient-api.xml", r"(<authentication-managed-identity [^>]*/>)", r'\1\n    <set-header name="Authorization" exists-action="override"><value>Bearer anything</value></set-header>'),
    ("API Management calls with its identity", "apim.tf", r"gateway-identity-client-id       = local\.identities\[\"api_management\"\]\.client_id", 'gateway-identity-client-id = local.identities["patient_tests"].client_id'),
    ("no shared keys between services", "keyvault.tf", r'bypass         = "None"', 'bypass = "AzureServices"'),
    ("no shared keys between services", "policies/patient-api.xml", r'<set-header name="x-functions-key" exists-action="delete" />', '<set-header name="x-functions-key" exists-action="override"><value>{{patient-tests-function-key}}</value></set-header>'),
    ("no shared keys between services", "functions.tf", r"MANAGED_IDENTITY_CLIENT_ID = ", 'GATEWAY_FUNCTION_KEY = "@Microsoft.KeyVault(SecretUri=${azurerm_key_vault_secret.connection[\"audit-mongodb-uri\"].versionless_id})"\n        MANAGED_IDENTITY_CLIENT_ID = '),
    ("no shared keys between services", "keyvault.tf", r'(resource "azurerm_key_vault_secret" "connection" \{)', 'resource "random_password" "function_key" {\n  length = 48\n}\n\n\\1'),
    ("no shared keys between services", "functions.tf", r'(resource "azurerm_private_endpoint" "function_apps" \{)', 'resource "azapi_resource_action" "function_keys" {\n  type        = "Microsoft.Web/sites@2024-04-01"\n  resource_id = azurerm_function_app_flex_consumption.main["audit"].id\n  action      = "host/default/functionKeys/patient-tests"\n  method      = "PUT"\n}\n\n\\1'),
    ("no shared keys between services", "apim.tf", r"  secret              = false", "  secret              = true"),
    ("tokens checked per app", "entra.tf", r'patient_tests  = \[local\.identities\["patient_tests"\]\.principal_id\]', 'patient_tests  = [local.identities["audit"].principal_id]'),
    ("tokens checked per app", "functions.tf", r"merge\(settings\.app_settings, local\.token_settings\[app\], ", "merge(settings.app_settings, "),
    ("tokens checked per app", "entra.tf", r"condition     = local\.entra\.tenant_id == data\.azurerm_client_config\.current\.tenant_id", "condition     = true"),
    ("tokens checked per app", "entra.tf", r"AuditApi/src/functions/app-roles\.json", "AuditApi/app-roles.json"),
    ("tokens checked per app", "entra.tf", r"    release_probe  = local\.entra\.release_probe_object_ids\n", ""),
    ("roles propagate before use", "keyvault.tf", r"depends_on = \[time_sleep\.key_vault_roles_propagated, ", "depends_on = ["),
    ("host keys stay with their host", "functions.tf", r"principal_id         = local\.identities\[each\.value\.app\]\.principal_id", 'principal_id         = local.identities["api_management"].principal_id'),
    ("host keys stay with their host", "keyvault.tf", r'role_definition_name = "Key Vault Secrets Officer"', 'role_definition_name = "Website Contributor"'),
    ("Entra applications", "identity/main.tf", r'sign_in_audience        = "AzureADMyOrg"', 'sign_in_audience        = "AzureADMultipleOrgs"'),
    ("Entra applications", "identity/main.tf", r"requested_access_token_version = 2", "requested_access_token_version = 1"),
    ("Entra applications", "identity/main.tf", r"app_role_assignment_required = true", "app_role_assignment_required = false"),
    ("Entra applications", "identity/main.tf", r'(resource "azuread_service_principal" "api" \{)', 'resource "azuread_application_password" "api" {\n  application_id = azuread_application.api["audit"].id\n}\n\n\\1'),
    ("Entra applications", "identity/main.tf", r"  prevent_duplicate_names = true\n", '  prevent_duplicate_names = true\n  identifier_uris         = ["api://patient-tests"]\n'),
    ("Entra applications", "identity/main.tf", r"    direct_callers = var\.direct_caller_object_ids\n", ""),
    ("Entra applications", "identity/outputs.tf", r"    release_probe_object_ids    = var\.release_probe_object_ids\n", ""),
    ("environment files", "environments/prod.tfvars", r'cosmos_max_throughput  = 4000', "cosmos_max_throughput_ru = 4000"),
    ("environment files", "environments/prod.tfvars", r'apim_sku             = "Premium_3"', 'apim_sku = "Premium_2"'),
    ("no rules that are never evaluated", "functions.tf", r"  https_only                                     = true\n", '  https_only = true\n  client_certificate_mode = "Required"\n'),
    ("callers named by the gateway only", "policies/patient-api.xml", r'<set-header name="x-caller-address" exists-action="delete" />', ""),
    ("callers named by the gateway only", "policies/patient-api.xml", r'<set-header name="x-caller-subscription-id" exists-action="override">', '<set-header name="x-caller-subscription-id" exists-action="skip">'),
    ("callers named by the gateway only", "policies/patient-api.xml", r"@\(context\.Subscription\.Id\)</value>", "@(context.Request.Headers.GetValueOrDefault(\"x-caller\"))</value>"),
    ("callers named by the gateway only", "entra.tf", r'api_management = \[local\.identities\["api_management"\]\.principal_id\]', 'api_management = [local.identities["patient_tests"].principal_id]'),
    ("Key Vault references resolve with the app's identity", "functions.tf", r'resource "azapi_resource_action" "key_vault_reference_identity" \{\n  for_each    = local\.function_apps\n  type        = "Microsoft\.Web/sites@2024-04-01"\n  resource_id = azurerm_function_app_flex_consumption\.main\[each\.key\]\.id\n  method      = "PATCH"\n', 'resource "azapi_update_resource" "key_vault_reference_identity" {\n  for_each    = local.function_apps\n  type        = "Microsoft.Web/sites@2024-04-01"\n  resource_id = azurerm_function_app_flex_consumption.main[each.key].id\n'),
    ("Key Vault references resolve with the app's identity", "functions.tf", r"  depends_on = \[azapi_resource_action\.key_vault_reference_identity\]\n", ""),
    ("Key Vault references resolve with the app's identity", "functions.tf", r"      keyVaultReferenceIdentity = local\.identities\[each\.key\]\.id\n", '      keyVaultReferenceIdentity = local.identities[each.key].id\n      siteConfig = { linuxFxVersion = "" }\n'),
    ("API Management opens no door of its own", "apim.tf", r"  sign_up \{\n    enabled = false", "  sign_up {\n    enabled = true"),
    ("API Management opens no door of its own", "apim.tf", r'    echo_api  = \{ type = "apis", name = "echo-api", query = \{ deleteRevisions = \["true"\] \} \}\n', ""),
    ("API Management opens no door of its own", "apim.tf", r"  ignore_not_found = true\n", ""),
    ("the deploy identity assigns only the configuration's roles", "functions.tf", r'"Storage Table Data Contributor"\]', '"Storage Table Data Contributor", "Storage Account Contributor"]'),
    ("the deploy identity assigns only the configuration's roles", "keyvault.tf", r'role_definition_name = "Key Vault Secrets User"', 'role_definition_name = "Owner"'),
    ("the deploy identity assigns only the configuration's roles", "roles/deploy-assignment-condition.txt", r"\{b86a8fe4", "{8e3af657-a8ff-443c-a75c-2fe8c4bcb635, b86a8fe4"),
    ("the deploy identity assigns only the configuration's roles", "roles/deploy-assignment-condition.txt", r"  AND\n  @Resource\[Microsoft\.Authorization/roleAssignments:PrincipalType\][^\n]*\n", ""),
    ("the deploy identity assigns only the configuration's roles", "keyvault.tf", r'  principal_type       = "ServicePrincipal"\n', ""),
    ("the deploy identity assigns only the configuration's roles", "keyvault.tf", r"  principal_type       = each\.value\n", ""),
    ("untyped and plain-text bodies pass the gateway", "policies/patient-api.xml", r'unspecified-content-type-action="ignore"', 'unspecified-content-type-action="prevent"'),
    # B1: the release plan's refresh needs every POST list action its Read calls; the role grants those and nothing else.
    ("plan role covers refresh", "roles/terraform-plan-reader.json", r',\n    "Microsoft\.ApiManagement/service/tenant/listSecrets/action"', ""),
    ("plan role covers refresh", "main.tf", r'(data "azurerm_client_config" "current" \{\})', '\\1\n\nresource "azurerm_monitor_workspace" "prometheus" {\n  name                = "amw-example"\n  resource_group_name = azurerm_resource_group.main.name\n  location            = azurerm_resource_group.main.location\n}'),
    ("plan role covers refresh", "main.tf", r'(data "azurerm_client_config" "current" \{\})', '\\1\n\ndata "azurerm_subscription" "current" {}'),
    ("plan role covers refresh", "roles/refresh-list-actions.json", r'"azurerm_public_ip":', '"azurerm_public_ip_prefix":'),
    ("plan role covers refresh", "roles/terraform-plan-reader.json", r'("\*/read",)', '\\1\n    "Microsoft.Web/sites/config/write",'),
    ("plan role covers refresh", "roles/terraform-plan-reader.json", r'("\*/read",)', '\\1\n    "Microsoft.Storage/storageAccounts/listKeys/action",'),
    ("plan role covers refresh", "roles/terraform-plan-reader.json", r'"AssignableScopes": \["/subscriptions/<subscription-id>"\]', '"AssignableScopes": ["/"]'),
    ("plan role covers refresh", "roles/refresh-list-actions.json", r'"action": "Microsoft\.ApiManagement/service/tenant/listSecrets/action"', '"action": "Microsoft.ApiManagement/service/tenant/listSecret/action"'),
    ("plan role covers refresh", "outputs.tf", r'(output ")', 'output "storage_key" {\n  value     = azurerm_storage_account.functions["audit"].primary_access_key\n  sensitive = true\n}\n\n\\1'),
    ("plan role covers refresh", "README.md", r"--role-definition @plan-reader-role\.json  ", """--role-definition '{"Actions": ["*/read", "Microsoft.Web/sites/config/list/action"]}'  """),
]


@pytest.mark.parametrize("check,file_name,old,new", BREAKAGES, ids=[f"{b[0]}: {b[1]}" for b in BREAKAGES])
def test_check_fires_on_a_broken_copy(tmp_path, check, file_name, old, new):
    assert invariants.CHECKS[check](invariants.load(str(broken_copy(tmp_path, file_name, old, new)))) != []


@pytest.mark.parametrize("check", invariants.CHECKS.keys())
def test_a_faithful_copy_satisfies_every_check(tmp_path, check):
    """The copies above differ from env/ only by their breakage, so each failure is the breakage's."""
    assert invariants.CHECKS[check](invariants.load(str(broken_copy(tmp_path, "main.tf", r"\A", "")))) == []
