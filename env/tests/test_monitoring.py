"""env/'s monitoring names only what Microsoft documents, every alert notifies the action group, and each check
fires on a copy broken on purpose."""
import json
import os
import re
import shutil

import pytest

import invariants
import monitoring_checks
import test_invariants


@pytest.fixture(scope="module")
def config():
    return invariants.load()


@pytest.fixture(scope="module")
def catalogue():
    return monitoring_checks.load_catalogue()


@pytest.mark.parametrize("check", monitoring_checks.CHECKS.keys())
def test_env_satisfies(config, catalogue, check):
    assert monitoring_checks.CHECKS[check](config, catalogue) == []


def test_every_catalogue_entry_cites_its_page(catalogue):
    sections = list(catalogue["metrics"].values()) + list(catalogue["log_categories"].values()) + list(catalogue["tables"].values())
    assert sections and all(section["source"].startswith("https://learn.microsoft.com/") and section["read_from"] for section in sections)


def test_the_queries_are_read_as_intended():
    """The parser the checks rely on: tables after union and in subqueries, string literals and interpolations
    ignored, computed lower_case names not taken for columns."""
    query = "union AppTraces, AppExceptions\n| where Message has \"A Key\" and AppRoleName in (${local.roles})\n| join (AppRequests | project OperationId) on OperationId\n| summarize occurrences = count()"
    assert monitoring_checks.kql_tables(query) == ["AppTraces", "AppExceptions", "AppRequests"]
    assert monitoring_checks.kql_columns(query) == {"Message", "AppRoleName", "OperationId"}


def broken_copy(tmp_path, file_name, old, new):
    """test_invariants' broken copy, with the workbook the checks read too."""
    shutil.copytree(os.path.join(invariants.ENV_DIR, "workbooks"), tmp_path / "workbooks")
    return test_invariants.broken_copy(tmp_path, file_name, old, new)


ACTION = r"  action \{\n    action_group_id = azurerm_monitor_action_group\.operations\.id\n  \}\n"
BREAKAGES = [
    ("metric alerts name catalogued metrics", "alerts.tf", r'metric_name      = "HealthCheckStatus"', 'metric_name      = "HealthStatus"'),
    ("metric alerts name catalogued metrics", "alerts.tf", r'name     = "GatewayResponseCodeCategory"', 'name     = "ResponseCodeCategory"'),
    ("metric alerts name catalogued metrics", "alerts.tf", r'metric_namespace = "Microsoft.KeyVault/vaults"\n    metric_name      = "Availability"', 'metric_namespace = "Microsoft.Web/sites"\n    metric_name      = "Availability"'),
    ("log alerts name catalogued tables and columns", "alerts.tf", r"ApiManagementGatewayLogs\n", "APIMGatewayLogs\n"),
    ("log alerts name catalogued tables and columns", "alerts.tf", r"percentile\(TotalTime, 95\)", "percentile(DurationMs, 95)"),
    ("log alerts name catalogued tables and columns", "alerts.tf", r"union AppTraces, AppExceptions", "union AppTraces, AppException"),
    ("log alerts name catalogued tables and columns", "alerts.tf", r'metric_measure_column   = "refused"', 'metric_measure_column   = "refusals"'),
    ("diagnostic settings name catalogued categories", "monitoring.tf", r'categories = \["MongoRequests"\]', 'categories = ["MongoDBRequests"]'),
    ("diagnostic settings name catalogued categories", "monitoring.tf", r'table = "AZKVAuditLogs"', 'table = "AzureDiagnostics"'),
    ("diagnostic settings name catalogued categories", "monitoring.tf", r'log_analytics_destination_type = "Dedicated"', 'log_analytics_destination_type = "AzureDiagnostics"'),
    ("diagnostic settings name catalogued categories", "functions.tf", r'category = "StorageDelete"', 'category = "StorageDeletes"'),
    ("every alert notifies the action group", "alerts.tf", ACTION, ""),
    ("every alert notifies the action group", "alerts.tf", r"action_groups = \[azurerm_monitor_action_group\.operations\.id\]", "action_groups = []"),
    ("every alert notifies the action group", "alerts.tf", r"for_each = var\.alert_email_receivers", "for_each = []"),
    ("the workbook parses and names catalogued tables", "workbooks/operations.json", r'"CDBMongoRequests\\n\| where ErrorCode', r'"CDBMongoRequest\\n| where ErrorCode'),
    ("the workbook parses and names catalogued tables", "workbooks/operations.json", r"percentile\(BackendTime, 95\)", "percentile(BackendDuration, 95)"),
    ("the workbook parses and names catalogued tables", "workbooks/operations.json", r'"version": "Notebook/1.0",', '"version": "Notebook/1.0",,'),
    ("the workbook parses and names catalogued tables", "monitoring.tf", r'\n    patient_tests_roles = local\.telemetry_role_list\["patient_tests"\]', ""),
    ("the Key Vault reference alert matches the code", "alerts.tf", r'has "holds a Key Vault reference that was not resolved"', 'has "Key Vault reference could not be resolved"'),
]


@pytest.mark.parametrize("check,file_name,old,new", BREAKAGES, ids=[f"{b[0]}: {b[1]}" for b in BREAKAGES])
def test_check_fires_on_a_broken_copy(tmp_path, catalogue, check, file_name, old, new):
    broken = invariants.load(str(broken_copy(tmp_path, file_name, old, new)))
    assert monitoring_checks.CHECKS[check](broken, catalogue) != []


def test_the_runbook_queries_name_catalogued_tables_and_columns(catalogue):
    """docs/operations.md tells whoever is on call what to run: its queries must run too."""
    with open(os.path.join(invariants.REPO_DIR, "docs", "operations.md"), encoding="utf-8") as handle:
        queries = re.findall(r"```kusto\n(.*?)```", handle.read(), re.DOTALL)
    assert len(queries) >= 8
    assert [violation for query in queries for violation in monitoring_checks.query_violations("docs/operations.md", query, catalogue)] == []


def test_the_workbook_is_json_before_terraform_fills_it_in():
    with open(os.path.join(invariants.ENV_DIR, "workbooks", "operations.json"), encoding="utf-8") as handle:
        assert json.load(handle)["version"] == "Notebook/1.0"
