import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { SupervisedProcess, type Started } from '../supervision/supervised-process';
import type { RestartPolicySettings } from '../supervision/restart-policy';
import { freePort } from '../process/wait-for-port';
import { installAccelerator } from './ferretdb-accelerator';
import { claimDatabases, ensureClientRoles, type ClientRole } from './database-roles';
import { loadOrCreateDatabaseCredentials } from './database-credentials';
import { stopProcess } from '../process/stop-process';
import { ferretDbBinary, startFerretDb } from './ferretdb';
import { ferretDbUri } from './mongodb-uri';
import { PostgresqlCluster, superuser } from './postgresql-cluster';

export type FerretDbBackend = 'postgresql' | 'sqlite';

export interface EmbeddedDatabaseOptions {
  readonly root: string;
  /** The stack's folder: the cluster goes into `postgresql/`, FerretDB's state into `ferretdb/`, passwords into `database.json`. */
  readonly directory: string;
  readonly backend: FerretDbBackend;
  /** FerretDB's port must be a real one; PostgreSQL's may be 0 (a free one is picked). */
  readonly ports: { readonly ferretdb: number; readonly postgresql: number };
  readonly postgresqlBinDirectory?: string | undefined;
  /** Client roles and the databases each owns (PostgreSQL only: SQLite has no authentication). */
  readonly roles: readonly Omit<ClientRole, 'password'>[];
  readonly restartPolicy: RestartPolicySettings;
  readonly onGiveUp: (reason: string) => void;
  readonly log: (source: string) => (line: string) => void;
}

export interface EmbeddedDatabase {
  readonly backend: FerretDbBackend;
  /** Full access, for the stack's own checks, tools and benchmarks (the PostgreSQL superuser). */
  readonly adminUri: string;
  /** The connection string of one client role (on SQLite: the same unauthenticated one for everybody). */
  uriFor(role: string): string;
  /** The cluster FerretDB keeps its data in, without credentials (PostgreSQL only). */
  readonly postgresqlUrl?: string | undefined;
  readonly ferretdb: SupervisedProcess<Started>;
  readonly postgresql?: SupervisedProcess<Started> | undefined;
  stop(): Promise<void>;
}

/**
 * The local stack's database, started and supervised: a private PostgreSQL cluster with a role per
 * client and the index accelerator, and FerretDB in front of it (or FerretDB on SQLite, when asked).
 */
export async function startEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const stoppers: (() => Promise<void>)[] = [];
  const stop = async () => { for (const stopOne of stoppers.splice(0).reverse()) await stopOne().catch(() => undefined); };
  const supervise = <T extends Started>(name: string, start: () => Promise<T>) =>
    SupervisedProcess.start({ name, start, policy: options.restartPolicy, log: options.log('supervisor'), onGiveUp: options.onGiveUp });
  try {
    const ferretState = join(options.directory, 'ferretdb');
    if (options.backend === 'sqlite') {
      const ferretdb = await supervise('FerretDB', () => startFerretDb({ binary: ferretDbBinary(options.root), dataDirectory: ferretState, port: options.ports.ferretdb, backend: 'sqlite', log: options.log('ferretdb') }));
      stoppers.push(() => ferretdb.stop());
      const uri = `mongodb://127.0.0.1:${options.ports.ferretdb}/`;
      return { backend: 'sqlite', adminUri: uri, uriFor: () => uri, ferretdb, stop };
    }

    const credentials = loadOrCreateDatabaseCredentials(join(options.directory, 'database.json'), options.roles.map((role) => role.name));
    const roles: ClientRole[] = options.roles.map((role) => ({ ...role, password: credentials.roles[role.name] ?? '' }));
    const cluster = new PostgresqlCluster({
      directory: join(options.directory, 'postgresql'),
      port: options.ports.postgresql === 0 ? await freePort() : options.ports.postgresql,
      superuserPassword: credentials.superuserPassword,
      binDirectory: options.postgresqlBinDirectory,
      log: options.log('postgresql'),
    });
    cluster.initialise();
    const postgresql = await supervise('PostgreSQL', async () => {
      const child = await cluster.start();
      return { process: child, stop: () => stopProcess(child, 10_000, 'SIGINT') };
    });
    stoppers.push(() => postgresql.stop());
    const admin = await cluster.connect();
    try {
      await installAccelerator(admin);
      await ensureClientRoles(admin, roles);
    } finally {
      await admin.end();
    }

    const ferretdb = await supervise('FerretDB', () => startFerretDb({
      binary: ferretDbBinary(options.root),
      dataDirectory: ferretState,
      port: options.ports.ferretdb,
      backend: { postgresqlUrl: cluster.url },
      log: options.log('ferretdb'),
    }));
    stoppers.push(() => ferretdb.stop());
    const uriFor = (role: string) => {
      const password = credentials.roles[role];
      if (password === undefined) throw new Error(`no database role "${role}" in this stack`);
      return ferretDbUri(options.ports.ferretdb, role, password);
    };
    const adminUri = ferretDbUri(options.ports.ferretdb, superuser, credentials.superuserPassword);
    const claims = await cluster.connect();
    try {
      for (const role of roles) await claimDatabases(claims, role, (database) => createDatabaseAs(uriFor(role.name), database));
    } finally {
      await claims.end();
    }
    return { backend: 'postgresql', adminUri, uriFor, postgresqlUrl: cluster.url, ferretdb, postgresql, stop };
  } catch (error: unknown) {
    await stop();
    throw error;
  }
}

/** FerretDB creates a database with its first collection; the placeholder goes again at once. */
async function createDatabaseAs(uri: string, database: string): Promise<void> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000 });
  try {
    const db = client.db(database);
    await db.createCollection('local_stack_claim');
    await db.dropCollection('local_stack_claim');
  } finally {
    await client.close();
  }
}
