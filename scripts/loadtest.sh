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

bash scripts/install-python-tools.sh

stack_pid=""
stack_dir=""
cleanup() {
  if [ -n "$stack_pid" ]; then kill -INT "$stack_pid" 2>/dev/null || true; wait "$stack_pid" 2>/dev/null || true; fi
  if [ -n "$stack_dir" ]; then rm -rf "$stack_dir"; fi
}
trap cleanup EXIT

status_file=".local/stack.json"
if [ -z "${LOCUST_HOST:-}" ]; then
  if ! node -e "
    const s = require('./$status_file');
    fetch(s.gateway.url + '/openapi/patient.json').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1));
  " 2>/dev/null; then
    # A throw-away stack with an empty database, so runs are comparable. A running `npm start` stack is
    # reused instead.
    echo "No local stack is running; starting a throw-away one for this test..." >&2
    bash scripts/install.sh
    stack_dir="$(mktemp -d)"
    chmod 711 "$stack_dir"   # the embedded PostgreSQL runs as its own account when we are root
    status_file="$stack_dir/stack.json"
    ferret_port="$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
    # It measures the chain, not the policy's rate limit per subscription key (6 000 calls a minute,
    # which 50 users pass once the chain keeps up), as the benchmark does; a running stack keeps the policy.
    LOCAL_STACK_DIR="$stack_dir" GATEWAY_PORT=0 PATIENT_TESTS_PORT=0 AUDIT_PORT=0 IDENTITY_PORT=0 FERRETDB_PORT="$ferret_port" POSTGRESQL_PORT=0 \
      GATEWAY_CALLS_PER_WINDOW=1000000000 \
      node src/LocalStack/dist/src/cli/up.js > "$stack_dir/stack.log" 2>&1 &
    stack_pid=$!
    for _ in $(seq 1 300); do
      [ -f "$status_file" ] && break
      kill -0 "$stack_pid" 2>/dev/null || { cat "$stack_dir/stack.log" >&2; exit 1; }
      sleep 0.1
    done
    [ -f "$status_file" ] || { echo "the local stack did not become ready" >&2; exit 1; }
  fi
  LOCUST_HOST="$(node -p "require('$(realpath "$status_file")').gateway.url")"
  PATIENT_TESTS_SUBSCRIPTION_KEY="${PATIENT_TESTS_SUBSCRIPTION_KEY:-$(node -p "require('$(realpath "$status_file")').gateway.subscriptionKey")}"
  export LOCUST_HOST PATIENT_TESTS_SUBSCRIPTION_KEY
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
