#!/usr/bin/env bash
# `npm run loadtest [-- --users N --duration 30s --user-class MixedUser]`
# Installs Locust into .local/venv when missing, uses the running local stack or starts one, runs a
# bounded headless test, writes CSV and HTML reports into .local/loadtest/<time>/, prints a summary table,
# and exits non-zero when any request had an unexpected answer.
# Against a deployment: LOCUST_HOST=https://<apim>.azure-api.net PATIENT_TESTS_SUBSCRIPTION_KEY=... npm run loadtest
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

users=20
duration=30s
user_class=MixedUser
while [ $# -gt 0 ]; do
  case "$1" in
    --users) users="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --user-class) user_class="$2"; shift 2 ;;
    *) echo "unknown option $1 (use --users N, --duration 30s, --user-class NAME)" >&2; exit 2 ;;
  esac
done

bash scripts/install-locust.sh

stack_pid=""
cleanup() {
  if [ -n "$stack_pid" ]; then kill -INT "$stack_pid" 2>/dev/null || true; wait "$stack_pid" 2>/dev/null || true; fi
}
trap cleanup EXIT

if [ -z "${LOCUST_HOST:-}" ]; then
  if ! node -e "
    const s = require('./.local/stack.json');
    fetch(s.gateway.url + '/openapi/patient.json').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1));
  " 2>/dev/null; then
    echo "No local stack is running; starting one for this test..." >&2
    bash scripts/install.sh
    mkdir -p .local/loadtest
    rm -f .local/stack.json
    node src/LocalStack/dist/src/cli/up.js > .local/loadtest/stack.log 2>&1 &
    stack_pid=$!
    for _ in $(seq 1 300); do
      [ -f .local/stack.json ] && break
      kill -0 "$stack_pid" 2>/dev/null || { cat .local/loadtest/stack.log >&2; exit 1; }
      sleep 0.1
    done
    [ -f .local/stack.json ] || { echo "the local stack did not become ready" >&2; exit 1; }
  fi
fi

out=".local/loadtest/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
status=0
.local/venv/bin/locust --config src/LoadTest/locust.conf --users "$users" --spawn-rate "$users" --run-time "$duration" \
  --csv "$out/run" --html "$out/report.html" "$user_class" > "$out/locust.log" 2>&1 || status=$?
echo
.local/venv/bin/python src/LoadTest/summarize.py "$out/run_stats.csv"
if [ -s "$out/run_failures.csv" ] && [ "$(wc -l < "$out/run_failures.csv")" -gt 1 ]; then
  echo; echo "Unexpected answers:"; cat "$out/run_failures.csv"
fi
echo; echo "Reports: $out/report.html, $out/run_stats.csv (locust output: $out/locust.log)"
exit "$status"
