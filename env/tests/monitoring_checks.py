"""The names env/'s monitoring uses exist: every metric, dimension, log category, table and column is one that
Microsoft documents (tests/monitoring_catalogue.json, each entry citing its page), and every alert tells the
action group. Read from the HCL and the workbook's JSON; no cloud, no provider.

A misspelt metric or column does not fail an apply: Azure accepts a log query it cannot validate yet
(skip_query_validation) and a workbook's JSON as text, and the alert or chart then silently shows nothing.
"""
from __future__ import annotations

import json
import os
import re

from invariants import REPO_DIR, Config, blocks, value

CATALOGUE_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "monitoring_catalogue.json")
ACTION_GROUP = "${azurerm_monitor_action_group.operations.id}"
# The message the apps stop with on an unresolved Key Vault reference; the alert searches for it.
KEY_VAULT_REFERENCE_SOURCE = os.path.join(REPO_DIR, "src", "shared", "src", "config", "decode-environment.ts")
IDENTIFIER = r"[A-Za-z_][A-Za-z0-9_]*"


def load_catalogue() -> dict:
    with open(CATALOGUE_PATH, encoding="utf-8") as handle:
        return json.load(handle)


def _plain_kql(query: str) -> str:
    """The query without Terraform or template interpolations and without string literals (a value, never a name)."""
    query = re.sub(r"\$\{[^}]*\}", "''", query)
    return re.sub(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"", "''", query)


def kql_tables(query: str) -> list[str]:
    """Tables a query reads: its first word, the names after `union`, and the first word of every `( … |` subquery."""
    plain = _plain_kql(query)
    tables = []
    first = re.match(rf"\s*({IDENTIFIER})\s*(\||$)", plain)
    if first:
        tables.append(first.group(1))
    for union in re.finditer(rf"\bunion\b(?:\s+kind\s*=\s*\w+)?\s+({IDENTIFIER}(?:\s*,\s*{IDENTIFIER})*)", plain):
        tables += re.split(r"\s*,\s*", union.group(1))
    tables += re.findall(rf"\(\s*({IDENTIFIER})\s*\|", plain)
    return tables


def kql_columns(query: str) -> set[str]:
    """Columns a query names. By convention the queries here name what they compute in lower_case, so every
    CamelCase word that is not a table is a column of one of the tables."""
    plain = _plain_kql(query)
    return set(re.findall(r"\b[A-Z][A-Za-z0-9_]*\b", plain)) - set(kql_tables(query))


def query_violations(where: str, query: str, catalogue: dict) -> list[str]:
    tables = catalogue["tables"]
    found = kql_tables(query)
    if not found:
        return [f"{where}: names no table"]
    violations = [f"{where}: table {table} is not in the catalogue" for table in found if table not in tables]
    known = {column for table in found if table in tables for column in tables[table]["columns"]}
    violations += [f"{where}: column {column} is in none of {found}" for column in sorted(kql_columns(query) - known)]
    return violations


def _resource_type(reference: str, catalogue: dict) -> str | None:
    match = re.match(r"\$\{(azurerm_[a-z_]+)\.", reference)
    return catalogue["ours"]["terraform_resource_types"].get(match.group(1)) if match else None


def metric_alerts_catalogued(config: Config, catalogue: dict) -> list[str]:
    violations = []
    for name, body in config.of_type("azurerm_monitor_metric_alert"):
        scopes = value(body, "scopes") or []
        namespaces = {_resource_type(str(scope), catalogue) for scope in scopes}
        for criteria in blocks(body, "criteria") + blocks(body, "dynamic_criteria"):
            namespace = value(criteria, "metric_namespace")
            metric = value(criteria, "metric_name")
            if namespaces != {namespace}:
                violations.append(f"azurerm_monitor_metric_alert.{name}: metric namespace {namespace} is not the type of its scope {sorted(map(str, namespaces))}")
            metrics = catalogue["metrics"].get(namespace, {}).get("metrics", {})
            if metric not in metrics:
                violations.append(f"azurerm_monitor_metric_alert.{name}: {namespace} {metric} is not in the catalogue")
                continue
            for dimension in blocks(criteria, "dimension"):
                if value(dimension, "name") not in metrics[metric]:
                    violations.append(f"azurerm_monitor_metric_alert.{name}: {metric} has no dimension {value(dimension, 'name')}")
    return violations


def log_alerts_catalogued(config: Config, catalogue: dict) -> list[str]:
    violations = []
    for name, body in config.of_type("azurerm_monitor_scheduled_query_rules_alert_v2"):
        for criteria in blocks(body, "criteria"):
            query = str(value(criteria, "query"))
            where = f"azurerm_monitor_scheduled_query_rules_alert_v2.{name}"
            violations += query_violations(where, query, catalogue)
            measure = value(criteria, "metric_measure_column")
            if measure and not re.search(rf"\b{re.escape(measure)}\s*=", _plain_kql(query)):
                violations.append(f"{where}: the query computes no column {measure} (metric_measure_column)")
    return violations


def _diagnostic_targets(config: Config, body: dict) -> list[tuple[str, list[str], str | None, list[str]]]:
    """(target, categories, the table its entry names, the services a `for service in [...]` names) for each
    setting a resource makes, read through the local its for_each iterates."""
    target = str(value(body, "target_resource_id"))
    categories = [value(log, "category") for log in blocks(body, "enabled_log")]
    source = re.fullmatch(r"\$\{local\.([a-z_]+)\}", str(value(body, "for_each")))
    entries = config.locals.get(source.group(1)) if source else None
    services = re.search(r"for service in \[([^\]]*)\]", str(entries))
    services = re.findall(r"'([a-z]+)'", services.group(1)) if services else []
    if target == "${each.value.target}" and isinstance(entries, dict):
        return [(entry["target"], categories or entry.get("categories", []), entry.get("table"), services) for entry in entries.values()]
    return [(target, categories, None, services)]


def _namespaces_of(target: str, services: list[str], catalogue: dict) -> list[str]:
    match = re.fullmatch(r"(\$\{azurerm_[a-z_]+\.[a-z_]+(?:\[[^\]]*\])?\.id\})(?:/(\$\{each\.value\.service\}|[a-z]+)Services/default)?", target)
    base = _resource_type(match.group(1), catalogue) if match else None
    if not base or not match.group(2):
        return [base] if base else []
    names = services if match.group(2).startswith("${") else [match.group(2)]
    return [f"{base}/{service}Services" for service in names]


def diagnostic_categories_catalogued(config: Config, catalogue: dict) -> list[str]:
    violations = []
    for name, body in config.of_type("azurerm_monitor_diagnostic_setting"):
        for target, categories, table, services in _diagnostic_targets(config, body):
            namespaces = _namespaces_of(target, services, catalogue)
            if not namespaces:
                violations.append(f"azurerm_monitor_diagnostic_setting.{name}: cannot tell the resource type of {target}")
            for namespace in namespaces:
                known = catalogue["log_categories"].get(namespace, {}).get("categories", {})
                for category in categories:
                    if category not in known:
                        violations.append(f"azurerm_monitor_diagnostic_setting.{name}: {namespace} has no log category {category}")
                    elif table and known[category] != table:
                        violations.append(f"azurerm_monitor_diagnostic_setting.{name}: {namespace} {category} lands in {known[category]}, not {table}")
            if table and value(body, "log_analytics_destination_type") != "Dedicated":
                violations.append(f"azurerm_monitor_diagnostic_setting.{name}: names the table {table} but does not write resource-specific tables (Dedicated)")
    return violations


def alerts_notify_the_action_group(config: Config, catalogue: dict) -> list[str]:
    violations = []
    for name, body in config.of_type("azurerm_monitor_metric_alert"):
        if ACTION_GROUP not in [value(action, "action_group_id") for action in blocks(body, "action")]:
            violations.append(f"azurerm_monitor_metric_alert.{name} does not notify the action group")
    for name, body in config.of_type("azurerm_monitor_scheduled_query_rules_alert_v2"):
        if not any(ACTION_GROUP in (value(action, "action_groups") or []) for action in blocks(body, "action")):
            violations.append(f"azurerm_monitor_scheduled_query_rules_alert_v2.{name} does not notify the action group")
    groups = config.of_type("azurerm_monitor_action_group")
    receivers = [dynamic["email_receiver"] for _, group in groups for dynamic in blocks(group, "dynamic") if "email_receiver" in dynamic]
    if len(groups) != 1 or [value(receiver, "for_each") for receiver in receivers] != ["${var.alert_email_receivers}"]:
        violations.append("the alerts' one action group must e-mail var.alert_email_receivers")
    return violations


def workbook_queries_catalogued(config: Config, catalogue: dict) -> list[str]:
    violations = []
    for name, body in config.of_type("azurerm_application_insights_workbook"):
        data = str(value(body, "data_json"))
        match = re.search(r'templatefile\(\\?"\$\{path\.module\}/([^"\\]+)\\?",\s*\{(.*)\}\)', data)
        if not match:
            violations.append(f"azurerm_application_insights_workbook.{name}: data_json is not a templatefile() of a file under env/")
            continue
        with open(os.path.join(config.directory, match.group(1)), encoding="utf-8") as handle:
            text = handle.read()
        passed = set(re.findall(r"'([a-z_]+)':", match.group(2)))
        used = set(re.findall(r"\$\{([a-z_]+)\}", text))
        if used != passed:
            violations.append(f"{match.group(1)} uses the template variables {sorted(used)}, Terraform passes {sorted(passed)}")
        try:
            workbook = json.loads(text)
        except json.JSONDecodeError as error:
            violations.append(f"{match.group(1)} is not JSON: {error}")
            continue
        queries = [(item.get("name"), item["content"]["query"]) for item in workbook.get("items", []) if "query" in item.get("content", {})]
        if not queries:
            violations.append(f"{match.group(1)} has no queries")
        for item, query in queries:
            violations += query_violations(f"{match.group(1)} item {item}", query, catalogue)
    return violations


def key_vault_reference_alert_matches_the_code(config: Config, catalogue: dict) -> list[str]:
    with open(KEY_VAULT_REFERENCE_SOURCE, encoding="utf-8") as handle:
        source = handle.read()
    alerts = dict(config.of_type("azurerm_monitor_scheduled_query_rules_alert_v2"))
    queries = [str(value(criteria, "query")) for criteria in blocks(alerts.get("unresolved_key_vault_references", {}), "criteria")]
    phrases = [phrase for query in queries for phrase in re.findall(r'has "([^"]+)"', query)]
    if not phrases:
        return ["no alert searches the apps' logs for an unresolved Key Vault reference"]
    return [f"the apps never log {phrase!r} (src/shared/src/config/decode-environment.ts)" for phrase in phrases if phrase not in source]


CHECKS = {
    "metric alerts name catalogued metrics": metric_alerts_catalogued,
    "log alerts name catalogued tables and columns": log_alerts_catalogued,
    "diagnostic settings name catalogued categories": diagnostic_categories_catalogued,
    "every alert notifies the action group": alerts_notify_the_action_group,
    "the workbook parses and names catalogued tables": workbook_queries_catalogued,
    "the Key Vault reference alert matches the code": key_vault_reference_alert_matches_the_code,
}
