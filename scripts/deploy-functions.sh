#!/usr/bin/env bash
# `bash scripts/deploy-functions.sh`: deploys both function apps to the environment env/ created, from
# packages built by scripts/package-functions.sh. Needs the Azure CLI, logged in (`az login`, or OIDC in
# a workflow), on a machine that can reach the apps' deployment endpoints (inside the VNet, or an address
# in deployment_ip_ranges). Reads names from `tofu output` (or terraform, TF=terraform).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tf="${TF:-$root/.local/bin/tofu}"
packages="$root/.local/packages"
bash "$root/scripts/package-functions.sh" "$packages"

group="$("$tf" -chdir="$root/env" output -raw resource_group_name)"
names="$("$tf" -chdir="$root/env" output -json function_app_names)"
for pair in "patient_tests:PatientTestsApi" "audit:AuditApi"; do
  key="${pair%%:*}"
  app="${pair##*:}"
  name="$(node -e 'console.log(JSON.parse(process.argv[1])[process.argv[2]])' "$names" "$key")"
  echo "Deploying $app to $name..."
  # Flex Consumption takes a zip through the one-deploy endpoint; the app keeps running the previous
  # package until the new one is in place.
  az functionapp deployment source config-zip --resource-group "$group" --name "$name" --src "$packages/$app.zip"
done
