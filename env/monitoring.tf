resource "azurerm_log_analytics_workspace" "main" {
  name                = "log-${local.resource_prefix}"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  sku                 = "PerGB2018"
  retention_in_days   = 90
  tags                = local.tags
}

# Workspace-based: requests, dependencies and traces land in AppRequests, AppDependencies, AppTraces
# (docs/distributed_telemetry.md has the queries).
resource "azurerm_application_insights" "main" {
  name                = "appi-${local.resource_prefix}"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  workspace_id        = azurerm_log_analytics_workspace.main.id
  application_type    = "Node.JS"
  # Telemetry is sent with the connection string; nothing else about the resource needs a key.
  local_authentication_enabled = true
  tags                         = local.tags

  # Destroyed after what Azure makes for it is removed (below): Terraform destroys in reverse order.
  depends_on = [azapi_resource_action.remove_generated_by_app_insights]
}

# Application Insights makes two resources of its own in the resource group, asynchronously (up to an hour
# after the component): a "Failure Anomalies - <component>" smart detector rule and the "Application Insights
# Smart Detection" action group it notifies. Terraform does not manage them, so the resource group would refuse
# deletion (prevent_deletion_if_contains_resources), and deleting them while the component exists only makes
# Azure create them again (application_insights_resource.go says so). So they are deleted on destroy, after
# the component: it depends on these actions, so Terraform destroys them, and runs the DELETEs, once it is
# gone. Absent ones are fine (ignore_not_found). Nothing happens on apply; while the component lives, the rule
# notifies the action group, which e-mails the subscription's Monitoring Contributor and Reader role holders.
locals {
  generated_by_app_insights = {
    failure_anomalies = { type = "Microsoft.AlertsManagement/smartDetectorAlertRules@2021-04-01", path = "microsoft.alertsManagement/smartDetectorAlertRules/Failure Anomalies - appi-${local.resource_prefix}" }
    smart_detection   = { type = "Microsoft.Insights/actionGroups@2023-01-01", path = "microsoft.insights/actionGroups/Application Insights Smart Detection" }
  }
}

resource "azapi_resource_action" "remove_generated_by_app_insights" {
  for_each         = local.generated_by_app_insights
  type             = each.value.type
  resource_id      = "${azurerm_resource_group.main.id}/providers/${each.value.path}"
  method           = "DELETE"
  when             = "destroy"
  ignore_not_found = true
}

# Data-plane audit logs (S5), each into its resource-specific table of the workspace (Dedicated: typed columns
# instead of AzureDiagnostics' shared one): who read which secret, which database user ran which command, every
# call at the gateway. The monitoring catalogue (tests/monitoring_catalogue.json) says where each name is
# documented, and a check keeps category and table in step with it.
locals {
  audit_log_sources = {
    # Caller identity, operation (SecretGet), result and client address for every request to the vault.
    key_vault = { target = azurerm_key_vault.main.id, categories = ["AuditEvent"], table = "AZKVAuditLogs" }
    # Every MongoDB command, with its database user (UserId: the per-app user of cosmos.tf), collection,
    # result, RU charge and throttling. The command text (PIICommandText) is logged only if full-text query
    # logging is switched on, which it is not: it would hold patient data.
    cosmos = { target = azurerm_cosmosdb_account.main.id, categories = ["MongoRequests"], table = "CDBMongoRequests" }
    # Every request through the only public entry: subscription, operation, status, timings. Bodies and headers
    # are not logged: nothing here asks API Management for them.
    api_management = { target = azurerm_api_management.main.id, categories = ["GatewayLogs"], table = "ApiManagementGatewayLogs" }
  }
}

resource "azurerm_monitor_diagnostic_setting" "audit_logs" {
  for_each                       = local.audit_log_sources
  name                           = "audit-logs"
  target_resource_id             = each.value.target
  log_analytics_workspace_id     = azurerm_log_analytics_workspace.main.id
  log_analytics_destination_type = "Dedicated"

  dynamic "enabled_log" {
    for_each = each.value.categories
    content {
      category = enabled_log.value
    }
  }
}

# How long the audit tables are kept: searchable for the workspace's 90 days, then in long-term retention
# (cheaper; read back with a search job or a restore) up to var.audit_log_retention_days in all. The workspace's
# other tables (App Insights, storage logs) keep its 90 days. Setting retention_in_days to the workspace's own
# value keeps the plan quiet: azurerm reads the table's effective value back and would otherwise show a change.
resource "azurerm_log_analytics_workspace_table" "audit_logs" {
  for_each                = local.audit_log_sources
  workspace_id            = azurerm_log_analytics_workspace.main.id
  name                    = each.value.table
  plan                    = "Analytics"
  retention_in_days       = azurerm_log_analytics_workspace.main.retention_in_days
  total_retention_in_days = var.audit_log_retention_days
}

# One operation across API Management, PatientTests and Audit, the audit refusals, Cosmos DB throttling and
# latency side by side (docs/operations.md, "The operations workbook"). Its queries read the workspace.
resource "azurerm_application_insights_workbook" "operations" {
  # A workbook's name must be a GUID: derived from the environment, so it stays the same on every plan.
  name                = uuidv5("url", "https://patient-tests.example/${local.resource_prefix}/workbooks/operations")
  resource_group_name = azurerm_resource_group.main.name
  location            = azurerm_resource_group.main.location
  display_name        = "PatientTests operations (${local.resource_prefix})"
  source_id           = lower(azurerm_log_analytics_workspace.main.id)
  data_json = templatefile("${path.module}/workbooks/operations.json", {
    workspace_id        = azurerm_log_analytics_workspace.main.id
    patient_tests_roles = local.telemetry_role_list["patient_tests"]
  })
  tags = local.tags
}
