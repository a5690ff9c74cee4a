#!/usr/bin/env bash
# Installs the pinned Python tools from PyPI into .local/venv (ignored): Locust for the load tests,
# schemathesis for contract fuzzing. Idempotent: reinstalls only when a requirements file changed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.local/venv"
requirements=("$root/src/LoadTest/requirements.txt" "$root/src/PatientTestsApi/test/contract/requirements.txt")
stamp="$venv/.requirements"
wanted="$(cat "${requirements[@]}")"
if [ -x "$venv/bin/locust" ] && [ -x "$venv/bin/schemathesis" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
  exit 0
fi
echo "Installing Locust and schemathesis into .local/venv..." >&2
python3 -m venv "$venv"
args=()
for file in "${requirements[@]}"; do args+=(-r "$file"); done
"$venv/bin/pip" install --quiet --disable-pip-version-check "${args[@]}"
printf '%s' "$wanted" > "$stamp"
