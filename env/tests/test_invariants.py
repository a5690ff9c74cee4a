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
    ("role assignments", "keyvault.tf", r"scope\s+= azurerm_key_vault_secret\.main\[each\.value\.secret\]\.resource_versionless_id", "scope = azurerm_key_vault.main.id"),
    ("role assignments", "functions.tf", r"scope\s+= azurerm_storage_account\.functions\[each\.value\.app\]\.id", "scope = azurerm_resource_group.main.id"),
    ("database names", "locals.tf", r'patient_tests = "patienttests"', 'patient_tests = "patients_db"'),
    ("database names", "functions.tf", r'AUDIT_DATABASE_NAME\s+= [^\n]+', 'AUDIT_DATABASE_NAME = "audit-prod"'),
    ("subscription keys stay at the gateway", "policies/patient-api.xml", r'<set-header name="Ocp-Apim-Subscription-Key" exists-action="delete" />', ""),
    ("subscription keys stay at the gateway", "policies/patient-api.xml", r'<set-query-parameter name="subscription-key" exists-action="delete" />', ""),
    ("subscription keys stay at the gateway", "apim.tf", r'header = "Ocp-Apim-Subscription-Key"', 'header = "X-Client-Key"'),
    ("callers named by the gateway only", "policies/patient-api.xml", r'<set-header name="x-caller-address" exists-action="delete" />', ""),
    ("callers named by the gateway only", "policies/patient-api.xml", r'<set-header name="x-caller-subscription-id" exists-action="override">', '<set-header name="x-caller-subscription-id" exists-action="skip">'),
    ("callers named by the gateway only", "policies/patient-api.xml", r"@\(context\.Subscription\.Id\)</value>", "@(context.Request.Headers.GetValueOrDefault(\"x-caller\"))</value>"),
    ("callers named by the gateway only", "functions.tf", r'main\["patient-tests-function-key"\]', 'main["audit-api-key"]'),
]


@pytest.mark.parametrize("check,file_name,old,new", BREAKAGES, ids=[f"{b[0]}: {b[1]}" for b in BREAKAGES])
def test_check_fires_on_a_broken_copy(tmp_path, check, file_name, old, new):
    assert invariants.CHECKS[check](invariants.load(str(broken_copy(tmp_path, file_name, old, new)))) != []
