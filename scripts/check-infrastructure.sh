#!/usr/bin/env bash
# The checks of env/ that run without a cloud: formatting (OpenTofu), checkov (zero failed checks; each
# skip is justified beside its resource), and the security invariants read from the HCL (pytest).
# `tofu validate` runs too when an azurerm provider is available locally (see env/README.md).
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

if [ -n "${TF_PROVIDER_MIRROR:-}" ] && [ -d "$TF_PROVIDER_MIRROR" ]; then
  echo "env/: tofu validate (providers from $TF_PROVIDER_MIRROR)"
  (cd env && "$root/.local/bin/tofu" init -backend=false -input=false -plugin-dir="$TF_PROVIDER_MIRROR" >/dev/null && "$root/.local/bin/tofu" validate)
else
  echo "env/: tofu validate skipped (no local provider mirror; TF_PROVIDER_MIRROR names one, see env/README.md)"
fi
