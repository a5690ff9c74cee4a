#!/usr/bin/env bash
# Makes sure the PostgreSQL server programs (initdb, postgres) are on this machine: the local stack runs
# FerretDB on a private PostgreSQL cluster under .local/postgresql. Idempotent; does nothing when they are
# there (Debian: /usr/lib/postgresql/<version>/bin; elsewhere POSTGRESQL_BIN_DIR or PATH).
# As root on Debian it installs the package from apt, without the system-wide "main" cluster Debian
# would otherwise create and start (the stack starts its own, as the postgres account, on loopback).
set -euo pipefail

have_server() {
  if [ -n "${POSTGRESQL_BIN_DIR:-}" ]; then
    [ -x "$POSTGRESQL_BIN_DIR/initdb" ] && [ -x "$POSTGRESQL_BIN_DIR/postgres" ]; return
  fi
  for bin in /usr/lib/postgresql/*/bin; do
    if [ -x "$bin/initdb" ] && [ -x "$bin/postgres" ]; then return 0; fi
  done
  command -v initdb >/dev/null 2>&1 && command -v postgres >/dev/null 2>&1
}

if have_server; then exit 0; fi
if [ -n "${POSTGRESQL_BIN_DIR:-}" ]; then
  echo "POSTGRESQL_BIN_DIR=$POSTGRESQL_BIN_DIR holds no initdb and postgres programs." >&2
  exit 1
fi

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing PostgreSQL from apt (the local stack's database)..." >&2
  if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
    mkdir -p /etc/postgresql-common
    echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.conf
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # postgresql-15 on Debian 12; the unversioned package picks the distribution's current one elsewhere.
  apt-get install -y -qq -o Dpkg::Options::=--force-confold postgresql-15 util-linux >/dev/null \
    || apt-get install -y -qq -o Dpkg::Options::=--force-confold postgresql util-linux >/dev/null
  have_server && exit 0
fi

cat >&2 <<'MESSAGE'
PostgreSQL is not installed. The local stack runs FerretDB on a private PostgreSQL cluster and needs the
PostgreSQL server programs (initdb and postgres, version 15 or newer):
  Debian/Ubuntu:  sudo apt-get install postgresql-15   (or: postgresql)
  macOS:          brew install postgresql@15
Or set POSTGRESQL_BIN_DIR to the folder holding them, or run without PostgreSQL:
  FERRETDB_BACKEND=sqlite npm start        (slower reads, no per-app database roles)
  MONGODB_URI=mongodb://127.0.0.1:27017/ npm start
MESSAGE
exit 1
