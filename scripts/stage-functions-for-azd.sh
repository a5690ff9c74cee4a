#!/usr/bin/env bash
# `bash scripts/stage-functions-for-azd.sh`: the packaging hook of azure.yaml (the Azure Developer CLI).
# Builds the two packages scripts/package-functions.sh builds for CI and unpacks each into
# .local/azd/<App>/, the folder azure.yaml's `dist` names; azd zips that folder and deploys it as it is.
# Without it azd would zip the app's workspace folder: sources and tests, but not the production
# dependencies npm hoisted to the root, nor the shared workspace package, which no registry has (so a
# remote build on Azure could not install it either). env/README.md, "Using azd".
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/.local/azd"
bash "$root/scripts/package-functions.sh" "$out"
for app in AuditApi PatientTestsApi; do
  rm -rf "${out:?}/$app"
  python3 -m zipfile -e "$out/$app.zip" "$out/$app"
done
