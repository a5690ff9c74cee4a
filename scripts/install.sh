#!/usr/bin/env bash
# Installs what the project needs: npm packages (from the lock file) and, unless MONGODB_URI points
# at another server, the embedded FerretDB and the PostgreSQL it runs on. Then compiles the TypeScript.
# Safe to run repeatedly.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

bash scripts/install-npm.sh
if [ -z "${MONGODB_URI:-}" ]; then
  bash scripts/install-ferretdb.sh
  if [ "${FERRETDB_BACKEND:-postgresql}" = postgresql ]; then bash scripts/install-postgresql.sh; fi
fi
node scripts/prune-stale-build.cjs
npx tsc -b
