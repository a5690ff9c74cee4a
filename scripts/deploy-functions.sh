#!/usr/bin/env bash
# `bash scripts/deploy-functions.sh [packages-dir]`: deploys both function apps to the environment env/
# created. With a folder, it deploys the zips in it (CI's tested artifact); without one, it packages them
# first (scripts/package-functions.sh). Needs the Azure CLI, logged in (`az login`, or OIDC in a workflow),
# on a machine that reaches the apps' deployment (SCM) endpoints through their private endpoints: the
# deployment runner's subnet or a network peered to it (env/README.md, "First deployment").
# Reads the app names from `terraform output` (or tofu: the CLI scripts/terraform-cli.sh finds, or $TF).
# Each deployment is bounded (DEPLOY_TIMEOUT_SECONDS, default 900): after the upload the Azure CLI waits for
# the host to report healthy in a loop that never counts its tries (azure-cli appservice/custom.py,
# check_flex_app_after_deployment), so an app that never becomes healthy would hold the release for hours.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tf="$(bash "$root/scripts/terraform-cli.sh")"
packages="${1:-}"
deploy_timeout="${DEPLOY_TIMEOUT_SECONDS:-900}"
if [ -z "$packages" ]; then
  packages="$root/.local/packages"
  bash "$root/scripts/package-functions.sh" "$packages"
fi
for app in AuditApi PatientTestsApi; do
  [ -f "$packages/$app.zip" ] || { echo "$packages/$app.zip is missing" >&2; exit 1; }
done

group="$("$tf" -chdir="$root/env" output -raw resource_group_name)"
names="$("$tf" -chdir="$root/env" output -json function_app_names)"
for pair in "audit:AuditApi" "patient_tests:PatientTestsApi"; do
  key="${pair%%:*}"
  app="${pair##*:}"
  name="$(node -e 'console.log(JSON.parse(process.argv[1])[process.argv[2]])' "$names" "$key")"
  echo "Deploying $app to $name..."
  # Flex Consumption takes a zip through the one-deploy endpoint of its SCM site; the app keeps running the
  # previous package until the new one is in place. The Audit API goes first: PatientTests calls it.
  if ! timeout "$deploy_timeout" az functionapp deployment source config-zip --resource-group "$group" --name "$name" --src "$packages/$app.zip"; then
    echo "Deploying $app to $name failed or did not finish within ${deploy_timeout}s: see the app's deployment log (az functionapp log deployment show -g $group -n $name) and docs/operations.md" >&2
    exit 1
  fi
done
