import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StackStatus } from '../src/stack/stack-status';
import { freePort, waitForPort } from '../src/stack/wait-for-port';

const upEntry = join(__dirname, '..', 'src', 'cli', 'up.js');

interface RunningStack { child: ChildProcess; status: StackStatus; output: () => string }

/** Runs `npm start`'s program in its own state folder, so the developer's .local/ is never touched. */
async function startStack(stateDirectory: string, ferretPort: number, extra: Record<string, string> = {}): Promise<RunningStack> {
  const environment: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    LOCAL_STACK_DIR: stateDirectory,
    FERRETDB_PORT: String(ferretPort),
    GATEWAY_PORT: '0',
    AUDIT_PORT: '0',
    PATIENT_TESTS_PORT: '0',
    ...extra,
  };
  if (process.env.MONGODB_URI) environment.MONGODB_URI = process.env.MONGODB_URI;
  const child = spawn(process.execPath, [upEntry], { env: environment, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  const deadline = Date.now() + 30_000;
  while (!output.includes('Local stack is ready')) {
    if (child.exitCode !== null) throw new Error(`the stack exited early:\n${output}`);
    if (Date.now() > deadline) throw new Error(`the stack did not become ready:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const status = JSON.parse(readFileSync(join(stateDirectory, 'stack.json'), 'utf8')) as StackStatus;
  return { child, status, output: () => output };
}

async function refusesConnections(url: string): Promise<boolean> {
  try {
    await fetch(url);
    return false;
  } catch {
    return true;
  }
}

/** Linux: the pids whose parent is `parent`, read from /proc. */
function childrenOf(parent: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may contain spaces, so split after the last ')'.
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent;
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function allGone(pids: number[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (pids.every((pid) => !existsSync(`/proc/${pid}`))) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

describe('local stack (npm start)', () => {
  let stateDirectory: string;
  let ferretPort: number;
  let running: RunningStack | undefined;

  before(async () => {
    stateDirectory = mkdtempSync(join(tmpdir(), 'patient-tests-stack-'));
    ferretPort = await freePort();
  });
  after(async () => {
    if (running && running.child.exitCode === null) {
      running.child.kill('SIGINT');
      await once(running.child, 'exit');
    }
    rmSync(stateDirectory, { recursive: true, force: true });
  });

  it('comes up, writes stack.json and keys, stops on Ctrl-C, and keeps data and keys across a restart', async () => {
    running = await startStack(stateDirectory, ferretPort);
    const first = running.status;
    assert.match(first.gateway.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(first.gateway.subscriptionKey.length >= 32);
    assert.equal(first.audit.database, 'audit');
    assert.equal(first.audit.collection, 'auditrecords');
    assert.ok(running.output().includes(first.gateway.subscriptionKey), 'the banner shows the subscription key');
    assert.ok(first.gateway.secondSubscriptionKey.length >= 32 && first.gateway.secondSubscriptionKey !== first.gateway.subscriptionKey);
    assert.ok(running.output().includes(first.gateway.secondSubscriptionKey), 'and the second client\'s');
    assert.equal(statSync(join(stateDirectory, 'keys.json')).mode & 0o077, 0, 'keys.json is readable by its owner only');

    assert.equal(first.patientTests.database, 'patienttests');
    assert.equal((await fetch(`${first.gateway.url}/patient/search`, { method: 'POST' })).status, 401);
    // The Audit API is never published through the gateway, as in Azure.
    const notPublished = await fetch(`${first.gateway.url}/auditrecord`, { headers: { 'ocp-apim-subscription-key': first.gateway.subscriptionKey } });
    assert.equal(notPublished.status, 404);
    const created = await fetch(`${first.audit.url}/api/auditrecord`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-functions-key': first.audit.functionKey },
      body: JSON.stringify({ sourceSystemName: 'stack-test', actor: { id: 'stack-test', kind: 'test' }, resource: { type: 'patient', id: 'p-1', operation: 'create' } }),
    });
    assert.equal(created.status, 201);
    const { id } = (await created.json()) as { id: string };

    running.child.kill('SIGINT');
    const [code] = (await once(running.child, 'exit')) as [number | null];
    assert.equal(code, 0);
    assert.ok(await refusesConnections(first.audit.url), 'the Audit API host stopped');
    assert.ok(await refusesConnections(first.gateway.url), 'the gateway stopped');
    assert.ok(await refusesConnections(first.patientTests.url), 'the PatientTests API host stopped');
    if (first.embeddedDatabase) assert.ok(await refusesConnections(`http://127.0.0.1:${ferretPort}`), 'FerretDB stopped');

    running = await startStack(stateDirectory, ferretPort, { GATEWAY_SUBSCRIPTION_KEY: 'overridden-subscription-key' });
    const second = running.status;
    assert.equal(second.audit.functionKey, first.audit.functionKey, 'keys are reused');
    assert.equal(second.gateway.subscriptionKey, 'overridden-subscription-key', 'the environment overrides the key file');
    const readBack = await fetch(`${second.audit.url}/api/auditrecord/${id}`, { headers: { 'x-functions-key': second.audit.functionKey } });
    assert.equal(readBack.status, 200, 'data survived the restart');
  });

  it('leaves nothing running when Ctrl-C arrives in the middle of start-up', async function () {
    if (process.env.MONGODB_URI) this.skip(); // the interesting window is while the embedded FerretDB is up
    const directory = mkdtempSync(join(tmpdir(), 'patient-tests-stack-'));
    const port = await freePort();
    const child = spawn(process.execPath, [upEntry], {
      env: { PATH: process.env.PATH ?? '', LOCAL_STACK_DIR: directory, FERRETDB_PORT: String(port), GATEWAY_PORT: '0', AUDIT_PORT: '0', PATIENT_TESTS_PORT: '0' },
      stdio: 'ignore',
    });
    try {
      await waitForPort(port, 30_000, child);
      const started = childrenOf(child.pid ?? -1);
      assert.ok(started.length >= 1, 'FerretDB runs as a child of the stack');
      child.kill('SIGINT');
      await once(child, 'exit');
      assert.ok(await allGone(started, 15_000), `still running: ${started.filter((pid) => existsSync(`/proc/${pid}`)).join(', ')}`);
      assert.ok(await refusesConnections(`http://127.0.0.1:${port}`), 'FerretDB stopped');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
