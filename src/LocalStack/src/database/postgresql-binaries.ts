import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Where the PostgreSQL server programs the stack runs (initdb, postgres) are. */
export interface PostgresqlBinaries {
  readonly initdb: string;
  readonly postgres: string;
}

const needed = ['initdb', 'postgres'] as const;

/**
 * Finds the PostgreSQL server programs: POSTGRESQL_BIN_DIR when given, then Debian's versioned folders
 * (/usr/lib/postgresql/<major>/bin, newest first: the server is not on PATH there), then PATH
 * (Homebrew, other distributions). Fails naming what is missing and how to get it.
 */
export function findPostgresqlBinaries(explicitDirectory: string | undefined, path = process.env.PATH ?? '', debianRoot = '/usr/lib/postgresql'): PostgresqlBinaries {
  if (explicitDirectory !== undefined) {
    const missing = needed.filter((program) => !existsSync(join(explicitDirectory, program)));
    if (missing.length > 0) throw new Error(`POSTGRESQL_BIN_DIR=${explicitDirectory} has no ${missing.join(' or ')}`);
    return programsIn(explicitDirectory);
  }
  const candidates = [...debianFolders(debianRoot), ...path.split(delimiter).filter((folder) => folder !== '')];
  const found = candidates.find((folder) => needed.every((program) => existsSync(join(folder, program))));
  if (found === undefined) {
    throw new Error(
      'PostgreSQL is not installed: the local stack runs FerretDB on a private PostgreSQL cluster and needs its server programs ' +
      `(initdb and postgres; looked in ${debianRoot}/<version>/bin and on PATH). Install PostgreSQL 15 or newer ` +
      '(Debian: apt-get install postgresql-15; scripts/install-postgresql.sh does it), or set POSTGRESQL_BIN_DIR, ' +
      'or use FERRETDB_BACKEND=sqlite (slower reads, no per-app roles), or MONGODB_URI=<another MongoDB>.',
    );
  }
  return programsIn(found);
}

function programsIn(folder: string): PostgresqlBinaries {
  return { initdb: join(folder, 'initdb'), postgres: join(folder, 'postgres') };
}

function debianFolders(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((entry) => /^\d+$/.test(entry))
    .sort((a, b) => Number(b) - Number(a))
    .map((version) => join(root, version, 'bin'));
}
