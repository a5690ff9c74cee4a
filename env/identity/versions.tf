terraform {
  # OpenTofu 1.8+ or Terraform 1.9+, as env/.
  required_version = ">= 1.9.0"

  required_providers {
    azuread = {
      source = "hashicorp/azuread"
      # 3.x: azuread_application's client_id (2.x called it application_id).
      version = ">= 3.0.0, < 4.0.0"
    }
  }

  # State holds no secret here (no passwords, no certificates), only ids; keep it remote all the same, beside
  # env/'s, with its own key (README.md, "Before the first deployment").
}

provider "azuread" {
  tenant_id = var.tenant_id
}
