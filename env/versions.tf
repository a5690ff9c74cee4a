terraform {
  # OpenTofu 1.8+ or Terraform 1.9+ (cross-variable validation).
  required_version = ">= 1.9.0"

  required_providers {
    azurerm = {
      source = "hashicorp/azurerm"
      # 5.x (GA July 2026): `tofu validate` against the provider showed that some resources have no
      # argument set common to 4.x and 5.x (azurerm_private_dns_zone_virtual_network_link takes
      # private_dns_zone_id only in 5.x), so the floor is 5.0. See env/README.md.
      version = ">= 5.0.0, < 6.0.0"
    }
    azapi = {
      source = "Azure/azapi"
      # Only for what azurerm lacks: the app settings rewrite, the Key Vault reference identity (a PATCH),
      # removing API Management's samples (ignore_not_found: 2.9.0).
      version = ">= 2.9.0, < 3.0.0"
    }
    random = {
      source  = "hashicorp/random"
      version = ">= 3.6.0, < 4.0.0"
    }
    time = {
      source = "hashicorp/time"
      # time_sleep: waits for role assignments to reach the data planes (keyvault.tf, functions.tf).
      version = ">= 0.12.0, < 1.0.0"
    }
  }

  # Remote state is configured at init time, never here (env/README.md, "State"):
  #   terraform init -backend-config=backend.hcl
  # with backend.hcl naming an azurerm backend (storage account with Entra ID auth, no access keys).
}
