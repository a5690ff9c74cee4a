#!/usr/bin/env bash
# `npm start`: install what is missing, build, and bring the local stack up (Ctrl-C stops it).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/scripts/install.sh"
exec node "$root/src/LocalStack/dist/src/cli/up.js"
