#!/usr/bin/env bash
# Installs Debian's chromium for the browser test of the API docs (playwright-core drives it and brings
# no browser of its own). Idempotent; needs root (CI and the devcontainer have it).
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "chromium is missing: run 'sudo apt-get install chromium' (or set CHROMIUM_PATH to a Chromium binary)" >&2
  exit 1
fi
echo "Installing chromium from Debian..." >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
