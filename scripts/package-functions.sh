#!/usr/bin/env bash
# `bash scripts/package-functions.sh [out-dir]`: builds both function apps and writes one deployable zip
# per app (its compiled code, host.json, package.json and production node_modules, with the shared
# package packed in) into .local/packages/ or the given folder. Needs Node.js and python3 (its zipfile
# module writes the zips: no zip tool needed): no Azure access, and none of the local stack's tooling (no Go,
# no database); CI builds the packages this way and hands them to the deployment as an artifact
# (.github/workflows/ci.yml, deploy.yml).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$(realpath -m "${1:-$root/.local/packages}")"
cd "$root"
bash scripts/install-npm.sh
npx tsc -b src/shared src/AuditApi src/PatientTestsApi
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

shared_tarball="$(npm pack --silent -w @patient-tests/shared --pack-destination "$work" | tail -n 1)"

for app in AuditApi PatientTestsApi; do
  stage="$work/$app"
  mkdir -p "$stage/dist"
  cp -r "src/$app/dist/src" "$stage/dist/src"
  cp "src/$app/host.json" "$stage/"
  # The app's own package.json, pointing at the packed shared package and without dev dependencies.
  node -e '
    const [source, target, tarball] = process.argv.slice(1);
    const manifest = JSON.parse(require("fs").readFileSync(source, "utf8"));
    delete manifest.devDependencies;
    delete manifest.scripts;
    manifest.dependencies["@patient-tests/shared"] = `file:../${tarball}`;
    require("fs").writeFileSync(target, JSON.stringify(manifest, null, 2) + "\n");
  ' "src/$app/package.json" "$stage/package.json" "$shared_tarball"
  # The production dependencies exactly as the lock file installed them and the tests ran them.
  mkdir -p "$stage/node_modules/@patient-tests/shared"
  tar -xzf "$work/$shared_tarball" -C "$stage/node_modules/@patient-tests/shared" --strip-components=1
  node scripts/copy-production-dependencies.cjs "src/$app" "$stage" >/dev/null
  rm -f "$out/$app.zip"
  (cd "$stage" && python3 -m zipfile -c "$out/$app.zip" dist host.json package.json node_modules)
  echo "$out/$app.zip ($(du -h "$out/$app.zip" | cut -f1))"
done
