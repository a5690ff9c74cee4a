#!/usr/bin/env bash
# Installs the pinned Python tools from PyPI into virtual environments under .local (ignored):
#   .local/venv      Locust (load tests) and schemathesis (contract fuzzing);
#   .local/venv-iac  checkov, python-hcl2 and pytest (infrastructure checks).
# Idempotent: a venv is (re)installed only when its requirements changed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

install_venv() {
  local venv="$1" label="$2"; shift 2
  local stamp="$venv/.requirements" wanted
  wanted="$(cat "$@")"
  if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
    return 0
  fi
  echo "Installing $label into ${venv#"$root"/}..." >&2
  python3 -m venv "$venv"
  local args=()
  for file in "$@"; do args+=(-r "$file"); done
  "$venv/bin/pip" install --quiet --disable-pip-version-check "${args[@]}"
  printf '%s' "$wanted" > "$stamp"
}

install_venv "$root/.local/venv" "Locust and schemathesis" \
  "$root/src/LoadTest/requirements.txt" "$root/src/PatientTestsApi/test/contract/requirements.txt"
install_venv "$root/.local/venv-iac" "checkov, python-hcl2 and pytest" "$root/env/tests/requirements.txt"
