#!/usr/bin/env bash
# Builds the pinned FerretDB into .local/bin (ignored) from the Go module proxy. Idempotent.
#
# Why not `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2`: the proxy answers 403 to the
# module's version list, which `go install` reads for its deprecation check, and the module zip carries
# an empty build/version/version.txt, so even a successful `go install` builds a binary that panics at
# start ("Invalid build/version/version.txt"). We therefore download that exact module version, write
# the version file FerretDB's release build would write, and build it. Remove this when FerretDB's
# module zip carries its version (or when the project moves past FerretDB v1).
set -euo pipefail
version="v1.24.2"
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/.local/bin/ferretdb"

# Read the whole output first: with pipefail, `grep -q` closing the pipe early would fail the check.
if [ -x "$bin" ]; then
  installed="$("$bin" --version 2>/dev/null || true)"
  case "$installed" in *"version: $version"*) exit 0 ;; esac
fi
if ! command -v go >/dev/null 2>&1; then
  echo "FerretDB $version needs Go 1.24 or newer to build, and 'go' is not on PATH." >&2
  echo "Install Go, or point the stack at another MongoDB: MONGODB_URI=mongodb://127.0.0.1:27017/ npm start" >&2
  exit 1
fi

echo "Building FerretDB $version (first run only, about a minute)..." >&2
export GOFLAGS=-mod=mod GOTOOLCHAIN="${GOTOOLCHAIN:-auto}"
module_dir="$(go mod download -json "github.com/FerretDB/FerretDB@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
[ -n "$module_dir" ] || { echo "could not download github.com/FerretDB/FerretDB@$version" >&2; exit 1; }

src="$root/.local/build/ferretdb-$version"
rm -rf "$src"
mkdir -p "$(dirname "$src")" "$(dirname "$bin")"
cp -R "$module_dir" "$src"
chmod -R u+w "$src"
echo "$version" > "$src/build/version/version.txt"
(cd "$src" && go build -trimpath -o "$bin.tmp" ./cmd/ferretdb)
mv "$bin.tmp" "$bin"
rm -rf "$src"
built="$("$bin" --version 2>/dev/null || true)"
echo "${built%%$'\n'*}" >&2
