#!/usr/bin/env bash
# `npm start`: install what is missing, build, and bring the local stack up (Ctrl-C stops it).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/scripts/install.sh"
echo "Install and build checks took ${SECONDS} s; starting the stack..." >&2
exec node "$root/src/LocalStack/dist/src/cli/up.js"
