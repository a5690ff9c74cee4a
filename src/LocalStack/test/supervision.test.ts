import assert from 'node:assert/strict';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { startStack, type RunningStack } from '../src/stack/start-stack';
import { freePort } from '../src/process/wait-for-port';
import { repositoryRoot } from '../src/stack/repository-root';
import type { SupervisedProcess, Started } from '../src/supervision/supervised-process';

const rounds = 3;

async function until(condition: () => boolean, message: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!condition()) {
    assert.ok(Date.now() < deadline, message);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface Answer { readonly status: number; readonly id?: string; readonly retryAfter: string | null }

/**
 * The whole embedded stack (gateway, both hosts, FerretDB, PostgreSQL) with its supervisor; each process
 * is killed with SIGKILL in the middle of a burst of creates, several rounds each. Service must come back
 * on its own, and nothing may be stored without its audit record, nor confirmed without being stored.
 */
describe('supervision: each process of the stack killed under load', function () {
  this.timeout(240_000);
  let folder: string;
  let stack: RunningStack;
  let client: MongoClient;
  const gaveUp: string[] = [];
  const subscriptionKey = 'supervision-subscription-key';

  before(async function () {
    if (process.env.MONGODB_URI) this.skip(); // the embedded database is what is killed here
    folder = mkdtempSync(join(tmpdir(), 'patient-tests-supervision-'));
    chmodSync(folder, 0o711);
    stack = await startStack({
      root: repositoryRoot(),
      stateDirectory: folder,
      ports: { gateway: 0, patientTests: 0, audit: 0, ferretdb: await freePort(), postgresql: 0 },
      keys: {
        gatewaySubscriptionKey: subscriptionKey,
        secondSubscriptionKey: 'supervision-second-subscription-key',
      },
      names: { auditDatabase: 'audit', auditCollection: 'auditrecords', patientTestsDatabase: 'patienttests' },
      // Each process is killed `rounds` times; the window must allow that, the give-up test is elsewhere.
      restartPolicy: { maxRestarts: rounds + 2, windowMs: 600_000, initialDelayMs: 100, maxDelayMs: 2_000 },
      onGiveUp: (reason) => { gaveUp.push(reason); },
      log: () => () => undefined,
    });
    client = new MongoClient(stack.status.mongodbUri);
  });
  after(async () => {
    await client.close();
    await stack.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  const create = async (): Promise<Answer> => {
    const response = await fetch(`${stack.status.gateway.url}/patient`, {
      method: 'POST',
      headers: { 'ocp-apim-subscription-key': subscriptionKey, 'content-type': 'application/json' },
      body: JSON.stringify({ firstName: 'Ada', lastName: `SUPERVISED_${randomUUID().slice(0, 8)}`, gender: 'female', dateOfBirth: '1815-12-10', postCode: '2000' }),
      signal: AbortSignal.timeout(15_000),
    });
    const body = (await response.json()) as { id?: string };
    return { status: response.status, retryAfter: response.headers.get('retry-after'), ...(response.status === 201 && body.id !== undefined ? { id: body.id } : {}) };
  };

  const burst = (count: number, gapMs: number) => Promise.all(Array.from({ length: count }, async (_, index) => {
    await new Promise((resolve) => setTimeout(resolve, index * gapMs));
    return create();
  }));

  /** Polls with creates until one succeeds; every refusal meanwhile must be allowed, and a 503 says when to retry. */
  const waitForService = async (allowed: readonly number[]): Promise<number> => {
    const started = Date.now();
    for (;;) {
      const answer = await create();
      if (answer.status === 201) return Date.now() - started;
      assert.ok(allowed.includes(answer.status), `while recovering: ${answer.status}`);
      if (answer.status === 503) assert.ok(Number(answer.retryAfter) >= 1, 'a 503 carries Retry-After');
      assert.ok(Date.now() - started < 60_000, 'service did not come back within 60 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  const assertNothingHalfWritten = async (answers: readonly Answer[]) => {
    // The versions collection is the record of truth; the search copy in `patients` is best effort.
    const stored = new Set((await client.db('patienttests').collection<{ _shardKey: string }>('patientversions').find({ _version: 1 }, { projection: { _shardKey: 1 } }).toArray()).map((version) => version._shardKey));
    const audited = new Set((await client.db('audit').collection<{ resource: { id?: string; operation: string } }>('auditrecords').find({ 'resource.operation': 'create' }).toArray()).map((record) => record.resource.id));
    for (const id of stored) assert.ok(audited.has(id), `patient ${id} is stored without its audit record`);
    for (const answer of answers) if (answer.id !== undefined) assert.ok(stored.has(answer.id), `patient ${answer.id} was confirmed but not stored`);
  };

  const processes: [string, () => SupervisedProcess<Started>, readonly number[]][] = [
    // A killed host loses the requests it was serving: the gateway answers those 502 (the connection broke).
    ['the Audit API host', () => stack.audit, [201, 503]],
    ['the PatientTests API host', () => stack.patientTests, [201, 502, 503]],
    // A lost database is transient: 503 with Retry-After, also while FerretDB reports its lost PostgreSQL
    // connection as an internal error (code 1, recognised by its SQLSTATE: docs/resilience.md), never 500.
    ['FerretDB', () => { assert.ok(stack.database); return stack.database.ferretdb; }, [201, 503]],
    ['PostgreSQL', () => { assert.ok(stack.database?.postgresql); return stack.database.postgresql; }, [201, 503]],
  ];

  for (const [name, supervised, allowed] of processes) {
    it(`restarts ${name} after SIGKILL, ${rounds} rounds: only ${allowed.join('/')} meanwhile, service back, nothing unaudited`, async () => {
      const all: Answer[] = [];
      for (let round = 1; round <= rounds; round += 1) {
        const target = supervised();
        const before = { pid: target.process.pid, restarts: target.restarts };
        const exited = once(target.process, 'exit');
        const running = burst(30, 5);
        await new Promise((resolve) => setTimeout(resolve, 40));
        target.process.kill('SIGKILL');
        const answers = await running;
        await exited;
        all.push(...answers);
        for (const answer of answers) assert.ok(allowed.includes(answer.status), `round ${round}: ${answers.map((each) => each.status).join(',')}`);
        // A killed postmaster's sessions may serve a moment longer, so service is judged after the restart.
        await until(() => target.restarts > before.restarts, `round ${round}: ${name} was not restarted within 60 s`);
        await waitForService(allowed);
        assert.equal(target.restarts, before.restarts + 1, `round ${round}: restarted once`);
        assert.notEqual(target.process.pid, before.pid, `round ${round}: a new process serves`);
        assert.equal(target.state, 'running');
      }
      await assertNothingHalfWritten(all);
      assert.deepEqual(gaveUp, [], 'the supervisor never gave up');
    });
  }
});
