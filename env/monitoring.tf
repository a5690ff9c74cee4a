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
}
