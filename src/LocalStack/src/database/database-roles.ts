import type pg from 'pg';
import { ferretDbDatabase } from './postgresql-cluster';

/** A PostgreSQL login role for one client of FerretDB, and the MongoDB databases it owns. */
export interface ClientRole {
  readonly name: string;
  readonly password: string;
  /** MongoDB databases (PostgreSQL schemas) created for this role and owned by it. */
  readonly databases: readonly string[];
  /** May create databases of its own (the test suite's role); the apps' roles may not, as in Azure. */
  readonly mayCreateDatabases?: boolean;
}

/** Creates or updates each role; the password file is the source of truth. */
export async function ensureClientRoles(client: pg.Client, roles: readonly ClientRole[]): Promise<void> {
  for (const role of roles) {
    const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role.name]);
    const verb = exists.rowCount === 0 ? 'CREATE' : 'ALTER';
    await client.query(`${verb} ROLE ${identifier(role.name)} LOGIN PASSWORD ${literal(role.password)}`);
    await client.query(`GRANT ferretdb_clients TO ${identifier(role.name)}`);
    await client.query(`GRANT CONNECT ON DATABASE ${ferretDbDatabase} TO ${identifier(role.name)}`);
    await setMayCreateDatabases(client, role.name, role.mayCreateDatabases === true);
  }
}

/**
 * Creates each role's databases as that role, before any app connects: FerretDB gives a database to
 * whoever writes it first, so the other app must never get the chance. `createAsRole` makes FerretDB
 * create the database with the role's own credentials (its schema and catalogue then belong to the
 * role); for that moment only, the role may create databases. Afterwards the apps' roles cannot create
 * databases (in Azure only Terraform can), so neither app can write outside its own.
 */
export async function claimDatabases(client: pg.Client, role: ClientRole, createAsRole: (database: string) => Promise<void>): Promise<void> {
  for (const database of role.databases) {
    const found = await client.query<{ owner: string; catalogued: boolean }>(
      `SELECT pg_get_userbyid(nspowner) AS owner,
              EXISTS (SELECT FROM pg_class WHERE relnamespace = pg_namespace.oid AND relname = '_ferretdb_database_metadata') AS catalogued
         FROM pg_namespace WHERE nspname = $1`,
      [database],
    );
    const current = found.rows[0];
    if (current !== undefined && current.owner !== role.name) {
      throw new Error(`the local database "${database}" belongs to the role "${current.owner}", not "${role.name}": another client created it; drop it or choose another name`);
    }
    if (current?.catalogued === true) continue;
    await setMayCreateDatabases(client, role.name, true);
    try {
      await createAsRole(database);
    } finally {
      await setMayCreateDatabases(client, role.name, role.mayCreateDatabases === true);
    }
  }
}

async function setMayCreateDatabases(client: pg.Client, role: string, allowed: boolean): Promise<void> {
  await client.query(allowed
    ? `GRANT CREATE ON DATABASE ${ferretDbDatabase} TO ${identifier(role)}`
    : `REVOKE CREATE ON DATABASE ${ferretDbDatabase} FROM ${identifier(role)}`);
}

function identifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
