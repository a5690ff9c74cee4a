#!/usr/bin/env bash
# The checks of env/ that run without a cloud, all of them on every run: formatting, checkov (zero failed
# checks; each skip is justified beside its resource), the security invariants and the reachability matrix
# read from the HCL (pytest), then `validate` and `test` (mocked providers: plans the whole configuration)
# against the real provider schemas. Uses the terraform or tofu found on PATH and a normal `init` from the
# registry; only where the registry cannot be reached does it use providers built from the Go module proxy.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
# A CLI configuration file that is named but missing only produces a warning on every command.
if [ -n "${TF_CLI_CONFIG_FILE:-}" ] && [ ! -e "$TF_CLI_CONFIG_FILE" ]; then unset TF_CLI_CONFIG_FILE; fi
tf="$(bash scripts/terraform-cli.sh)"
tf_name="$(basename "$tf")"
bash scripts/install-python-tools.sh
echo "env/: $tf_name $("$tf" version | head -n 1 | sed 's/^[A-Za-z]* //')"

echo "env/: $tf_name fmt -check"
"$tf" fmt -check -recursive -diff env

echo "env/: checkov"
# --skip-download: checkov would otherwise fetch guidance from its vendor's servers.
.local/venv-iac/bin/checkov -d env --framework terraform --quiet --compact --skip-download

echo "env/: security invariants"
(cd env/tests && "$root/.local/venv-iac/bin/python" -m pytest -q -p no:cacheprovider .)

# validate and test run on a copy: env/ and the files it reads from src/ (the OpenAPI document, the
# collection declarations), so nothing is written into the working tree.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
cp -r env "$scratch/env"
rm -rf "$scratch/env/.terraform" "$scratch/env/tests/__pycache__"
{
  grep -ho 'path.module}/\.\./[^"]*' env/*.tf | sed 's|path.module}/\.\./||'
  grep -ho 'path.module}/\.\./\.\./[^"]*' env/identity/*.tf | sed 's|path.module}/\.\./\.\./||'
} | sort -u | while read -r file; do
  mkdir -p "$scratch/$(dirname "$file")"
  cp "$file" "$scratch/$file"
done

init_log="$scratch/init.log"
if timeout 300 "$tf" -chdir="$scratch/env" init -backend=false -input=false -no-color >"$init_log" 2>&1; then
  echo "env/: providers from the registry; validating every resource, azapi included"
else
  echo "env/: the provider registry cannot be reached ($(grep -m 1 -oE '(no such host|connection refused|i/o timeout|Failed to query available provider packages)' "$init_log" || echo "init failed")):"
  echo "      using providers built from the Go module proxy (scripts/build-provider-mirror.sh)"
  mirror="$(bash scripts/build-provider-mirror.sh)"
  unvalidated="$(grep -hoE '^(resource|data) "azapi_[a-z_]+" "[a-z_]+"' env/*.tf | awk '{gsub(/"/, ""); print $2 "." $3}' | paste -sd ' ' -)"
  echo "      NOT checked against azapi's schema here (azapi is not on the Go module proxy): these resources run"
  echo "      as terraform_data stand-ins, so Terraform's own checks (for_each, lifecycle, references) and every"
  echo "      expression in them still apply: $unvalidated"
  rm -rf "$scratch/env"
  cp -r env "$scratch/env.full"
  .local/venv-iac/bin/python env/tests/without_provider.py "$scratch/env.full" "$scratch/env" azapi
  rm -rf "$scratch/env.full"
  "$tf" -chdir="$scratch/env" init -backend=false -input=false -no-color -plugin-dir="$mirror" >"$init_log" 2>&1 || { cat "$init_log"; exit 1; }
fi

echo "env/: $tf_name validate"
"$tf" -chdir="$scratch/env" validate -no-color

# test: plans and applies the configuration with mocked providers (env/tests/plan.tftest.hcl); the state of
# its mocked apply is what the reachability matrix is computed from.
python=.local/venv-iac/bin/python
echo "env/: $tf_name test (mocked providers: plans and applies the whole configuration, then checks it)"
"$tf" -chdir="$scratch/env" test -no-color -json -verbose >"$scratch/test.jsonl" 2>&1 || true
"$python" env/tests/terraform_test_output.py "$scratch/test.jsonl" network "$scratch/network-state.json"

echo "env/: reachability matrix (from the mocked apply; docs/security_pattern.md shows it)"
# UPDATE_DOCS=1 writes the computed matrix into the document instead of comparing it.
docs_mode="--check-docs"
if [ "${UPDATE_DOCS:-}" = 1 ]; then docs_mode="--write-docs"; fi
"$python" env/tests/reachability.py "$scratch/network-state.json" "$docs_mode" docs/security_pattern.md

# The matrix check must be able to fail: copies of env/ broken on purpose (env/tests/break_copy.py).
for case in patient-tests-internet patient-tests-storage-tag apim-to-cosmos; do
  echo "env/: reachability on a copy broken on purpose ($case)"
  rm -rf "$scratch/broken" "$scratch/broken-state.json" && mkdir "$scratch/broken"
  # The files as copies (they get edited), the initialised providers as hard links (hundreds of megabytes).
  tar -C "$scratch/env" --exclude=./.terraform -cf - . | tar -C "$scratch/broken" -xf -
  cp -al "$scratch/env/.terraform" "$scratch/broken/.terraform"
  "$python" env/tests/break_copy.py "$scratch/broken" "$case"
  "$tf" -chdir="$scratch/broken" test -no-color -json -verbose >"$scratch/broken-test.jsonl" 2>&1 || true
  "$python" env/tests/terraform_test_output.py "$scratch/broken-test.jsonl" network "$scratch/broken-state.json" >/dev/null || true
  "$python" env/tests/reachability.py "$scratch/broken-state.json" --expect-violations
done

# validate must be able to fail on what Terraform itself refuses in the azapi resources, also where they
# run as stand-ins: a trigger indexed by each.value (env/tests/break_copy.py).
echo "env/: validate on a copy broken on purpose (trigger-by-value)"
rm -rf "$scratch/broken" && mkdir "$scratch/broken"
tar -C "$scratch/env" --exclude=./.terraform -cf - . | tar -C "$scratch/broken" -xf -
cp -al "$scratch/env/.terraform" "$scratch/broken/.terraform"
"$python" env/tests/break_copy.py "$scratch/broken" trigger-by-value
if "$tf" -chdir="$scratch/broken" validate -no-color >"$scratch/broken-validate.log" 2>&1; then
  echo "      validate accepted a replace_triggered_by indexed by each.value; it must refuse it" >&2
  exit 1
fi
grep -q "Only each.key may be used in replace_triggered_by" "$scratch/broken-validate.log" || { cat "$scratch/broken-validate.log"; exit 1; }
echo "  (as expected) validate refuses it: Only each.key may be used in replace_triggered_by"

# env/identity, the administrator's module (azuread): validate and test with a mocked provider. Where the
# registry cannot be reached, azuread cannot be had at all (the Go module proxy does not serve it): its
# resources run as terraform_data stand-ins, and the test's assertions read the module's own values, which
# both ways compute alike; the invariants check the resources' blocks.
identity="$scratch/env/identity"
if timeout 300 "$tf" -chdir="$identity" init -backend=false -input=false -no-color >"$scratch/identity-init.log" 2>&1; then
  echo "env/identity: azuread from the registry"
else
  unvalidated="$(grep -hoE '^(resource|data) "azuread_[a-z_]+" "[a-z_]+"' env/identity/*.tf | awk '{gsub(/"/, ""); print $2 "." $3}' | paste -sd ' ' -)"
  echo "env/identity: NOT checked against azuread's schema here (the registry cannot be reached and the Go module proxy does not"
  echo "      serve azuread): these resources run as terraform_data stand-ins: $unvalidated"
  rm -rf "$identity"
  "$python" env/tests/without_provider.py env/identity "$identity" azuread
  "$tf" -chdir="$identity" init -backend=false -input=false -no-color >"$scratch/identity-init.log" 2>&1 || { cat "$scratch/identity-init.log"; exit 1; }
fi
echo "env/identity: $tf_name validate"
"$tf" -chdir="$identity" validate -no-color
echo "env/identity: $tf_name test (who holds which app role)"
"$tf" -chdir="$identity" test -no-color
