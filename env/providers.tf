provider "azurerm" {
  subscription_id = var.subscription_id
  # Entra ID for the data plane of storage (shared keys are off on every account).
  storage_use_azuread = true

  # azurerm 5.x registers no resource provider unless told to (its default is "none"): a subscription that
  # never used one of these would fail on the first resource of that namespace. These are exactly the
  # namespaces env/ creates resources in or calls (Microsoft.App for the Flex Consumption subnet delegation;
  # Microsoft.AlertsManagement for the rule App Insights makes, deleted on destroy); an invariant keeps the
  # list in step with the resource types. Registering needs */register/action
  # (Contributor has it). The names are matched case-sensitively against what Resource Manager lists, which
  # spells one of them "microsoft.insights" (azurerm's own lists do too, internal/resourceproviders/required.go);
  # a name that matches nothing is skipped with only a warning.
  resource_provider_registrations = "none"
  resource_providers_to_register = [
    "Microsoft.AlertsManagement",
    "Microsoft.ApiManagement",
    "Microsoft.App",
    "Microsoft.DocumentDB",
    "microsoft.insights",
    "Microsoft.KeyVault",
    "Microsoft.ManagedIdentity",
    "Microsoft.Network",
    "Microsoft.OperationalInsights",
    "Microsoft.Storage",
    "Microsoft.Web",
  ]

  features {
    key_vault {
      # Purge protection is on: a destroyed vault stays recoverable for its retention period.
      purge_soft_delete_on_destroy    = false
      recover_soft_deleted_key_vaults = true
    }
    resource_group {
      prevent_deletion_if_contains_resources = true
    }
    # Not `application_insights { disable_generated_rule = true }`: its create waits, until the create timeout,
    # for the Failure Anomalies rule Azure makes asynchronously (application_insights_resource.go, Create;
    # hashicorp/terraform-provider-azurerm#18375, #18026: an hour, then "already exists"). What Azure makes is
    # removed on destroy instead (monitoring.tf).
  }
}

provider "azapi" {
  subscription_id = var.subscription_id
}
