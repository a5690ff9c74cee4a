#!/usr/bin/env bash
# `npm run bench [-- --duration 10 --connections 16]`: database ceiling vs. the API through the gateway.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/scripts/install.sh"
exec node "$root/src/LoadTest/dist/bench/main.js" "$@"
