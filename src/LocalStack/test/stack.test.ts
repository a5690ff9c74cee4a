import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { localIdentities } from '../src/identity/local-directory';
import type { StackStatus } from '../src/stack/stack-status';
import { freePort, waitForPort } from '../src/process/wait-for-port';
import { localTokenFor } from '../src/testing/local-tokens';

const upEntry = join(__dirname, '..', 'src', 'cli', 'up.js');
const tokenEntry = join(__dirname, '..', 'src', 'cli', 'token.js');

/** `npm run token -- <identity>`, as the README has a developer call it, against a stack folder. */
function tokenCommand(stateDirectory: string, identity: string): string {
  return execFileSync(process.execPath, [tokenEntry, identity], { env: { PATH: process.env.PATH ?? '', LOCAL_STACK_DIR: stateDirectory }, encoding: 'utf8' }).trim();
}

/** A throw-away stack folder the embedded PostgreSQL (its own account, when we are root) can enter. */
function stackFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'patient-tests-stack-'));
  chmodSync(folder, 0o711);
  return folder;
}

interface RunningStack { child: ChildProcess; status: StackStatus; output: () => string }

/** Runs `npm start`'s program in its own state folder, so the developer's .local/ is never touched. */
async function startStack(stateDirectory: string, ferretPort: number, extra: Record<string, string> = {}): Promise<RunningStack> {
  const environment: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    LOCAL_STACK_DIR: stateDirectory,
    FERRETDB_PORT: String(ferretPort),
    POSTGRESQL_PORT: '0',
    GATEWAY_PORT: '0',
    AUDIT_PORT: '0',
    PATIENT_TESTS_PORT: '0',
    IDENTITY_PORT: '0',
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
    stateDirectory = stackFolder();
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
    // The identity service's address is its tokens' issuer: a restart keeps it, as npm start keeps 7073.
    const identityPort = String(await freePort());
    running = await startStack(stateDirectory, ferretPort, { IDENTITY_PORT: identityPort });
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
    // As the PatientTests app appends (its managed identity's token), and as an auditor reads, with `npm run token`.
    const appendToken = await localTokenFor(first, localIdentities.patientTests, 'audit');
    assert.equal((await fetch(`${first.audit.url}/api/auditrecords?resourceType=patient`, { headers: { authorization: `Bearer ${appendToken}` } })).status, 403, 'the PatientTests identity may not read the register');
    const created = await fetch(`${first.audit.url}/api/auditrecord`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${appendToken}` },
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

    running = await startStack(stateDirectory, ferretPort, { GATEWAY_SUBSCRIPTION_KEY: 'overridden-subscription-key', IDENTITY_PORT: identityPort });
    const second = running.status;
    assert.equal(second.gateway.subscriptionKey, 'overridden-subscription-key', 'the environment overrides the key file');
    assert.equal(statSync(second.identity.keyFile).mode & 0o077, 0, 'the identity service\'s signing key is readable by its owner only');
    const auditorToken = tokenCommand(stateDirectory, 'auditor');
    const readBack = await fetch(`${second.audit.url}/api/auditrecord/${id}`, { headers: { authorization: `Bearer ${auditorToken}` } });
    assert.equal(readBack.status, 200, 'data survived the restart');
    const stillValid = await fetch(`${second.audit.url}/api/auditrecord`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${appendToken}` },
      body: JSON.stringify({ sourceSystemName: 'stack-test', actor: { id: 'stack-test', kind: 'test' }, resource: { type: 'patient', id: 'p-1', operation: 'read' } }),
    });
    assert.equal(stillValid.status, 201, 'the signing key is kept: a token issued before the restart is still good');
    assert.ok(!JSON.stringify(second).includes(auditorToken) && !/"(functionKey|token|privateJwk)"/.test(readFileSync(join(stateDirectory, 'stack.json'), 'utf8')), 'stack.json holds no credential that opens a backend');
  });

  it('gives each app a database role of its own: the PatientTests credential can neither write nor read the audit register', async function () {
    if (process.env.MONGODB_URI) this.skip(); // roles exist on the embedded PostgreSQL only
    assert.ok(running);
    const { status } = running;
    assert.equal(status.embeddedDatabase, 'postgresql');
    assert.notEqual(status.patientTests.mongodbUri, status.audit.mongodbUri);
    const patientTests = new MongoClient(status.patientTests.mongodbUri, { serverSelectionTimeoutMS: 5_000 });
    const audit = new MongoClient(status.audit.mongodbUri, { serverSelectionTimeoutMS: 5_000 });
    const impostor = new MongoClient(status.audit.mongodbUri.replace(/:[^:@]+@/, ':wrong-password@'), { serverSelectionTimeoutMS: 5_000 });
    try {
      const register = patientTests.db(status.audit.database).collection<{ _id: string }>(status.audit.collection);
      await assert.rejects(register.insertOne({ _id: `forged-${Date.now()}` }), /permission denied/);
      await assert.rejects(register.findOne({}), /permission denied/);
      await assert.rejects(register.deleteMany({}), /permission denied/);
      await assert.rejects(patientTests.db(status.audit.database).dropDatabase(), /must be owner|permission denied/);
      await assert.rejects(patientTests.db('another_database').collection<{ _id: string }>('x').insertOne({ _id: 'x' }), /permission denied/, 'no new databases either');
      await assert.rejects(audit.db(status.patientTests.database).collection<{ _id: string }>('patients').insertOne({ _id: 'x' }), /permission denied/);
      assert.equal((await audit.db(status.audit.database).collection(status.audit.collection).countDocuments()) >= 1, true, 'the Audit API still reads its own');
      await assert.rejects(impostor.db(status.audit.database).collection(status.audit.collection).findOne({}), 'a wrong password is refused');
    } finally {
      await patientTests.close();
      await audit.close();
      // An open client keeps monitoring its server, and so keeps the test run alive after the last test.
      await impostor.close();
    }
  });

  it('stops with exit code 1 and says why when a process keeps failing, leaving nothing running', async function () {
    if (process.env.MONGODB_URI) this.skip();
    const directory = stackFolder();
    const stack = await startStack(directory, await freePort(), { STACK_MAX_RESTARTS: '1' });
    try {
      const auditHost = () => childrenOf(stack.child.pid ?? -1).find((pid) => readFileSync(`/proc/${pid}/environ`, 'utf8').includes('FUNCTIONS_APP_DIR=') && readFileSync(`/proc/${pid}/environ`, 'utf8').includes('AuditApi'));
      const first = auditHost();
      assert.ok(first !== undefined, 'the Audit API host runs');
      const children = childrenOf(stack.child.pid ?? -1);
      process.kill(first, 'SIGKILL');
      const deadline = Date.now() + 30_000;
      while (!stack.output().includes('Audit API is running again')) {
        assert.ok(Date.now() < deadline, stack.output());
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const second = auditHost();
      assert.ok(second !== undefined && second !== first, 'a new Audit API host runs');
      assert.equal((await fetch(`${stack.status.audit.url}/api/auditrecords?resourceType=x`, { headers: { authorization: `Bearer ${tokenCommand(directory, 'auditor')}` } })).status, 200);
      process.kill(second, 'SIGKILL');
      const [code] = (await once(stack.child, 'exit')) as [number | null];
      assert.equal(code, 1);
      assert.match(stack.output(), /Audit API exited unexpectedly \(signal SIGKILL\); restarting in \d+ ms/);
      assert.match(stack.output(), /The local stack stopped: Audit API exited unexpectedly \(signal SIGKILL\); it failed 2 times within 60 s, so it is not restarted again/);
      assert.ok(await allGone(children, 15_000), 'every process of the stack stopped');
      assert.ok(await refusesConnections(stack.status.gateway.url), 'the gateway stopped');
    } finally {
      if (stack.child.exitCode === null) stack.child.kill('SIGKILL');
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('still runs on SQLite when asked (FERRETDB_BACKEND=sqlite, no PostgreSQL)', async function () {
    if (process.env.MONGODB_URI) this.skip();
    const directory = stackFolder();
    const stack = await startStack(directory, await freePort(), { FERRETDB_BACKEND: 'sqlite' });
    try {
      assert.equal(stack.status.embeddedDatabase, 'sqlite');
      const created = await fetch(`${stack.status.gateway.url}/patient`, {
        method: 'POST',
        headers: { 'ocp-apim-subscription-key': stack.status.gateway.subscriptionKey, 'content-type': 'application/json' },
        body: JSON.stringify({ firstName: 'Ada', lastName: 'Lovelace', gender: 'female', dateOfBirth: '1815-12-10', postCode: '2000' }),
      });
      assert.equal(created.status, 201);
    } finally {
      stack.child.kill('SIGINT');
      await once(stack.child, 'exit');
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('leaves nothing running when Ctrl-C arrives in the middle of start-up', async function () {
    if (process.env.MONGODB_URI) this.skip(); // the interesting window is while the embedded FerretDB is up
    const directory = stackFolder();
    const port = await freePort();
    const child = spawn(process.execPath, [upEntry], {
      env: { PATH: process.env.PATH ?? '', LOCAL_STACK_DIR: directory, FERRETDB_PORT: String(port), POSTGRESQL_PORT: '0', GATEWAY_PORT: '0', AUDIT_PORT: '0', PATIENT_TESTS_PORT: '0', IDENTITY_PORT: '0' },
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
