import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { stopProcess } from '../process/stop-process';
import { forwardFerretDbLog } from './ferretdb-log';
import { waitForPort } from '../process/wait-for-port';
import { deathSignalPrefix } from './run-as-server-user';

export interface FerretDbOptions {
  readonly binary: string;
  /** Folder for FerretDB's state (and, with the SQLite backend, its files: one per database). */
  readonly dataDirectory: string;
  readonly port: number;
  /**
   * Where the data lives: a PostgreSQL database (the URL carries no user: FerretDB then connects with
   * each client's own credentials, so PostgreSQL's roles decide who may read and write what), or SQLite.
   */
  readonly backend?: { readonly postgresqlUrl: string } | 'sqlite';
  readonly log: (line: string) => void;
}

export interface RunningFerretDb {
  readonly uri: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts FerretDB on loopback, on PostgreSQL or SQLite. Telemetry is off because its default,
 * "undecided", reports to an outside beacon; the debug HTTP listener is off because nothing uses it.
 */
export async function startFerretDb(options: FerretDbOptions): Promise<RunningFerretDb> {
  if (!existsSync(options.binary)) {
    throw new Error(`FerretDB is not installed at ${options.binary}; run scripts/install-ferretdb.sh, or set MONGODB_URI to use another MongoDB`);
  }
  const state = resolve(options.dataDirectory, 'state');
  mkdirSync(state, { recursive: true });
  const backend = options.backend ?? 'sqlite';
  let backendFlags: string[];
  if (backend === 'sqlite') {
    const data = resolve(options.dataDirectory, 'sqlite');
    mkdirSync(data, { recursive: true });
    backendFlags = ['--handler=sqlite', `--sqlite-url=file:${data}/`];
  } else {
    backendFlags = ['--handler=postgresql', `--postgresql-url=${backend.postgresqlUrl}`];
  }
  // The parent-death signal (Linux) ends FerretDB even when our process is killed with SIGKILL.
  const [setpriv, ...setprivArguments] = deathSignalPrefix('TERM');
  const child = spawn(setpriv ?? options.binary, [
    ...setprivArguments,
    ...(setpriv === undefined ? [] : [options.binary]),
    ...backendFlags,
    `--listen-addr=127.0.0.1:${options.port}`,
    '--telemetry=disable',
    '--debug-addr=-',
    `--state-dir=${state}`,
    '--log-level=error',
    // One JSON object a line, so the forwarder can drop expected conflicts by their code.
    '--log-format=json',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  // Whatever path ends our process, FerretDB must not outlive it (a Go program cannot watch its parent).
  const killOnExit = () => { if (child.exitCode === null) child.kill('SIGKILL'); };
  process.on('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  const forward = forwardFerretDbLog(options.log);
  createInterface({ input: child.stdout }).on('line', forward);
  createInterface({ input: child.stderr }).on('line', forward);
  await waitForPort(options.port, 30_000, child);
  return {
    uri: `mongodb://127.0.0.1:${options.port}/`,
    process: child,
    stop: () => stopProcess(child),
  };
}

export function ferretDbBinary(repositoryRoot: string): string {
  return join(repositoryRoot, '.local', 'bin', 'ferretdb');
}
