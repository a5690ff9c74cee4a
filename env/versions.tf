terraform {
  # OpenTofu 1.8+ or Terraform 1.9+ (cross-variable validation).
  required_version = ">= 1.9.0"

  required_providers {
    azurerm = {
      source = "hashicorp/azurerm"
      # A current 4.x floor; only argument names that 5.x keeps are used (e.g. rbac_authorization_enabled).
      version = ">= 4.45.0, < 6.0.0"
    }
    azapi = {
      source = "Azure/azapi"
      # Only for what azurerm has no resource for: function keys with values we choose.
      version = ">= 2.4.0, < 3.0.0"
    }
    random = {
      source  = "hashicorp/random"
      version = ">= 3.6.0, < 4.0.0"
    }
  }

  # Remote state is configured at init time, never here (see README.md, "State"):
  #   terraform init -backend-config=backend.hcl
  # with backend.hcl naming an azurerm backend (storage account with Entra ID auth, no access keys).
}
