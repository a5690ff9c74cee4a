#!/usr/bin/env bash
# `npm run soak [-- --minutes 10 --users 10]`: mixed load for a long time on a throw-away stack; errors
# and the memory of every process at start and end. Not part of the test suite.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/scripts/install.sh"
bash "$root/scripts/install-python-tools.sh"
exec node "$root/src/LoadTest/dist/bench/soak.js" "$@"
