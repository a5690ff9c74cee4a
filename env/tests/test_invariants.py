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
    ("app settings", "functions.tf", r'AUDIT_API_KEY\s+= "[^"]*"', 'AUDIT_API_KEY = "0123456789abcdef"'),
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
    ("host storage through identity", "functions.tf", r"    azurerm_private_endpoint\.storage,\n", ""),
    ("database credentials per app", "cosmos.tf", r'actions = \["find", "insert"\] \}', 'actions = ["find", "insert", "remove"] }'),
    ("database credentials per app", "keyvault.tf", r'value = local\.mongodb_uri\["audit"\]', 'value = local.mongodb_uri["patient_tests"]'),
    ("database credentials per app", "keyvault.tf", r'value = local\.mongodb_uri\["patient_tests"\]', "value = azurerm_cosmosdb_account.main.primary_mongodb_connection_string"),
    ("resource providers registered", "providers.tf", r'    "Microsoft.App",\n', ""),
    ("resource providers registered", "providers.tf", r'    "microsoft.insights",\n', '    "Microsoft.Insights",\n'),
    ("host storage through identity", "functions.tf", r"AzureWebJobsStorage__accountName = ", 'WEBSITE_HEALTHCHECK_MAXPINGFAILURES = "2"\n      AzureWebJobsStorage__accountName = '),
    ("API Management reads its named value", "keyvault.tf", r'bypass         = "AzureServices"', 'bypass = "None"'),
    ("API Management reads its named value", "network.tf", r'  service_endpoint \{\n    service = "Microsoft.KeyVault"\n  \}\n', ""),
    ("API Management reads its named value", "apim.tf", r'    type = "SystemAssigned"', '    type = "UserAssigned"'),
    ("rotated secrets keep their value", "keyvault.tf", r"  lifecycle \{\n    ignore_changes = \[value\]\n  \}\n", ""),
    ("roles propagate before use", "keyvault.tf", r"depends_on = \[time_sleep\.key_vault_roles_propagated, ", "depends_on = ["),
    ("roles propagate before use", "apim.tf", r"depends_on = \[time_sleep\.secret_readers_propagated, ", "depends_on = ["),
    ("environment files", "environments/prod.tfvars", r'cosmos_max_throughput  = 4000', "cosmos_max_throughput_ru = 4000"),
    ("environment files", "environments/prod.tfvars", r'apim_sku             = "Premium_2"', 'apim_sku = "Premium_1"'),
    ("no rules that are never evaluated", "functions.tf", r"  https_only                                     = true\n", '  https_only = true\n  client_certificate_mode = "Required"\n'),
    ("callers named by the gateway only", "policies/patient-api.xml", r'<set-header name="x-caller-address" exists-action="delete" />', ""),
    ("callers named by the gateway only", "policies/patient-api.xml", r'<set-header name="x-caller-subscription-id" exists-action="override">', '<set-header name="x-caller-subscription-id" exists-action="skip">'),
    ("callers named by the gateway only", "policies/patient-api.xml", r"@\(context\.Subscription\.Id\)</value>", "@(context.Request.Headers.GetValueOrDefault(\"x-caller\"))</value>"),
    ("callers named by the gateway only", "functions.tf", r'function_key\["patient-tests-function-key"\]', 'function_key["audit-api-key"]'),
    ("untyped and plain-text bodies pass the gateway", "policies/patient-api.xml", r'unspecified-content-type-action="ignore"', 'unspecified-content-type-action="prevent"'),
]


@pytest.mark.parametrize("check,file_name,old,new", BREAKAGES, ids=[f"{b[0]}: {b[1]}" for b in BREAKAGES])
def test_check_fires_on_a_broken_copy(tmp_path, check, file_name, old, new):
    assert invariants.CHECKS[check](invariants.load(str(broken_copy(tmp_path, file_name, old, new)))) != []
