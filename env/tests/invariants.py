"""Security invariants of env/, read from the HCL itself (python-hcl2): no cloud, no provider needed.

Each check takes the parsed configuration and returns the violations it finds, so the tests can show
both that env/ has none and that each check really fires on a broken copy.
"""
from __future__ import annotations

import glob
import json
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
KEY_VAULT_REFERENCE = re.compile(r'^(\$\{")?@Microsoft\.KeyVault\(SecretUri=\$\{azurerm_key_vault_secret\.[a-z_]+\[\\?"[a-z0-9-]+\\?"\]\.versionless_id\}\)("\})?$')
# Settings that look like secrets by name but are not: App Insights' connection string names where telemetry
# goes (Microsoft: not a secret; a Key Vault reference breaks the portal's App Insights integration).
NOT_SECRETS = {"APPLICATIONINSIGHTS_CONNECTION_STRING": "${azurerm_application_insights.main.connection_string}"}


@dataclass
class Config:
    directory: str = ENV_DIR
    resources: list[tuple[str, str, dict]] = field(default_factory=list)
    locals: dict = field(default_factory=dict)
    variables: dict = field(default_factory=dict)
    outputs: dict = field(default_factory=dict)
    terraform: list[dict] = field(default_factory=list)
    providers: dict = field(default_factory=dict)

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
        for block in document.get("provider", []):
            for name, body in block.items():
                config.providers.setdefault(name, []).append(body)
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
    # The settings the apps really run with (functions.tf: written whole by the app-settings action).
    written = str(config.locals.get("app_settings", "")) + str(config.locals.get("app_settings_written", ""))
    for setting, setting_value in re.findall(r"'([A-Za-z0-9_]+)': '([^']*)'", written):
        settings[f"local.app_settings.{setting}"] = setting_value
    for kind, name, body in config.resources:
        if "function_app" in kind:
            raw = body.get("app_settings")
            if isinstance(raw, list) and raw and isinstance(raw[0], dict):
                for setting, setting_value in raw[0].items():
                    settings[f"{name}.{setting}"] = str(setting_value)
            elif raw is not None and str(value(body, "app_settings")) != "${local.app_settings[each.key]}":
                settings[f"{name}.app_settings"] = str(raw)
    for setting, setting_value in settings.items():
        short = setting.rsplit(".", 1)[-1]
        if NOT_SECRETS.get(short) == setting_value:
            continue
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
        if not re.fullmatch(r"\$\{(azurerm_[a-z_]+\.[a-z_]+|local\.secret_ids)(\[[^\]]+\])?\.(id|resource_versionless_id)\}", scope):
            violations.append(f"azurerm_role_assignment.{name} has a scope that is not one resource or one secret: {scope}")
        on_vault = re.fullmatch(r"\$\{azurerm_key_vault\.[a-z_]+\.id\}", scope) is not None
        granted_to_app = any(name in principal for name in ("local.identities", "azurerm_user_assigned_identity", "local.secret_readers", "identity[0].principal_id"))
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
    if "retrywrites=false" not in str(config.locals.get("mongodb_uri")):
        violations.append("the apps' connection strings do not force retrywrites=false")
    return violations


def policy_file_of(policy: dict) -> str | None:
    """The file under env/ an API policy's XML is read from (`file("${path.module}/...")`), if it is."""
    match = re.search(r'file\("\$\{path\.module\}/([^"]+)"\)', str(value(policy, "xml_content")))
    return match.group(1) if match else None


def inbound_of(config: Config, policy_file: str):
    """The <inbound> section of a policy file, or None."""
    return ElementTree.parse(os.path.join(config.directory, policy_file)).getroot().find("inbound")


def policy_inbounds(config: Config):
    """Each API policy read from a file, as (file, its <inbound> section or None)."""
    for _, policy in config.of_type("azurerm_api_management_api_policy"):
        policy_file = policy_file_of(policy)
        if policy_file:
            yield policy_file, inbound_of(config, policy_file)


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
            policy_file = policy_file_of(policy)
            if not policy_file:
                violations.append(f"the policy of azurerm_api_management_api.{name} is not read from a file under env/")
                continue
            inbound = inbound_of(config, policy_file)
            steps = [] if inbound is None else list(inbound)
            deletes = {(step.tag, (step.get("name") or "").lower()) for step in steps if step.get("exists-action") == "delete"}
            if ("set-header", header.lower()) not in deletes:
                violations.append(f"{policy_file} does not delete the {header} header: APIM would forward every caller's key")
            if ("set-query-parameter", query.lower()) not in deletes:
                violations.append(f"{policy_file} does not delete the {query} query parameter: APIM would forward every caller's key")
    return violations


def host_storage_through_identity(config: Config) -> list[str]:
    """Defect: azurerm writes an AzureWebJobsStorage connection string with an empty key for identity-based
    host storage; the host prefers it and cannot start. The settings must be rewritten without it after
    every change of the app."""
    violations = []
    for name, body in config.of_type("azurerm_function_app_flex_consumption"):
        if value(body, "storage_authentication_type") != "UserAssignedIdentity":
            violations.append(f"azurerm_function_app_flex_consumption.{name} does not reach its storage through its identity")
    for settings in ("app_settings", "app_settings_written"):
        if re.search(r"'AzureWebJobsStorage'\s*:", str(config.locals.get(settings, ""))):
            violations.append(f"local.{settings} sets AzureWebJobsStorage: the host would prefer it to the identity")
    # azurerm reads these back out of app_settings: given there, every plan would update the apps, and every
    # update re-adds the broken connection string.
    for moved_out in ("APPLICATIONINSIGHTS_CONNECTION_STRING", "WEBSITE_HEALTHCHECK_MAXPINGFAILURES", "APPINSIGHTS_INSTRUMENTATIONKEY"):
        if moved_out in str(config.locals.get("app_settings", "")):
            violations.append(f"local.app_settings (what azurerm gets) holds {moved_out}: a change on every plan")
    rewrites = [
        (name, body) for name, body in config.of_type("azapi_resource_action")
        if str(value(body, "resource_id")).endswith("/config/appsettings") and value(body, "method") == "PUT"
    ]
    if not rewrites:
        violations.append("no action rewrites the apps' settings without the AzureWebJobsStorage the provider adds")
    for name, body in rewrites:
        if "local.app_settings_written[each.key]" not in str(body.get("body")):
            violations.append(f"azapi_resource_action.{name} does not write local.app_settings_written")
        triggers = str([block.get("replace_triggered_by") for block in blocks(body, "lifecycle")])
        if "azurerm_function_app_flex_consumption.main[each.key]" not in triggers:
            violations.append(f"azapi_resource_action.{name} does not run again after each change of the app (replace_triggered_by)")
    return violations


def database_credentials_per_app(config: Config) -> list[str]:
    """Defect: both apps got the account key, so PatientTests could rewrite the append-only register."""
    violations = []
    text = "\n".join(open(path, encoding="utf-8").read() for path in sorted(glob.glob(os.path.join(config.directory, "*.tf"))))
    for account_secret in ("primary_key", "secondary_key", "primary_mongodb_connection_string", "secondary_mongodb_connection_string", "connection_strings"):
        if re.search(rf"azurerm_cosmosdb_account\.[a-z_]+\.{account_secret}\b", text):
            violations.append(f"env/ hands out the account's {account_secret}: every app would reach every database")
    capabilities = [value(block, "name") for _, body in config.of_type("azurerm_cosmosdb_account") for block in blocks(body, "capabilities")]
    if "EnableMongoRoleBasedAccessControl" not in capabilities:
        violations.append("the Cosmos DB account has no database users (capability EnableMongoRoleBasedAccessControl)")
    users = config.locals.get("database_users") or {}
    if set(users) != set(config.locals.get("databases") or {}):
        violations.append("each database needs its own user (local.database_users)")
    for app, user in users.items():
        actions = set(user.get("actions") or [])
        if actions & {"remove", "dropCollection", "dropDatabase", "dropIndex", "createIndex", "createCollection", "reIndex"}:
            violations.append(f"{app}'s database user may change or drop data or metadata: {sorted(actions)}")
    if set((users.get("audit") or {}).get("actions") or []) - {"find", "insert"}:
        violations.append("the Audit API's database user may do more than find and insert: the register would not be append-only")
    for name, body in config.of_type("azurerm_cosmosdb_mongo_user_definition") + config.of_type("azurerm_cosmosdb_mongo_role_definition"):
        if str(value(body, "cosmos_mongo_database_id")) not in ("${azurerm_cosmosdb_mongo_database.main[each.key].id}", "${azurerm_cosmosdb_mongo_database.main[each.value.app].id}"):
            violations.append(f"{name}: a database user or role outside its app's own database")
    for secret, entry in (config.locals.get("connection_secrets") or {}).items():
        readers = entry.get("readers") or []
        if len(readers) != 1 or str(entry.get("value")) != '${local.mongodb_uri["%s"]}' % readers[0]:
            violations.append(f"secret {secret} does not hold its one reader's own connection string")
    return violations


# The namespace of every resource type env/ creates (azurerm 5.x registers none by itself).
NAMESPACES = [
    ("azurerm_api_management", "Microsoft.ApiManagement"),
    # Resource Manager lists this one in lower case, and azurerm matches the names case-sensitively.
    ("azurerm_application_insights", "microsoft.insights"),
    ("azurerm_monitor_", "microsoft.insights"),
    ("azurerm_log_analytics_", "Microsoft.OperationalInsights"),
    ("azurerm_cosmosdb_", "Microsoft.DocumentDB"),
    ("azurerm_key_vault", "Microsoft.KeyVault"),
    ("azurerm_user_assigned_identity", "Microsoft.ManagedIdentity"),
    ("azurerm_storage_", "Microsoft.Storage"),
    ("azurerm_service_plan", "Microsoft.Web"),
    ("azurerm_function_app", "Microsoft.Web"),
    ("azurerm_virtual_network", "Microsoft.Network"),
    ("azurerm_subnet", "Microsoft.Network"),
    ("azurerm_network_security_group", "Microsoft.Network"),
    ("azurerm_private_endpoint", "Microsoft.Network"),
    ("azurerm_private_dns_", "Microsoft.Network"),
    ("azurerm_public_ip", "Microsoft.Network"),
    ("azurerm_resource_group", None),  # Microsoft.Resources: always registered
    ("azurerm_role_assignment", None),  # Microsoft.Authorization: always registered
]


def resource_providers_registered(config: Config) -> list[str]:
    """Defect: azurerm 5.x registers no resource provider, so a fresh subscription fails on the first resource."""
    providers = [block for terraform in [config.providers] for block in terraform.get("azurerm", [])]
    registered = set(value(providers[0], "resource_providers_to_register") or []) if providers else set()
    violations = []
    if not providers or value(providers[0], "resource_provider_registrations") not in ("none", "core", "extended", "all", "legacy"):
        violations.append("the azurerm provider does not say which resource providers it registers")
    needed = set()
    for kind, name, body in config.resources:
        if kind.startswith("azapi_"):
            # Its type names the namespace: a call into an unregistered one fails even with ignore_not_found.
            namespace = str(value(body, "type", "")).split("/")[0]
            literal = {entry.lower(): entry for entry in registered}
            if namespace and "${" not in namespace and namespace.lower() not in literal:
                violations.append(f"{kind}.{name} calls {namespace}, which is not in resource_providers_to_register")
            elif "${" in namespace:
                # The type comes from a local: every API-versioned type named in the locals.
                for candidate in sorted(set(re.findall(r"([Mm]icrosoft\.[A-Za-z]+)/[A-Za-z/]+@\d{4}-\d{2}-\d{2}", str(config.locals)))):
                    if candidate.lower() not in literal:
                        violations.append(f"{kind}.{name} may call {candidate}, which is not in resource_providers_to_register")
            continue
        if not kind.startswith("azurerm_"):
            continue
        matches = [namespace for prefix, namespace in NAMESPACES if kind.startswith(prefix)]
        if not matches:
            violations.append(f"{kind}: which resource provider? (add it to NAMESPACES in invariants.py)")
            continue
        if matches[0]:
            needed.add(matches[0])
        if kind == "azurerm_subnet" and "Microsoft.App/environments" in str(body.get("delegation")):
            needed.add("Microsoft.App")
    for namespace in sorted(needed - registered):
        violations.append(f"{namespace} is used but not in resource_providers_to_register")
    return violations


def roles_propagate_before_use(config: Config) -> list[str]:
    """Defect: secrets were created right after their role assignments: 403 on a first apply."""
    violations = []
    sleeps = {name: str(body.get("triggers")) for name, body in config.of_type("time_sleep")}
    needs = {
        ("azurerm_key_vault_secret", None): ("key_vault_roles_propagated", "azurerm_role_assignment.deployer_secrets_officer"),
        ("azurerm_function_app_flex_consumption", None): ("storage_roles_propagated", "azurerm_role_assignment.function_storage"),
    }
    for (kind, _), (sleep, assignment) in needs.items():
        if assignment not in sleeps.get(sleep, ""):
            violations.append(f"time_sleep.{sleep} does not wait for {assignment}")
        for name, body in config.of_type(kind):
            if f"time_sleep.{sleep}" not in str(body.get("depends_on")):
                violations.append(f"{kind}.{name} does not wait for time_sleep.{sleep}")
    return violations


def api_management_calls_with_its_identity(config: Config) -> list[str]:
    """API Management authenticates to the PatientTests app with a token of its own user-assigned identity, for the
    PatientTests API's application (authentication-managed-identity), last in the inbound section so nothing can
    replace the token, after deleting whatever the client sent as Authorization; the named values are plain ids."""
    violations = []
    for name, body in config.of_type("azurerm_api_management"):
        identity = (blocks(body, "identity") or [{}])[0]
        if value(identity, "type") != "UserAssigned" or '${local.identities["api_management"].id}' not in str(value(identity, "identity_ids")).replace('\\"', '"'):
            violations.append(f"azurerm_api_management.{name} does not use its own user-assigned identity (and only it)")
    for policy_file, inbound in policy_inbounds(config):
        steps = [] if inbound is None else list(inbound)
        authentications = [index for index, step in enumerate(steps) if step.tag == "authentication-managed-identity"]
        if len(authentications) != 1:
            violations.append(f"{policy_file} does not authenticate to the backend with API Management's identity (authentication-managed-identity)")
            continue
        step = steps[authentications[0]]
        if step.get("resource") != "{{patient-tests-api-application-id}}" or step.get("client-id") != "{{gateway-identity-client-id}}":
            violations.append(f"{policy_file}: authentication-managed-identity must ask for the PatientTests application's token as the gateway identity: {step.attrib}")
        if set(step.attrib) - {"resource", "client-id"}:
            violations.append(f"{policy_file}: authentication-managed-identity has attributes that change its meaning ({sorted(set(step.attrib) - {'resource', 'client-id'})}), e.g. ignore-error")
        if any(later.tag in ("set-header", "set-query-parameter") for later in steps[authentications[0] + 1:]):
            violations.append(f"{policy_file}: a header or query step follows authentication-managed-identity and could replace the token")
        deletes_authorization = any(
            earlier.tag == "set-header" and (earlier.get("name") or "").lower() == "authorization" and earlier.get("exists-action") == "delete"
            for earlier in steps[: authentications[0]]
        )
        if not deletes_authorization:
            violations.append(f"{policy_file} does not delete the Authorization header a client sends before setting the token")
    named = {name: body for name, body in config.of_type("azurerm_api_management_named_value")}
    values = (config.locals.get("policy_named_values") or {})
    expected = {
        "patient-tests-api-application-id": "${local.entra.patient_tests_api_client_id}",
        "gateway-identity-client-id": '${local.identities["api_management"].client_id}',
    }
    for key, wanted in expected.items():
        if str(values.get(key)).replace('\\"', '"') != wanted:
            violations.append(f"the named value {key} is {values.get(key)!r}, not {wanted}")
    for name, body in named.items():
        if value(body, "secret") is not False or blocks(body, "value_from_key_vault"):
            violations.append(f"azurerm_api_management_named_value.{name} is a secret or comes from Key Vault: the policy needs ids only")
    return violations


def no_shared_keys_between_services(config: Config) -> list[str]:
    """Defect class of the function keys (deployment-review-2.md B3, C1, S6, S8): keys created through the host's
    admin API, kept in Key Vault and in state, handed to API Management and PatientTests. None may come back:
    no key action on a host, no generated key, no secret beyond the database connection strings, no setting or
    named value carrying a key, no policy step sending one, and no trusted-service way into the vault."""
    violations = []
    for kind, name, body in config.resources:
        text = str(body)
        if kind.startswith("azapi_") and re.search(r"(?i)(functionkeys|hostkeys|/keys|listkeys|listsecrets)", text):
            violations.append(f"{kind}.{name} calls a host's key API")
        if kind == "random_password" and name != "database_user":
            violations.append(f"random_password.{name} makes a secret besides the database users' passwords")
        if kind == "azurerm_key_vault_secret" and name != "connection":
            violations.append(f"azurerm_key_vault_secret.{name} stores a secret besides the database connection strings")
        if kind == "azurerm_api_management_named_value" and (value(body, "secret") is not False or blocks(body, "value_from_key_vault")):
            violations.append(f"azurerm_api_management_named_value.{name} is a secret")
    text = "\n".join(open(path, encoding="utf-8").read() for path in sorted(glob.glob(os.path.join(config.directory, "*.tf"))))
    if re.search(r'data\s+"azurerm_function_app_host_keys"', text):
        violations.append("env/ reads the function apps' host keys")
    settings = str(config.locals.get("function_apps")) + str(config.locals.get("app_settings")) + str(config.locals.get("token_settings"))
    for setting in sorted(set(re.findall(r"'([A-Z0-9_]*(?:FUNCTION_KEY|API_KEY|_KEY)[A-Z0-9_]*)'", settings))):
        violations.append(f"an app setting carries a key: {setting}")
    for policy_file, inbound in policy_inbounds(config):
        for step in [] if inbound is None else list(inbound):
            name = (step.get("name") or "").lower()
            if (step.tag, name) in (("set-header", "x-functions-key"), ("set-query-parameter", "code")) and step.get("exists-action") != "delete":
                violations.append(f"{policy_file} sends the backend a function key ({step.tag} {name})")
    for name, body in config.of_type("azurerm_key_vault"):
        if any(value(acl, "bypass") != "None" for acl in blocks(body, "network_acls")):
            violations.append(f"azurerm_key_vault.{name} lets trusted Azure services through its firewall: nothing of ours reads it that way any more")
    return violations


def tokens_checked_per_app(config: Config) -> list[str]:
    """Who may call whom comes from one declaration, each app's app-roles.json: env/ gives every app, for every
    holder kind its roles name, the object ids of that kind (AUTH_<KIND>_OBJECT_IDS), its own application as the
    audience and the tenant; API Management's and the PatientTests app's ids are their own identities'. The same
    files are read by env/identity (the assignments in Entra) and the local stack."""
    violations = []
    files = {
        "patient_tests": os.path.join(REPO_DIR, "src", "PatientTestsApi", "src", "functions", "app-roles.json"),
        "audit": os.path.join(REPO_DIR, "src", "AuditApi", "src", "functions", "app-roles.json"),
    }
    declared_kinds = set()
    for app, path in files.items():
        with open(path, encoding="utf-8") as handle:
            roles = json.load(handle)["roles"]
        declared_kinds |= {kind for role in roles.values() for kind in role["holders"]}
        wanted = f'file("${{path.module}}/../src/{os.path.relpath(path, os.path.join(REPO_DIR, "src"))}")'
        if wanted not in str((config.locals.get("app_roles") or {}).get(app)):
            violations.append(f"local.app_roles.{app} is not read from {os.path.relpath(path, REPO_DIR)}")
    holders = config.locals.get("role_holders") or {}
    if set(holders) != declared_kinds:
        violations.append(f"local.role_holders names {sorted(holders)}, the declarations {sorted(declared_kinds)}")
    for kind, identity in (("api_management", "api_management"), ("patient_tests", "patient_tests")):
        if str(holders.get(kind)).replace('\\"', '"') not in (f'[\'${{local.identities["{identity}"].principal_id}}\']', f'${{[local.identities["{identity}"].principal_id]}}'):
            violations.append(f"local.role_holders.{kind} is not the {identity} identity's principal id: {holders.get(kind)!r}")
    token_settings = str(config.locals.get("token_settings")).replace('\\"', '"')
    for required in ("AUTH_TENANT_ID", "AUTH_APPLICATION_ID", "local.api_client_ids[app]", "local.entra.tenant_id", "AUTH_${upper(kind)}_OBJECT_IDS", "local.role_holders[kind]"):
        if required not in token_settings:
            violations.append(f"local.token_settings lacks {required}")
    if "local.token_settings[app]" not in str(config.locals.get("app_settings")):
        violations.append("the apps' settings (local.app_settings) do not include local.token_settings")
    if not config.of_type("terraform_data") or not any("local.entra.tenant_id == data.azurerm_client_config.current.tenant_id" in str(body) for _, body in config.of_type("terraform_data")):
        violations.append("nothing checks that the Entra applications belong to the subscription's tenant")
    return violations


def environment_files(config: Config) -> list[str]:
    """What CD applies comes from env/environments/*.tfvars: every name must be a declared variable (a typo
    would silently leave the default), and prod must be zone redundant as Microsoft recommends."""
    violations = []
    for path in sorted(glob.glob(os.path.join(config.directory, "environments", "*.tfvars"))):
        with open(path, encoding="utf-8") as handle:
            values = {name: entry[0] if isinstance(entry, list) and len(entry) == 1 else entry for name, entry in hcl2.load(handle).items()}
        name = os.path.basename(path)
        for unknown in sorted(set(values) - set(config.variables)):
            violations.append(f"{name} sets {unknown}, which env/ does not declare")
        if name == "prod.tfvars":
            if values.get("environment") != "prod":
                violations.append("prod.tfvars does not set environment = prod")
            sku = str(values.get("apim_sku", ""))
            units = int(sku.split("_")[1]) if re.fullmatch(r"Premium_\d+", sku) else 0
            if units < 3 or units % 3 != 0:
                violations.append(f"prod.tfvars: API Management {sku or '(default)'} is not Premium units in threes over three zones")
    if not glob.glob(os.path.join(config.directory, "environments", "prod.tfvars")):
        violations.append("env/environments/prod.tfvars, what CD applies, is missing")
    return violations


def no_rules_that_are_never_evaluated(config: Config) -> list[str]:
    """Defect: access restrictions behind a private endpoint with public access off, and a client certificate
    mode without client certificates, were documented as defences but never applied."""
    violations = []
    for name, body in config.of_type("azurerm_function_app_flex_consumption"):
        site = (blocks(body, "site_config") or [{}])[0]
        if value(body, "public_network_access_enabled") is False and (blocks(site, "ip_restriction") or blocks(site, "scm_ip_restriction")):
            violations.append(f"azurerm_function_app_flex_consumption.{name} has access restrictions no request is checked against (public access is off)")
        if "client_certificate_mode" in body and value(body, "client_certificate_enabled") is not True:
            violations.append(f"azurerm_function_app_flex_consumption.{name} sets client_certificate_mode without client certificates")
    return violations


def callers_named_by_the_gateway_only(config: Config) -> list[str]:
    """The audit register's actor comes from API Management: the policy deletes every caller header a client
    might send before it sets it, names the subscription from APIM's context, and the PatientTests app
    recognises the gateway by the identity whose token API Management sends."""
    violations = []
    for policy_file, inbound in policy_inbounds(config):
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
                violations.append(f"{policy_file} sets {name} without deleting what the client sent first")
            if action != "override":
                violations.append(f"{policy_file} sets {name} with exists-action {action}, not override")
            if name == "x-caller-subscription-id":
                seen_subscription = True
                values = [(element.text or "").strip() for element in step.findall("value")]
                if values != ["@(context.Subscription.Id)"]:
                    violations.append(f"{policy_file} does not take x-caller-subscription-id from the subscription: {values}")
        if not seen_subscription:
            violations.append(f"{policy_file} does not name the caller's subscription (x-caller-subscription-id)")
    # The app believes the headers only from the identity whose token the policy sends.
    gateway = str((config.locals.get("role_holders") or {}).get("api_management")).replace('\\"', '"')
    if 'local.identities["api_management"].principal_id' not in gateway:
        violations.append("the PatientTests app does not recognise API Management by the identity the policy's token is of")
    return violations


def policies_pass_untyped_bodies(config: Config) -> list[str]:
    """The PatientTests app reads JSON sent with no Content-Type, or as text/plain, because the 2020 sample's
    client sends its bodies as `text/plain; charset=utf-8` (src/shared/src/http/json-media-type.ts).
    validate-content with unspecified-content-type-action="prevent" would refuse, in API Management only,
    every body whose type the imported API definition does not list (none at all, or a variant of it): the
    local gateway does not apply that attribute, so no test but this one would see the 2020 client break."""
    violations = []
    for policy_file, inbound in policy_inbounds(config):
        checks = [] if inbound is None else inbound.findall("validate-content")
        if not checks:
            violations.append(f"{policy_file} has no validate-content: request bodies are not limited at the gateway")
        for check in checks:
            action = check.get("unspecified-content-type-action")
            if action != "ignore":
                violations.append(
                    f'{policy_file}: validate-content unspecified-content-type-action is {action!r}, not "ignore": '
                    "API Management would refuse bodies the app reads as JSON (the 2020 client's text/plain, bodies with no type)"
                )
    return violations


def host_keys_stay_with_their_host(config: Config) -> list[str]:
    """The host's own keys (master, default host key) cannot be switched off: whoever reads the app's storage
    (container azure-webjobs-secrets) or may list them through ARM holds them. env/ gives the former to the
    app's own identity only, which its host needs, and the latter to nobody."""
    violations = []
    for name, body in config.of_type("azurerm_role_assignment"):
        scope = str(value(body, "scope"))
        role = str(value(body, "role_definition_name"))
        principal = str(value(body, "principal_id"))
        if "azurerm_storage_account.functions" in scope:
            if scope != "${azurerm_storage_account.functions[each.value.app].id}" or principal != "${local.identities[each.value.app].principal_id}":
                violations.append(f"azurerm_role_assignment.{name} gives an identity other than the app's own a role on the app's storage (its host keys)")
        if role in {"Website Contributor", "Web Plan Contributor", "Storage Account Contributor", "Storage Account Key Operator Service Role"}:
            violations.append(f"azurerm_role_assignment.{name} grants {role}, which lists the host keys or the storage keys")
    return violations


CREDENTIAL_RESOURCES = (
    "azuread_application_password",
    "azuread_application_certificate",
    "azuread_application_federated_identity_credential",
    "azuread_service_principal_password",
    "azuread_service_principal_certificate",
)


def entra_applications(config: Config) -> list[str]:
    """The administrator's module (env/identity): two single-tenant applications that accept v2 tokens only, with
    the app roles the apps declare, that Entra issues tokens for only to principals assigned a role, and that
    nothing can sign in as (no password, certificate, federated credential, redirect or identifier URI). Its
    holder kinds are the declarations' and env/'s, and its output is exactly what env/ takes as `entra`."""
    violations = []
    identity = load(os.path.join(config.directory, "identity"))
    applications = identity.of_type("azuread_application")
    if not applications:
        violations.append("env/identity declares no azuread_application")
    for name, body in applications:
        if value(body, "sign_in_audience") != "AzureADMyOrg":
            violations.append(f"azuread_application.{name} is not single-tenant (sign_in_audience AzureADMyOrg)")
        apis = blocks(body, "api")
        if not apis or value(apis[0], "requested_access_token_version") != 2:
            violations.append(f"azuread_application.{name} does not ask for v2 access tokens (the issuer and audience the apps check)")
        for forbidden in ("password", "identifier_uris", "web", "single_page_application", "public_client", "required_resource_access"):
            if forbidden in body:
                violations.append(f"azuread_application.{name} has {forbidden}: something could sign in as it, or it asks for permissions")
        roles = [dynamic["app_role"] for dynamic in blocks(body, "dynamic") if isinstance(dynamic.get("app_role"), dict)]
        if not roles or value(roles[0], "for_each") != "${each.value.roles}":
            violations.append(f"azuread_application.{name} does not define its app roles from the apps' declarations")
        if value(body, "for_each") != "${local.apis}":
            violations.append(f"azuread_application.{name} is not one per API of local.apis")
    apis = identity.locals.get("apis") or {}
    for app, path in (("patient_tests", "PatientTestsApi"), ("audit", "AuditApi")):
        if f'file("${{path.module}}/../../src/{path}/src/functions/app-roles.json")' not in str(apis.get(app)):
            violations.append(f"env/identity's local.apis.{app} is not read from src/{path}/src/functions/app-roles.json")
    for kind in CREDENTIAL_RESOURCES:
        for name, _ in identity.of_type(kind):
            violations.append(f"{kind}.{name}: a credential of the applications")
    principals = identity.of_type("azuread_service_principal")
    if not principals:
        violations.append("env/identity declares no service principal for the applications")
    for name, body in principals:
        if value(body, "app_role_assignment_required") is not True:
            violations.append(f"azuread_service_principal.{name} lets Entra issue tokens to principals without a role (app_role_assignment_required)")
    assignments = identity.of_type("azuread_app_role_assignment")
    if not assignments or any(value(body, "for_each") != "${local.assignments}" for _, body in assignments):
        violations.append("env/identity's role assignments are not exactly local.assignments (the declarations' holders)")
    if set(identity.locals.get("holders") or {}) != set(config.locals.get("role_holders") or {}):
        violations.append(f"env/identity knows the holder kinds {sorted(identity.locals.get('holders') or {})}, env/ {sorted(config.locals.get('role_holders') or {})}")
    handed = set(re.findall(r"'([a-z_]+)':", str((identity.outputs.get("main_configuration") or {}).get("value"))))
    entra = config.variables.get("entra") or {}
    taken = set(re.findall(r"([a-z_]+)\s*=", str(entra.get("type")))) | set(re.findall(r"'([a-z_]+)'", str(entra.get("type"))))
    expected = {"tenant_id", "patient_tests_api_client_id", "audit_api_client_id", "auditor_object_ids", "direct_caller_object_ids", "release_probe_object_ids"}
    if handed != expected:
        violations.append(f"env/identity's main_configuration hands over {sorted(handed)}, not {sorted(expected)}")
    if not expected <= taken:
        violations.append(f"env/'s variable entra does not take {sorted(expected - taken)}")
    return violations


def key_vault_references_resolve_with_the_apps_identity(config: Config) -> list[str]:
    """Defects: the reference identity was set by azapi_update_resource, which GETs the whole Flex Consumption
    site and PUTs it back with siteConfig fields Flex refuses (ARM 51021); and it ran in parallel with the
    settings write, whose restart could resolve the references before the identity was set."""
    violations = []
    for kind, name, body in config.resources:
        if kind == "azapi_update_resource" and str(value(body, "type", "")).startswith("Microsoft.Web/sites@"):
            violations.append(f"{kind}.{name} PUTs the whole site back (a Flex Consumption site refuses echoed siteConfig fields): PATCH what changes")
    patches = [
        (name, body) for name, body in config.of_type("azapi_resource_action")
        if "keyVaultReferenceIdentity" in str(body.get("body"))
    ]
    if not patches:
        violations.append("nothing sets the apps' Key Vault reference identity: references would resolve with no identity")
    for name, body in patches:
        if value(body, "method") != "PATCH" or not str(value(body, "type", "")).startswith("Microsoft.Web/sites@"):
            violations.append(f"azapi_resource_action.{name} is not a PATCH of the site")
        sent = body.get("body", [{}])[0]
        properties = sent.get("properties", {})
        if set(properties) != {"keyVaultReferenceIdentity"} or set(sent) != {"properties"}:
            violations.append(f"azapi_resource_action.{name} sends more than keyVaultReferenceIdentity: {sorted(properties)}")
        if "local.identities[each.key].id" not in str(properties.get("keyVaultReferenceIdentity")):
            violations.append(f"azapi_resource_action.{name} does not name each app's own identity")
        triggers = str([block.get("replace_triggered_by") for block in blocks(body, "lifecycle")])
        if "azurerm_function_app_flex_consumption.main[each.key]" not in triggers:
            violations.append(f"azapi_resource_action.{name} does not run again after each change of the app (replace_triggered_by)")
        for writer, writes in config.of_type("azapi_resource_action"):
            if str(value(writes, "resource_id")).endswith("/config/appsettings") and f"azapi_resource_action.{name}" not in str(writes.get("depends_on")):
                violations.append(f"azapi_resource_action.{writer} writes the settings without waiting for azapi_resource_action.{name}: the restart may resolve references with no identity")
    return violations


# The products and APIs a new API Management service may come with.
API_MANAGEMENT_SAMPLES = {"products/starter", "products/unlimited", "apis/echo-api"}


def api_management_opens_no_door_of_its_own(config: Config) -> list[str]:
    """Defects: a public developer portal let anyone sign up, and a new service may come with the Starter and
    Unlimited products (open subscriptions) and the Echo API."""
    violations = []
    for name, body in config.of_type("azurerm_api_management"):
        sign_up = blocks(body, "sign_up")
        if not sign_up or value(sign_up[0], "enabled") is not False:
            violations.append(f"azurerm_api_management.{name} lets visitors of its developer portal sign up")
    removed = set()
    for name, body in config.of_type("azapi_resource_action"):
        if value(body, "method") != "DELETE":
            continue
        for sample in config.locals.get("apim_samples", {}).values() if "apim_samples" in str(body.get("for_each")) else []:
            removed.add(f"{sample.get('type')}/{sample.get('name')}")
        if value(body, "ignore_not_found") is not True:
            violations.append(f"azapi_resource_action.{name} fails where Azure made no sample (ignore_not_found)")
    for missing in sorted(API_MANAGEMENT_SAMPLES - removed):
        violations.append(f"API Management's sample {missing} is not removed")
    return violations


PLAN_ROLE = os.path.join("roles", "terraform-plan-reader.json")
REFRESH_EVIDENCE = os.path.join("roles", "refresh-list-actions.json")


def granted_by(patterns: list[str], action: str) -> bool:
    """Whether an Azure RBAC Actions list grants an action: case-insensitive, `*` matching any run of characters,
    so `*/read` grants every `.../read` and no `.../action`."""
    return any(re.fullmatch(re.escape(pattern).replace(r"\*", ".*"), action, re.IGNORECASE) for pattern in patterns)


def plan_role_covers_refresh(config: Config) -> list[str]:
    """Defect B1: the release plan (a refresh) stopped on a 403, because azurerm's Read of API Management calls
    two POST list actions that the plan identity's role did not grant (`*/read` covers no `/action`). The role is a
    file, env/roles/terraform-plan-reader.json. roles/refresh-list-actions.json records, for every resource and
    data source type in env/*.tf, the POST calls of its Read in the provider source. The role grants `*/read`
    and exactly the actions recorded there. A list action whose 403 the provider tolerates may stay ungranted
    only if env/ reads none of the attributes it fills, because otherwise the plan would depend on it. The
    README points at the file instead of keeping a second copy of the list."""
    violations = []
    try:
        with open(os.path.join(config.directory, PLAN_ROLE), encoding="utf-8") as handle:
            role = json.load(handle)
        with open(os.path.join(config.directory, REFRESH_EVIDENCE), encoding="utf-8") as handle:
            evidence = json.load(handle).get("resource_types") or {}
    except (OSError, ValueError) as error:
        return [f"the plan role or its evidence cannot be read: {error}"]
    tf_text = ""
    for path in sorted(glob.glob(os.path.join(config.directory, "*.tf"))):
        with open(path, encoding="utf-8") as handle:
            tf_text += handle.read() + "\n"
    code = "\n".join(line for line in tf_text.splitlines() if not line.lstrip().startswith(("#", "//")))

    # (a) every resource and data source type in env/*.tf has an entry
    used = sorted({match.group(2) for match in re.finditer(r'^(resource|data) "([a-z0-9_]+)"', tf_text, re.MULTILINE)})
    for kind in used:
        entry = evidence.get(kind)
        if not isinstance(entry, dict) or not isinstance(entry.get("actions"), list) or not entry.get("note"):
            violations.append(f"{kind} is used in env/*.tf but {REFRESH_EVIDENCE} has no entry (actions, note) for what its refresh calls")

    granted = [str(action) for action in role.get("Actions") or []]
    needed: set[str] = set()
    for kind, entry in evidence.items():
        if not isinstance(entry, dict):
            continue
        # (b) every action a refresh needs is in the role's Actions
        for call in entry.get("actions") or []:
            action = str(call.get("action", ""))
            needed.add(action.lower())
            if call.get("on_403") not in ("fatal", "tolerated") or not call.get("where") or not call.get("call"):
                violations.append(f"{REFRESH_EVIDENCE}: {kind} {action or '(no action)'} lacks its call, where or on_403 (fatal|tolerated)")
            if not action.endswith("/action") or not granted_by(granted, action):
                violations.append(f"the plan role does not grant {action}, which {kind}'s refresh calls ({call.get('where')}): the release plan stops with 403")
        # left out on purpose: tolerated, really not granted, and nothing in env/ reads what it would fill
        for call in entry.get("tolerated_not_granted") or []:
            action = str(call.get("action", ""))
            if call.get("on_403") != "tolerated" or not call.get("why_not_granted") or not call.get("fills"):
                violations.append(f"{REFRESH_EVIDENCE}: {kind} {action} is left out of the role without a tolerated 403, a reason and the attributes it fills")
            if granted_by(granted, action):
                violations.append(f"the plan role grants {action}, which {REFRESH_EVIDENCE} says it leaves out ({kind})")
            for attribute in call.get("fills") or []:
                if re.search(r"\." + re.escape(attribute) + r"\b", code):
                    violations.append(f"env/ reads .{attribute}, which {kind}'s refresh fills only with {action}: the plan role must grant it, or nothing may read it")

    # (c) nothing but */read and the recorded actions: no write, delete or wildcard beyond reading
    for action in granted:
        if action != "*/read" and action.lower() not in needed:
            violations.append(f"the plan role grants {action}, which {REFRESH_EVIDENCE} does not record as needed by any refresh of env/")
        if re.search(r"/(write|delete)$|\*", action, re.IGNORECASE) and action != "*/read":
            violations.append(f"the plan role may change things: {action}")
    for key in ("DataActions", "NotDataActions"):
        if role.get(key):
            violations.append(f"the plan role has {key}: data-plane reads come from data roles scoped to one resource (README)")
    scopes = role.get("AssignableScopes") or []
    if not scopes or any(not re.fullmatch(r"/subscriptions/<subscription-id>(/.*)?", str(scope)) for scope in scopes):
        violations.append(f"the plan role's AssignableScopes must be the placeholder /subscriptions/<subscription-id>, not {scopes}")

    # (d) the README creates the role from the file and keeps no second copy of its actions
    try:
        with open(os.path.join(config.directory, "README.md"), encoding="utf-8") as handle:
            readme = handle.read()
    except OSError:
        readme = ""
    for path in (PLAN_ROLE, REFRESH_EVIDENCE):
        if path.replace(os.sep, "/") not in readme:
            violations.append(f"env/README.md does not point at {path}")
    if "--role-definition @" not in readme or "--role-definition '{" in readme:
        violations.append("env/README.md does not create the plan role from its file (az role definition create --role-definition @…)")
    for action in granted:
        if action != "*/read" and action.lower() in readme.lower():
            violations.append(f"env/README.md repeats the plan role's action {action}: keep the list in {PLAN_ROLE} only")
    return violations


def granted_roles(config: Config) -> dict[str, str]:
    """The built-in roles env/ assigns, each with where: a literal role_definition_name, or the list a
    `for role in [...]` of the for_each local names."""
    roles = {}
    for name, body in config.of_type("azurerm_role_assignment"):
        role = str(value(body, "role_definition_name", ""))
        if "${" not in role:
            roles[role] = f"azurerm_role_assignment.{name}"
            continue
        source = re.search(r"local\.([a-z_]+)", str(body.get("for_each")))
        listed = []
        if source:
            for path in glob.glob(os.path.join(config.directory, "*.tf")):
                text = open(path, encoding="utf-8").read()
                found = re.search(source.group(1) + r"\s*=\s*merge\(\[.*?for role in \[([^\]]*)\]", text, re.DOTALL)
                if found:
                    listed = re.findall(r'"([^"]+)"', found.group(1))
        if not listed:
            roles[f"(unresolved: {role})"] = f"azurerm_role_assignment.{name}"
        for entry in listed:
            roles[entry] = f"azurerm_role_assignment.{name}"
    return roles


def deploy_identity_assigns_only_the_configurations_roles(config: Config) -> list[str]:
    """Defect: the deploy identity held User Access Administrator, which may grant Owner to anyone. Its role
    assignment condition (env/roles/deploy-assignment-condition.txt) allows exactly the roles env/ assigns, to
    service principals only, for writes and deletes alike; every assignment to an app identity says its type."""
    violations = []
    with open(os.path.join(config.directory, "roles", "built-in-role-ids.json"), encoding="utf-8") as handle:
        ids = json.load(handle)["roles"]
    with open(os.path.join(config.directory, "roles", "deploy-assignment-condition.txt"), encoding="utf-8") as handle:
        condition = handle.read()
    roles = granted_roles(config)
    wanted = set()
    for role, where in sorted(roles.items()):
        if role not in ids:
            violations.append(f"{where} assigns {role}, whose id env/roles/built-in-role-ids.json does not give")
        else:
            wanted.add(ids[role].lower())
    branches = re.findall(r"ActionMatches\{'Microsoft\.Authorization/roleAssignments/(write|delete)'\}\)\s*\)\s*OR\s*\((.*?)\n \)", condition, re.DOTALL)
    if {action for action, _ in branches} != {"write", "delete"}:
        violations.append("the deploy identity's condition does not constrain both writing and deleting role assignments")
    for action, branch in branches:
        allowed = {guid.lower() for guid in re.findall(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}", branch)}
        for extra in sorted(allowed - wanted):
            violations.append(f"the deploy identity may {action} assignments of role {extra}, which env/ never assigns")
        for missing in sorted(wanted - allowed):
            violations.append(f"the deploy identity may not {action} assignments of role {missing}, which env/ assigns: CD would fail")
        if not re.search(r"roleAssignments:PrincipalType\] ForAnyOfAnyValues:StringEqualsIgnoreCase \{'ServicePrincipal'\}", branch):
            violations.append(f"the deploy identity may {action} assignments for any kind of principal, not only service principals")
    for name, body in config.of_type("azurerm_role_assignment"):
        kind = value(body, "principal_type")
        if kind is None:
            violations.append(f"azurerm_role_assignment.{name} does not say what kind of principal it assigns to: the condition refuses what it cannot tell is a service principal")
        elif ("local.identities" in str(body.get("principal_id")) or "reader_principals" in str(body.get("principal_id"))) and kind != "ServicePrincipal":
            violations.append(f"azurerm_role_assignment.{name} does not say its principal is a service principal")
    return violations


CHECKS = {
    "public network access": public_network_access,
    "private endpoint DNS": private_endpoint_dns,
    "Key Vault RBAC": key_vault_rbac,
    "app settings": app_settings_hold_no_secrets,
    "role assignments": narrow_role_assignments,
    "database names": database_names,
    "subscription keys stay at the gateway": policies_strip_subscription_keys,
    "host storage through identity": host_storage_through_identity,
    "Key Vault references resolve with the app's identity": key_vault_references_resolve_with_the_apps_identity,
    "API Management opens no door of its own": api_management_opens_no_door_of_its_own,
    "the deploy identity assigns only the configuration's roles": deploy_identity_assigns_only_the_configurations_roles,
    "database credentials per app": database_credentials_per_app,
    "resource providers registered": resource_providers_registered,
    "roles propagate before use": roles_propagate_before_use,
    "no rules that are never evaluated": no_rules_that_are_never_evaluated,
    "API Management calls with its identity": api_management_calls_with_its_identity,
    "no shared keys between services": no_shared_keys_between_services,
    "tokens checked per app": tokens_checked_per_app,
    "Entra applications": entra_applications,
    "host keys stay with their host": host_keys_stay_with_their_host,
    "environment files": environment_files,
    "callers named by the gateway only": callers_named_by_the_gateway_only,
    "untyped and plain-text bodies pass the gateway": policies_pass_untyped_bodies,
    "plan role covers refresh": plan_role_covers_refresh,
}
