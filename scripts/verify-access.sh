#!/usr/bin/env bash
# `bash scripts/verify-access.sh`: the release check of who may call what (scripts/verify-access.cjs), against
# the environment env/ deployed. Run it from inside the VNet (the deployment runner), logged in to the Azure CLI
# as the release probe: an identity env/identity gave the Release.Probe role (release_probe_object_ids), whose
# tokens are valid for both APIs and open nothing. Reads the apps' hosts, the gateway and the release check's
# subscription key from `terraform output` (or tofu: the CLI scripts/terraform-cli.sh finds, or $TF). Also lists
# API Management's products and APIs (Reader on the service is enough) so that the check fails on any this
# configuration did not make: the samples a new service may come with, or one added by hand. So the identity
# needs Reader on API Management too (CD's deploy identity has it).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tf="$(bash "$root/scripts/terraform-cli.sh")"
output() { "$tf" -chdir="$root/env" output -raw "$1"; }
hosts="$("$tf" -chdir="$root/env" output -json function_app_hostnames)"
host() { node -e 'console.log(JSON.parse(process.argv[1])[process.argv[2]])' "$hosts" "$1"; }
applications="$("$tf" -chdir="$root/env" output -json api_application_ids)"
application() { node -e 'console.log(JSON.parse(process.argv[1])[process.argv[2]])' "$applications" "$1"; }
token() { az account get-access-token --resource "$1" --query accessToken -o tsv; }
apim="$("$tf" -chdir="$root/env" output -json api_management)"
apim_name="$(node -e 'console.log(JSON.parse(process.argv[1]).name)' "$apim")"
group="$(output resource_group_name)"
# Separate commands, so that a refused listing stops the check with its reason instead of passing an empty list.
products="$(az apim product list -g "$group" -n "$apim_name" --query '[].name' -o json)" ||
  { echo "verify-access: cannot list API Management's products: the identity running the check needs Reader on $apim_name" >&2; exit 1; }
apis="$(az apim api list -g "$group" -n "$apim_name" --query '[].name' -o json)" ||
  { echo "verify-access: cannot list API Management's APIs: the identity running the check needs Reader on $apim_name" >&2; exit 1; }

PATIENT_TESTS_URL="https://$(host patient_tests)" \
AUDIT_URL="https://$(host audit)" \
GATEWAY_URL="$(output gateway_url)" \
SUBSCRIPTION_KEY="$(output release_check_subscription_key)" \
PATIENT_TESTS_PROBE_TOKEN="$(token "$(application patient_tests)")" \
AUDIT_PROBE_TOKEN="$(token "$(application audit)")" \
EXPECTED_API_MANAGEMENT="$apim" \
API_MANAGEMENT_PRODUCTS="$products" \
API_MANAGEMENT_APIS="$apis" \
  exec node "$root/scripts/verify-access.cjs"
