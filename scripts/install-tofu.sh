#!/usr/bin/env bash
# Builds the pinned OpenTofu from the Go module proxy into .local/bin/tofu (ignored). `go install` cannot
# build it (its go.mod has replace directives), so the module is downloaded and built in a copy.
# About 6 minutes the first time on a 2-core machine; afterwards it is reused.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
version="1.10.7"
target="$root/.local/bin/tofu"
stamp="$root/.local/bin/.tofu-version"
if [ -x "$target" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$version" ]; then
  exit 0
fi
echo "Building OpenTofu $version from the Go module proxy (first time only, a few minutes)..." >&2
module_dir="$(go mod download -json "github.com/opentofu/opentofu@v$version" | python3 -c 'import json, sys; print(json.load(sys.stdin)["Dir"])')"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r "$module_dir/." "$work"
chmod -R u+w "$work"
mkdir -p "$root/.local/bin"
(cd "$work" && go build -trimpath -ldflags "-X github.com/opentofu/opentofu/version.dev=no" -o "$target" ./cmd/tofu)
printf '%s' "$version" > "$stamp"
