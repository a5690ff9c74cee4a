"""Security invariants of env/, read from the HCL itself (python-hcl2): no cloud, no provider needed.

Each check takes the parsed configuration and returns the violations it finds, so the tests can show
both that env/ has none and that each check really fires on a broken copy.
"""
from __future__ import annotations

import glob
import os
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field

import hcl2

ENV_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO_DIR = os.path.dirname(ENV_DIR)

# PaaS resources that must never be reachable from the internet. API Management is not in the list: it
# is the one public entry, by design.
PRIVATE_PAAS = {
    "azurerm_cosmosdb_account",
    "azurerm_key_vault",
    "azurerm_storage_account",
    "azurerm_function_app_flex_consumption",
    "azurerm_linux_function_app",
    "azurerm_windows_function_app",
}
SECRET_NAME = re.compile(r"(URI|KEY|SECRET|PASSWORD|CONNECTION|TOKEN)", re.IGNORECASE)
SECRET_VALUE = re.compile(r"(AccountKey=|SharedAccessSignature=|mongodb(\+srv)?://|password=|InstrumentationKey=)", re.IGNORECASE)
# python-hcl2 renders a template string as ${"..."}; the reference itself is the same either way.
KEY_VAULT_REFERENCE = re.compile(r'^(\$\{")?@Microsoft\.KeyVault\(SecretUri=\$\{azurerm_key_vault_secret\.main\[\\?"[a-z0-9-]+\\?"\]\.versionless_id\}\)("\})?$')


@dataclass
class Config:
    directory: str = ENV_DIR
    resources: list[tuple[str, str, dict]] = field(default_factory=list)
    locals: dict = field(default_factory=dict)
    variables: dict = field(default_factory=dict)
    outputs: dict = field(default_factory=dict)
    terraform: list[dict] = field(default_factory=list)

    def of_type(self, resource_type: str) -> list[tuple[str, dict]]:
        return [(name, body) for kind, name, body in self.resources if kind == resource_type]


def load(directory: str = ENV_DIR) -> Config:
    config = Config(directory=directory)
    for path in sorted(glob.glob(os.path.join(directory, "*.tf"))):
        with open(path, encoding="utf-8") as handle:
            document = hcl2.load(handle)
        for block in document.get("resource", []):
            for kind, named in block.items():
                for name, body in named.items():
                    config.resources.append((kind, name, body))
        for block in document.get("locals", []):
            config.locals.update({name: entry[0] if isinstance(entry, list) and len(entry) == 1 else entry for name, entry in block.items()})
        for block in document.get("variable", []):
            config.variables.update(block)
        for block in document.get("output", []):
            config.outputs.update(block)
        config.terraform.extend(document.get("terraform", []))
    return config


def value(body: dict, name: str, default=None):
    """python-hcl2 wraps attribute values in a list; blocks are lists of dicts."""
    found = body.get(name, default)
    return found[0] if isinstance(found, list) and len(found) == 1 and not isinstance(found[0], dict) else found


def blocks(body: dict, name: str) -> list[dict]:
    return [block for block in body.get(name, []) if isinstance(block, dict)]


def public_network_access(config: Config) -> list[str]:
    violations = []
    for kind, name, body in config.resources:
        if kind in PRIVATE_PAAS and value(body, "public_network_access_enabled") is not False:
            violations.append(f"{kind}.{name} does not set public_network_access_enabled = false")
    for name, body in config.of_type("azurerm_storage_account") + config.of_type("azurerm_key_vault"):
        rules = blocks(body, "network_rules") + blocks(body, "network_acls")
        if not rules or any(value(rule, "default_action") != "Deny" for rule in rules):
            violations.append(f"{name}: network rules must default to Deny")
    return violations


def private_endpoint_dns(config: Config) -> list[str]:
    violations = []
    for name, body in config.of_type("azurerm_private_endpoint"):
        groups = blocks(body, "private_dns_zone_group")
        zones = [zone for group in groups for zone in (value(group, "private_dns_zone_ids") or [])]
        if not zones:
            violations.append(f"azurerm_private_endpoint.{name} has no private DNS zone group")
    return violations


def key_vault_rbac(config: Config) -> list[str]:
    violations = [f"azurerm_key_vault_access_policy.{name} grants an access policy" for name, _ in config.of_type("azurerm_key_vault_access_policy")]
    for name, body in config.of_type("azurerm_key_vault"):
        if value(body, "rbac_authorization_enabled") is not True:
            violations.append(f"azurerm_key_vault.{name} must set rbac_authorization_enabled = true")
        if "enable_rbac_authorization" in body:
            violations.append(f"azurerm_key_vault.{name} uses enable_rbac_authorization, which azurerm 5.x removed")
        if blocks(body, "access_policy"):
            violations.append(f"azurerm_key_vault.{name} has access_policy blocks")
        if value(body, "purge_protection_enabled") is not True:
            violations.append(f"azurerm_key_vault.{name} must enable purge protection")
    return violations


def app_settings_hold_no_secrets(config: Config) -> list[str]:
    violations = []
    settings: dict[str, str] = {}
    for app_name, app in (config.locals.get("function_apps") or {}).items():
        for setting, setting_value in (app.get("app_settings") or {}).items():
            settings[f"{app_name}.{setting}"] = str(setting_value)
    for kind, name, body in config.resources:
        if "function_app" in kind:
            raw = body.get("app_settings")
            if isinstance(raw, list) and raw and isinstance(raw[0], dict):
                for setting, setting_value in raw[0].items():
                    settings[f"{name}.{setting}"] = str(setting_value)
            elif raw is not None:
                settings[f"{name}.app_settings"] = str(raw)
    for setting, setting_value in settings.items():
        short = setting.rsplit(".", 1)[-1]
        if SECRET_VALUE.search(setting_value):
            violations.append(f"{setting} holds what looks like a secret value")
        elif SECRET_NAME.search(short) and not KEY_VAULT_REFERENCE.match(setting_value):
            violations.append(f"{setting} looks like a secret but is not a Key Vault reference")
    return violations


def narrow_role_assignments(config: Config) -> list[str]:
    violations = []
    for name, body in config.of_type("azurerm_role_assignment"):
        scope = str(value(body, "scope"))
        role = str(value(body, "role_definition_name"))
        principal = str(value(body, "principal_id"))
        if re.search(r"azurerm_resource_group|azurerm_subscription|/subscriptions/|management_group", scope):
            violations.append(f"azurerm_role_assignment.{name} is scoped to a resource group, subscription or wider")
        if not re.fullmatch(r"\$\{azurerm_[a-z_]+\.[a-z_]+(\[[^\]]+\])?\.(id|resource_versionless_id)\}", scope):
            violations.append(f"azurerm_role_assignment.{name} has a scope that is not one resource or one secret: {scope}")
        on_vault = re.fullmatch(r"\$\{azurerm_key_vault\.[a-z_]+\.id\}", scope) is not None
        granted_to_app = "local.identities" in principal or "azurerm_user_assigned_identity" in principal
        if on_vault and granted_to_app:
            violations.append(f"azurerm_role_assignment.{name} gives an app identity a role on the whole vault")
        if role == "Key Vault Secrets User" and not scope.endswith(".resource_versionless_id}"):
            violations.append(f"azurerm_role_assignment.{name} lets an identity read more than one secret")
        if role in {"Owner", "Contributor", "User Access Administrator", "Key Vault Administrator"}:
            violations.append(f"azurerm_role_assignment.{name} grants {role}")
    return violations


def code_default(path: str, setting: str) -> str:
    with open(os.path.join(REPO_DIR, path), encoding="utf-8") as handle:
        match = re.search(setting + r": setting\.databaseName\('([^']+)'\)", handle.read())
    if not match:
        raise AssertionError(f"{setting} has no default in {path}")
    return match.group(1)


def database_names(config: Config) -> list[str]:
    """The names Terraform creates are the names the apps are configured with, and the code's own defaults."""
    violations = []
    expected = {
        ("databases", "patient_tests"): code_default("src/PatientTestsApi/src/config.ts", "PATIENT_TESTS_DATABASE_NAME"),
        ("databases", "audit"): code_default("src/AuditApi/src/config.ts", "AUDIT_DATABASE_NAME"),
        ("collections", "patients"): code_default("src/PatientTestsApi/src/config.ts", "PATIENTS_COLLECTION_NAME"),
        ("collections", "patient_versions"): code_default("src/PatientTestsApi/src/config.ts", "PATIENT_VERSIONS_COLLECTION_NAME"),
        ("collections", "idempotency_keys"): code_default("src/PatientTestsApi/src/config.ts", "IDEMPOTENCY_KEYS_COLLECTION_NAME"),
        ("collections", "tests"): code_default("src/PatientTestsApi/src/config.ts", "TESTS_COLLECTION_NAME"),
        ("collections", "audit_records"): code_default("src/AuditApi/src/config.ts", "AUDIT_COLLECTION_NAME"),
    }
    for (group, key), wanted in expected.items():
        actual = (config.locals.get(group) or {}).get(key)
        if actual != wanted:
            violations.append(f"local.{group}.{key} is {actual!r}, the code expects {wanted!r}")
    apps = config.locals.get("function_apps") or {}
    wiring = {
        ("patient_tests", "PATIENT_TESTS_DATABASE_NAME"): '${azurerm_cosmosdb_mongo_database.main["patient_tests"].name}',
        ("audit", "AUDIT_DATABASE_NAME"): '${azurerm_cosmosdb_mongo_database.main["audit"].name}',
        ("audit", "AUDIT_COLLECTION_NAME"): '${azurerm_cosmosdb_mongo_collection.main["audit_records"].name}',
    }
    for (app, setting), wanted in wiring.items():
        actual = ((apps.get(app) or {}).get("app_settings") or {}).get(setting)
        if actual != wanted:
            violations.append(f"{app}.{setting} is {actual!r}, not the database Terraform creates ({wanted})")
    for name, body in config.of_type("azurerm_cosmosdb_mongo_database"):
        if "local.databases" not in str(value(body, "for_each")):
            violations.append(f"azurerm_cosmosdb_mongo_database.{name} does not take its names from local.databases")
    if "retrywrites=false" not in str(config.locals.get("cosmos_connection_string")):
        violations.append("the apps' connection string does not force retrywrites=false")
    return violations


def policies_strip_subscription_keys(config: Config) -> list[str]:
    """APIM passes the caller's subscription key (header or query) to the backend unless the API's policy deletes it."""
    violations = []
    for name, api in config.of_type("azurerm_api_management_api"):
        names = (blocks(api, "subscription_key_parameter_names") or [{}])[0]
        header = value(names, "header", "Ocp-Apim-Subscription-Key")
        query = value(names, "query", "subscription-key")
        policies = [body for _, body in config.of_type("azurerm_api_management_api_policy") if f"azurerm_api_management_api.{name}." in str(value(body, "api_name"))]
        if not policies:
            violations.append(f"azurerm_api_management_api.{name} has no API policy")
        for policy in policies:
            match = re.search(r'file\("\$\{path\.module\}/([^"]+)"\)', str(value(policy, "xml_content")))
            if not match:
                violations.append(f"the policy of azurerm_api_management_api.{name} is not read from a file under env/")
                continue
            inbound = ElementTree.parse(os.path.join(config.directory, match.group(1))).getroot().find("inbound")
            steps = [] if inbound is None else list(inbound)
            deletes = {(step.tag, (step.get("name") or "").lower()) for step in steps if step.get("exists-action") == "delete"}
            if ("set-header", header.lower()) not in deletes:
                violations.append(f"{match.group(1)} does not delete the {header} header: APIM would forward every caller's key")
            if ("set-query-parameter", query.lower()) not in deletes:
                violations.append(f"{match.group(1)} does not delete the {query} query parameter: APIM would forward every caller's key")
    return violations


def callers_named_by_the_gateway_only(config: Config) -> list[str]:
    """The audit register's actor comes from API Management: the policy deletes every caller header a client
    might send before it sets it, names the subscription from APIM's context, and the PatientTests app
    recognises the gateway by the very key API Management sends."""
    violations = []
    for _, policy in config.of_type("azurerm_api_management_api_policy"):
        match = re.search(r'file\("\$\{path\.module\}/([^"]+)"\)', str(value(policy, "xml_content")))
        if not match:
            continue
        inbound = ElementTree.parse(os.path.join(config.directory, match.group(1))).getroot().find("inbound")
        deleted: set[str] = set()
        seen_subscription = False
        for step in [] if inbound is None else [step for step in inbound if step.tag == "set-header"]:
            name = (step.get("name") or "").lower()
            if not name.startswith("x-caller-"):
                continue
            action = step.get("exists-action") or "override"
            if action == "delete":
                deleted.add(name)
                continue
            if name not in deleted:
                violations.append(f"{match.group(1)} sets {name} without deleting what the client sent first")
            if action != "override":
                violations.append(f"{match.group(1)} sets {name} with exists-action {action}, not override")
            if name == "x-caller-subscription-id":
                seen_subscription = True
                values = [(element.text or "").strip() for element in step.findall("value")]
                if values != ["@(context.Subscription.Id)"]:
                    violations.append(f"{match.group(1)} does not take x-caller-subscription-id from the subscription: {values}")
        if not seen_subscription:
            violations.append(f"{match.group(1)} does not name the caller's subscription (x-caller-subscription-id)")
    apps = config.locals.get("function_apps") or {}
    gateway_key = str(((apps.get("patient_tests") or {}).get("app_settings") or {}).get("GATEWAY_FUNCTION_KEY"))
    if 'azurerm_key_vault_secret.main["patient-tests-function-key"]' not in gateway_key.replace('\\"', '"'):
        violations.append("patient_tests.GATEWAY_FUNCTION_KEY is not the key API Management sends (secret patient-tests-function-key)")
    return violations


CHECKS = {
    "public network access": public_network_access,
    "private endpoint DNS": private_endpoint_dns,
    "Key Vault RBAC": key_vault_rbac,
    "app settings": app_settings_hold_no_secrets,
    "role assignments": narrow_role_assignments,
    "database names": database_names,
    "subscription keys stay at the gateway": policies_strip_subscription_keys,
    "callers named by the gateway only": callers_named_by_the_gateway_only,
}
