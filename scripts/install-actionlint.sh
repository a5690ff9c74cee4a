#!/usr/bin/env bash
# Installs the pinned actionlint (GitHub Actions workflow linter) with `go install` into .local/bin.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
version="v1.7.8"
stamp="$root/.local/bin/.actionlint-version"
if [ -x "$root/.local/bin/actionlint" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$version" ]; then exit 0; fi
mkdir -p "$root/.local/bin"
GOBIN="$root/.local/bin" go install "github.com/rhysd/actionlint/cmd/actionlint@$version"
printf '%s' "$version" > "$stamp"
