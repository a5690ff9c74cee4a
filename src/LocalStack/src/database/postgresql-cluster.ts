import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { findPostgresqlBinaries } from './postgresql-binaries';
import { clearStaleCluster } from './stale-cluster';
import { forwardPostgresqlLog, sqlStateLinePrefix } from './postgresql-log';
import { assertEnterable, serverAccount, type ServerAccount } from './run-as-server-user';

export interface PostgresqlClusterOptions {
  /** The cluster's own folder (data and socket inside); created on first start, kept afterwards. */
  readonly directory: string;
  readonly port: number;
  readonly superuserPassword: string;
  readonly binDirectory?: string | undefined;
  readonly log: (line: string) => void;
}

/** The database FerretDB keeps its schemas in (one schema per MongoDB database). */
export const ferretDbDatabase = 'ferretdb';
export const superuser = 'postgres';

/**
 * A private PostgreSQL cluster for the local stack: initialised once (initdb) in `directory`, then
 * started as a child process on 127.0.0.1 only, password (SCRAM) authentication on TCP, its unix
 * socket in a folder only the server account can enter. The data stays across restarts.
 */
export class PostgresqlCluster {
  private readonly account: ServerAccount;
  private readonly binaries;
  private readonly dataDirectory: string;
  private readonly socketDirectory: string;

  constructor(private readonly options: PostgresqlClusterOptions) {
    this.binaries = findPostgresqlBinaries(options.binDirectory);
    // SIGINT is PostgreSQL's fast shutdown: clients are disconnected, the data is flushed.
    this.account = serverAccount('INT');
    this.dataDirectory = join(options.directory, 'data');
    this.socketDirectory = join(options.directory, 'run');
  }

  get url(): string {
    return `postgres://127.0.0.1:${this.options.port}/${ferretDbDatabase}`;
  }

  /** Creates the cluster if its folder holds none yet (about a second); safe to call on every start. */
  initialise(): void {
    this.ownedFolder(this.options.directory);
    assertEnterable(this.account, this.options.directory);
    this.ownedFolder(this.socketDirectory);
    if (existsSync(join(this.dataDirectory, 'PG_VERSION'))) return;
    rmSync(this.dataDirectory, { recursive: true, force: true });
    const passwordFile = join(this.options.directory, 'initdb.pw');
    writeFileSync(passwordFile, `${this.options.superuserPassword}\n`, { mode: 0o600 });
    this.chown(passwordFile);
    try {
      const result = spawnSync(this.command(this.binaries.initdb)[0] ?? '', [
        ...this.command(this.binaries.initdb).slice(1),
        '-D', this.dataDirectory, '-U', superuser, '-E', 'UTF8', '--no-locale',
        '--auth-local=trust', '--auth-host=scram-sha-256', `--pwfile=${passwordFile}`,
      ], { encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`initdb failed: ${(result.stderr || result.stdout || String(result.error)).trim()}`);
    } finally {
      rmSync(passwordFile, { force: true });
    }
  }

  /** Starts the server; resolves once it accepts authenticated connections. */
  async start(): Promise<ChildProcess> {
    await clearStaleCluster(this.dataDirectory, this.socketDirectory, this.options.log);
    const [program = '', ...rest] = this.command(this.binaries.postgres);
    const child = spawn(program, [
      ...rest,
      '-D', this.dataDirectory,
      '-c', 'listen_addresses=127.0.0.1',
      '-c', `port=${this.options.port}`,
      '-c', `unix_socket_directories=${this.socketDirectory}`,
      // Each FerretDB client credential has a pool of its own; leave room for several.
      '-c', 'max_connections=200',
      // Statistics follow the data within seconds: a collection that grew from 1 000 to 50 000 documents
      // before autovacuum's next round (a minute by default) was still planned as a tiny table, and
      // findOne by id ran at 123/s instead of 2 272/s after ANALYZE (measured). Cheap on a local cluster.
      '-c', 'autovacuum_naptime=1s',
      '-c', 'autovacuum_analyze_scale_factor=0.02',
      '-c', 'autovacuum_analyze_threshold=200',
      '-c', 'logging_collector=off',
      '-c', `log_line_prefix=${sqlStateLinePrefix}`,
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    const forward = forwardPostgresqlLog(this.options.log);
    createInterface({ input: child.stdout }).on('line', forward);
    createInterface({ input: child.stderr }).on('line', forward);
    await this.waitUntilReady(child);
    await this.ensureFerretDbDatabase();
    return child;
  }

  /** A client with the superuser's password over TCP; the caller ends it. */
  async connect(database = ferretDbDatabase): Promise<pg.Client> {
    const client = new pg.Client({ host: '127.0.0.1', port: this.options.port, user: superuser, password: this.options.superuserPassword, database });
    await client.connect();
    return client;
  }

  private async waitUntilReady(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + 60_000;
    let lastError: unknown;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`PostgreSQL exited during start-up (${child.exitCode ?? child.signalCode ?? ''}); see its log lines above`);
      try {
        const client = await this.connect('postgres');
        await client.end();
        return;
      } catch (error: unknown) {
        // Not listening yet, or "the database system is starting up" while it recovers after a crash.
        lastError = error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    child.kill('SIGKILL');
    throw new Error(`PostgreSQL did not accept connections within 60 s: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
  }

  private async ensureFerretDbDatabase(): Promise<void> {
    const client = await this.connect('postgres');
    try {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [ferretDbDatabase]);
      if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${ferretDbDatabase}`);
    } finally {
      await client.end();
    }
  }

  private command(program: string): string[] {
    return [...this.account.prefix, program];
  }

  private ownedFolder(folder: string): void {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    this.chown(folder);
  }

  private chown(path: string): void {
    const owner = this.account.owner;
    if (owner) chownSync(path, owner.uid, owner.gid);
  }
}
