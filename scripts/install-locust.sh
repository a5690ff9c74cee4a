#!/usr/bin/env bash
# Installs the pinned Locust from PyPI into .local/venv (ignored). Idempotent.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.local/venv"
requirements="$root/src/LoadTest/requirements.txt"
stamp="$venv/.requirements"
if [ -x "$venv/bin/locust" ] && [ -f "$stamp" ] && cmp -s "$requirements" "$stamp"; then
  exit 0
fi
echo "Installing Locust into .local/venv..." >&2
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
cp "$requirements" "$stamp"
