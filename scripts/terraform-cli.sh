#!/usr/bin/env bash
# Prints the Terraform CLI that the checks and the deployment scripts use: $TF when set, else `terraform`
# or `tofu` found on PATH (what a user of this project has installed). Only where neither is installed
# does it build the pinned OpenTofu from the Go module proxy (scripts/install-tofu.sh, a few minutes once).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ -n "${TF:-}" ]; then
  command -v "$TF" || { echo "TF=$TF is not an executable" >&2; exit 1; }
  exit 0
fi
for candidate in terraform tofu; do
  if command -v "$candidate" >/dev/null 2>&1; then
    command -v "$candidate"
    exit 0
  fi
done
echo "Neither terraform nor tofu is on PATH: building OpenTofu from the Go module proxy." >&2
bash "$root/scripts/install-tofu.sh" >&2
echo "$root/.local/bin/tofu"
