#!/usr/bin/env bash
# The checks of env/ that run without a cloud: formatting (OpenTofu), checkov (zero failed checks; each
# skip is justified beside its resource), and the security invariants read from the HCL (pytest).
# `tofu validate` and `tofu test` (mocked providers) run too when a local provider mirror exists
# (scripts/build-provider-mirror.sh).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash scripts/install-tofu.sh
bash scripts/install-python-tools.sh
# No user CLI configuration: nothing here may reach a registry.
export TF_CLI_CONFIG_FILE=""

echo "env/: tofu fmt -check"
.local/bin/tofu fmt -check -recursive -diff env

echo "env/: checkov"
# --skip-download: checkov would otherwise fetch guidance from its vendor's servers.
.local/venv-iac/bin/checkov -d env --framework terraform --quiet --compact --skip-download

echo "env/: security invariants"
(cd env/tests && "$root/.local/venv-iac/bin/python" -m pytest -q -p no:cacheprovider .)

mirror="${TF_PROVIDER_MIRROR:-${XDG_CACHE_HOME:-$HOME/.cache}/patient-tests/tf-mirror}"
if [ -d "$mirror/registry.opentofu.org/hashicorp/azurerm" ]; then
  echo "env/: tofu validate (providers from $mirror; azapi is not in it, so its two resources are left out)"
  scratch="$(mktemp -d)"
  trap 'rm -rf "$scratch"' EXIT
  mkdir -p "$scratch/src/PatientTestsApi"
  cp src/PatientTestsApi/openapi.json "$scratch/src/PatientTestsApi/"
  .local/venv-iac/bin/python env/tests/without_provider.py env "$scratch/env" azapi
  (cd "$scratch/env" && "$root/.local/bin/tofu" init -backend=false -input=false -no-color -plugin-dir="$mirror" >/dev/null && "$root/.local/bin/tofu" validate -no-color)
  echo "env/: tofu test (mocked providers: plans the whole configuration and checks it)"
  (cd "$scratch/env" && "$root/.local/bin/tofu" test -no-color)
else
  echo "env/: tofu validate and tofu test skipped: no provider mirror (bash scripts/build-provider-mirror.sh builds one; see env/README.md)"
fi
