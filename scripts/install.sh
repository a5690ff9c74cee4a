#!/usr/bin/env bash
# Installs what the project needs: npm packages (from the lock file) and, unless MONGODB_URI points
# at another server, the embedded FerretDB. Then compiles the TypeScript. Safe to run repeatedly.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

bash scripts/install-npm.sh
if [ -z "${MONGODB_URI:-}" ]; then
  bash scripts/install-ferretdb.sh
fi
npx tsc -b
