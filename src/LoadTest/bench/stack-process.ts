import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, repositoryRoot, type StackStatus } from '@patient-tests/local-stack';

export interface StackProcess {
  readonly status: StackStatus;
  /** The `npm start` process (gateway); FerretDB and the two function hosts are its children. */
  readonly pid: number;
  stop(): Promise<void>;
}

/**
 * The stack exactly as `npm start` runs it, in a child process of its own so the gateway never shares
 * an event loop with the load generator; in a throw-away folder with its own FerretDB and PostgreSQL
 * cluster (or MONGODB_URI).
 */
export async function startStackProcess(mongodbUri?: string, extraEnvironment: Record<string, string> = {}): Promise<StackProcess> {
  const stateDirectory = mkdtempSync(join(tmpdir(), 'patient-tests-bench-'));
  // The embedded PostgreSQL runs as its own account when we are root: it must be able to enter the folder.
  chmodSync(stateDirectory, 0o711);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    LOCAL_STACK_DIR: stateDirectory,
    GATEWAY_PORT: '0',
    PATIENT_TESTS_PORT: '0',
    IDENTITY_PORT: '0',
    AUDIT_PORT: '0',
    FERRETDB_PORT: String(await freePort()),
    POSTGRESQL_PORT: '0',
    // The benchmark measures throughput, not the policy's rate limit (6 000 calls a minute per key).
    GATEWAY_CALLS_PER_WINDOW: '1000000000',
    ...extraEnvironment,
  };
  if (mongodbUri) env.MONGODB_URI = mongodbUri;
  const child: ChildProcess = spawn(process.execPath, [join(repositoryRoot(), 'src', 'LocalStack', 'dist', 'src', 'cli', 'up.js')], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const statusPath = join(stateDirectory, 'stack.json');
  const deadline = Date.now() + 60_000;
  while (!existsSync(statusPath)) {
    if (child.exitCode !== null) throw new Error('the local stack exited during start-up');
    if (Date.now() > deadline) throw new Error('the local stack did not start within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const status = JSON.parse(readFileSync(statusPath, 'utf8')) as StackStatus;
  return {
    status,
    pid: child.pid ?? 0,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGINT');
        await once(child, 'exit');
      }
      rmSync(stateDirectory, { recursive: true, force: true });
    },
  };
}
