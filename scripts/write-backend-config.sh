#!/usr/bin/env bash
# `bash scripts/write-backend-config.sh <resource-group> <storage-account> <environment>`: points env/ at
# remote state in an Azure storage account with Entra ID auth (no access keys), for CI and for people.
# Writes env/backend.hcl and env/backend.tf, both ignored by git (env/README.md, "State").
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
[ "$#" -eq 3 ] || { echo "usage: $0 <resource-group> <storage-account> <environment>" >&2; exit 2; }
cat > "$root/env/backend.hcl" <<HCL
resource_group_name  = "$1"
storage_account_name = "$2"
container_name       = "tfstate"
key                  = "patient-tests/$3.tfstate"
use_azuread_auth     = true
HCL
printf 'terraform {\n  backend "azurerm" {}\n}\n' > "$root/env/backend.tf"
