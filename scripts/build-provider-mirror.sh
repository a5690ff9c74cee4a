#!/usr/bin/env bash
# Builds the providers env/ needs from the Go module proxy into a local mirror, for machines whose network
# reaches the Go module proxy but not a Terraform registry. scripts/check-infrastructure.sh uses it only
# when `init` from the registry fails. The mirror lives in the user's cache directory, shared by every clone
# on the machine (about 20 minutes cold for azurerm on 2 cores; seconds once built).
#
# The proxy serves no tagged release of azurerm or random (their module paths lack the /vN suffix), only
# pseudo-versions of their main branches: the versions below are those, labelled for the constraints in
# env/versions.tf. time's v0.x tags are served as they are. azapi is not served at all: the checks say
# which resources they could therefore not validate.
set -euo pipefail
mirror="${TF_PROVIDER_MIRROR:-${XDG_CACHE_HOME:-$HOME/.cache}/patient-tests/tf-mirror}"

build() {
  local module="$1" version="$2" type="$3" label="$4"
  local target="$mirror/registry.opentofu.org/hashicorp/$type/$label/linux_amd64/terraform-provider-${type}_v$label"
  if [ ! -x "$target" ]; then
    echo "Building the $type provider ($version, labelled $label) from the Go module proxy..." >&2
    local dir work
    dir="$(go mod download -json "$module@$version" | python3 -c 'import json, sys; print(json.load(sys.stdin)["Dir"])')"
    work="$(mktemp -d)"
    cp -r "$dir/." "$work" && chmod -R u+w "$work"
    mkdir -p "$(dirname "$target")"
    (cd "$work" && go build -trimpath -o "$target.partial" . && mv "$target.partial" "$target")
    rm -rf "$work"
  fi
  # Terraform looks the same provider up under its own registry's host name (a hard link: it does not
  # follow symbolic links in a mirror, and the binary is large).
  local alias="${target/registry.opentofu.org/registry.terraform.io}"
  mkdir -p "$(dirname "$alias")"
  [ "$alias" -ef "$target" ] || ln -f "$target" "$alias"
}

# azurerm main branch of 2026-08-24 (after 5.2.0, August 20, 2026).
build github.com/hashicorp/terraform-provider-azurerm v1.44.1-0.20260824201233-fae580791926 azurerm 5.2.0
build github.com/hashicorp/terraform-provider-random v1.3.2-0.20260824155315-e1092b0cfc07 random 3.99.0
build github.com/hashicorp/terraform-provider-time v0.14.2 time 0.14.2
echo "$mirror"
