import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findPostgresqlBinaries } from '../src/database/postgresql-binaries';

describe('finding PostgreSQL', () => {
  let folder: string;
  before(() => { folder = mkdtempSync(join(tmpdir(), 'patient-tests-pgbin-')); });
  after(() => { rmSync(folder, { recursive: true, force: true }); });

  const program = (path: string) => {
    writeFileSync(path, '#!/bin/sh\n');
    chmodSync(path, 0o755);
  };

  it('names what is missing and every way out when PostgreSQL is not installed', () => {
    assert.throws(() => findPostgresqlBinaries(undefined, join(folder, 'empty'), join(folder, 'no-debian')), (error: Error) => {
      for (const expected of ['PostgreSQL is not installed', 'initdb and postgres', 'apt-get install postgresql-15', 'POSTGRESQL_BIN_DIR', 'FERRETDB_BACKEND=sqlite', 'MONGODB_URI']) {
        assert.ok(error.message.includes(expected), `${expected} in: ${error.message}`);
      }
      return true;
    });
  });

  it('prefers the newest Debian version folder, and refuses an explicit folder without the programs', () => {
    for (const version of ['13', '15']) {
      mkdirSync(join(folder, 'debian', version, 'bin'), { recursive: true });
      program(join(folder, 'debian', version, 'bin', 'initdb'));
      program(join(folder, 'debian', version, 'bin', 'postgres'));
    }
    assert.equal(findPostgresqlBinaries(undefined, '', join(folder, 'debian')).postgres, join(folder, 'debian', '15', 'bin', 'postgres'));
    assert.throws(() => findPostgresqlBinaries(join(folder, 'debian')), /POSTGRESQL_BIN_DIR=.* has no initdb or postgres/);
  });
});
