#!/usr/bin/env bash
# `npm test`: install what is missing, build, lint, check the infrastructure code (env/), then run every
# test (unit, integration on a FerretDB of its own, component over real HTTP). Ends with the line
# "N passed, N failed".
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash scripts/install.sh
npx eslint --max-warnings 0 .
bash scripts/install-python-tools.sh
if [ -z "${CHROMIUM_PATH:-}" ]; then bash scripts/install-browser.sh; fi
bash scripts/install-actionlint.sh
bash scripts/check-infrastructure.sh
exec npx mocha
