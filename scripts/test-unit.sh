#!/usr/bin/env bash
# `npm run test:unit`: builds (tsc -b, incremental) and runs the unit set of .mocharc.unit.json: no install,
# no lint, no infrastructure checks, no global-database fixture. The set is chosen by what each file needs,
# not by folder: the unit/ folders whole, src/shared's flat tests but mongo-connection (a database and a
# listener), and the flat tests of src/LocalStack and test/ that start no process, server or stack.
# test/unit-test-set.test.ts (in `npm test`) keeps it from shrinking and says why each other flat file is out.
# Any database a test reaches for is a closed port (127.0.0.1:9), so one that secretly needs it fails at once.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
npx tsc -b
export MONGODB_URI='mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=1000'
export TEST_MONGODB_URI="$MONGODB_URI"
unset TEST_POSTGRESQL_URL
exec npx mocha --config .mocharc.unit.json "$@"
