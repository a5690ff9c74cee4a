#!/usr/bin/env bash
# `bash scripts/verify-access.sh`: the release check of who may call what (scripts/verify-access.cjs), against
# the environment env/ deployed. Run it from inside the VNet (the deployment runner), logged in to the Azure CLI
# as the release probe: an identity env/identity gave the Release.Probe role (release_probe_object_ids), whose
# tokens are valid for both APIs and open nothing. Reads the apps' hosts, the gateway and the release check's
# subscription key from `terraform output` (or tofu: the CLI scripts/terraform-cli.sh finds, or $TF).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tf="$(bash "$root/scripts/terraform-cli.sh")"
output() { "$tf" -chdir="$root/env" output -raw "$1"; }
hosts="$("$tf" -chdir="$root/env" output -json function_app_hostnames)"
host() { node -e 'console.log(JSON.parse(process.argv[1])[process.argv[2]])' "$hosts" "$1"; }
applications="$("$tf" -chdir="$root/env" output -json api_application_ids)"
application() { node -e 'console.log(JSON.parse(process.argv[1])[process.argv[2]])' "$applications" "$1"; }
token() { az account get-access-token --resource "$1" --query accessToken -o tsv; }

PATIENT_TESTS_URL="https://$(host patient_tests)" \
AUDIT_URL="https://$(host audit)" \
GATEWAY_URL="$(output gateway_url)" \
SUBSCRIPTION_KEY="$(output release_check_subscription_key)" \
PATIENT_TESTS_PROBE_TOKEN="$(token "$(application patient_tests)")" \
AUDIT_PROBE_TOKEN="$(token "$(application audit)")" \
  exec node "$root/scripts/verify-access.cjs"
