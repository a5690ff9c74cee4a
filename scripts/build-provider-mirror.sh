#!/usr/bin/env bash
# Builds the Terraform providers env/ needs from the Go module proxy into a local mirror, so that
# `tofu validate` can run without a provider registry. Opt-in (about 16 minutes cold for azurerm on a
# 2-core machine; a minute with a warm Go build cache). The mirror lives in the user's cache directory,
# shared by every clone on the machine; scripts/check-infrastructure.sh validates when it is there.
#
# The proxy serves no tagged release of these modules (their module paths lack the /vN suffix), only
# pseudo-versions of their main branches: the versions below are those, labelled for the constraints
# in env/versions.tf. azapi is not served at all; the check validates everything except its two resources.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
mirror="${TF_PROVIDER_MIRROR:-${XDG_CACHE_HOME:-$HOME/.cache}/patient-tests/tf-mirror}"

build() {
  local module="$1" pseudo="$2" type="$3" label="$4"
  local target="$mirror/registry.opentofu.org/hashicorp/$type/$label/linux_amd64/terraform-provider-${type}_v$label"
  if [ -x "$target" ]; then return 0; fi
  echo "Building $type ($pseudo, labelled $label)..." >&2
  local dir work
  dir="$(go mod download -json "$module@$pseudo" | python3 -c 'import json, sys; print(json.load(sys.stdin)["Dir"])')"
  work="$(mktemp -d)"
  cp -r "$dir/." "$work" && chmod -R u+w "$work"
  mkdir -p "$(dirname "$target")"
  (cd "$work" && go build -trimpath -o "$target" .)
  rm -rf "$work"
}

# azurerm main branch of 2026-08-24 (after 5.2.0, August 20, 2026).
build github.com/hashicorp/terraform-provider-azurerm v1.44.1-0.20260824201233-fae580791926 azurerm 5.2.0
build github.com/hashicorp/terraform-provider-random v1.3.2-0.20260824155315-e1092b0cfc07 random 3.99.0
echo "$mirror"
