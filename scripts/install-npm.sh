#!/usr/bin/env bash
# Installs the npm packages from the lock file, once per change of the lock file.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
stamp=".local/npm-installed"
if [ ! -d node_modules ] || [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  npm ci --no-audit --no-fund
  mkdir -p .local && touch "$stamp"
fi
