import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  auditAppSettings,
  freePort,
  localIdentities,
  patientTestsAppSettings,
  repositoryRoot,
  startEmbeddedDatabase,
  startFunctionHost,
  startStackIdentity,
  type EmbeddedDatabase,
  type FunctionHostProcess,
  type StackIdentity,
} from '@patient-tests/local-stack';
import { aPatientBody } from '../fixtures/builders';

interface Answer { readonly app: 'patientTests' | 'audit'; readonly status: number; readonly retryAfter: string | null }

// Fast shutdown (what a restart sends), immediate shutdown and a crash: each cuts FerretDB's PostgreSQL
// connections in its own way, and each gave the apps a FerretDB error of its own (issue 18, point 6).
const signals = ['SIGINT', 'SIGQUIT', 'SIGKILL', 'SIGINT', 'SIGQUIT', 'SIGKILL'] as const;

async function until(condition: () => boolean, message: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!condition()) {
    assert.ok(Date.now() < deadline, message);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Both apps on a PostgreSQL-backed FerretDB of their own whose PostgreSQL is stopped and restarted (by its
 * supervisor) under steady load, several rounds. FerretDB stays up and answers each request it cannot serve
 * with its InternalError (code 1): the apps must answer those 503 with Retry-After, never 500.
 */
describe('a PostgreSQL restart under load (both apps, their own embedded database)', function () {
  this.timeout(240_000);
  const root = repositoryRoot();
  const folder = mkdtempSync(join(tmpdir(), 'patient-tests-pg-restart-'));
  const roles = { patientTests: 'patient_tests_api', audit: 'audit_api' };
  let database: EmbeddedDatabase;
  let identity: StackIdentity;
  let audit: FunctionHostProcess;
  let patientTests: FunctionHostProcess;
  const tokens = { operator: '', auditWriter: '' };
  let knownPatient = '';
  /** What before() started, stopped in reverse order (before() may skip or fail half way). */
  const started: (() => Promise<void>)[] = [];

  before(async function () {
    if (process.env.MONGODB_URI) this.skip(); // the embedded PostgreSQL is what is restarted here
    chmodSync(folder, 0o711); // PostgreSQL runs as its own account when we are root
    database = await startEmbeddedDatabase({
      root,
      directory: folder,
      backend: 'postgresql',
      ports: { ferretdb: await freePort(), postgresql: 0 },
      roles: [{ name: roles.patientTests, databases: ['patienttests'] }, { name: roles.audit, databases: ['audit'] }],
      restartPolicy: { maxRestarts: signals.length + 2, windowMs: 600_000, initialDelayMs: 100, maxDelayMs: 1_000 },
      onGiveUp: () => undefined,
      log: () => () => undefined,
    });
    started.push(() => database.stop());
    identity = await startStackIdentity({ root, stateDirectory: folder, port: 0 });
    started.push(() => identity.service.stop());
    tokens.operator = (await identity.service.tokens.issue(localIdentities.operator, 'patient_tests', 600)).token;
    tokens.auditWriter = (await identity.service.tokens.issue(localIdentities.patientTests, 'audit', 600)).token;
    audit = await startFunctionHost({
      appDirectory: join(root, 'src', 'AuditApi'),
      port: 0,
      settings: auditAppSettings({ mongodbUri: database.uriFor(roles.audit), databaseName: 'audit', collectionName: 'auditrecords', identity: identity.identityFor('audit') }),
      log: () => undefined,
    });
    started.push(() => audit.stop());
    patientTests = await startFunctionHost({
      appDirectory: join(root, 'src', 'PatientTestsApi'),
      port: 0,
      settings: patientTestsAppSettings({ mongodbUri: database.uriFor(roles.patientTests), databaseName: 'patienttests', auditApiUrl: `${audit.url}/api`, identity: identity.identityFor('patient_tests') }),
      log: () => undefined,
    });
    started.push(() => patientTests.stop());
    // The first request of each app connects and creates its indexes, which on a busy machine can outlast
    // the audit timeout (a 503): warm both up until a create succeeds.
    let created = await createPatient();
    for (const deadline = Date.now() + 60_000; created.status === 503 && Date.now() < deadline; created = await createPatient()) {
      await created.arrayBuffer();
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.equal(created.status, 201, 'both apps serve before PostgreSQL is restarted');
    knownPatient = ((await created.json()) as { id: string }).id;
  });
  after(async () => {
    for (const stop of started.reverse()) await stop();
    rmSync(folder, { recursive: true, force: true });
  });

  const createPatient = () => fetch(`${patientTests.url}/api/patient`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens.operator}`, 'content-type': 'application/json' },
    body: JSON.stringify(aPatientBody()),
    signal: AbortSignal.timeout(15_000),
  });
  const loadPatient = () => fetch(`${patientTests.url}/api/patient/${knownPatient}`, { headers: { authorization: `Bearer ${tokens.operator}` }, signal: AbortSignal.timeout(15_000) });
  const appendAuditRecord = () => fetch(`${audit.url}/api/auditrecord`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens.auditWriter}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      sourceSystemName: 'PatientTestsApi',
      actor: { id: 'apim-subscription/restart', kind: 'apim-subscription', name: 'Restart test', product: 'patient-tests-clients', clientAddress: '203.0.113.9' },
      resource: { type: 'patient', id: knownPatient, operation: 'read' },
    }),
    signal: AbortSignal.timeout(15_000),
  });

  /** Sends requests back to back until told to stop; keeps every answer. */
  const worker = async (app: Answer['app'], send: () => Promise<Response>, answers: Answer[], running: { value: boolean }) => {
    while (running.value) {
      const response = await send();
      await response.arrayBuffer();
      answers.push({ app, status: response.status, retryAfter: response.headers.get('retry-after') });
    }
  };

  it(`answers only 2xx or 503 with Retry-After, never 500, while PostgreSQL restarts (${signals.length} rounds)`, async () => {
    const all: Answer[] = [];
    for (const [round, signal] of signals.entries()) {
      const answers: Answer[] = [];
      const running = { value: true };
      const workers = [
        worker('patientTests', createPatient, answers, running),
        worker('patientTests', createPatient, answers, running),
        worker('patientTests', loadPatient, answers, running),
        worker('audit', appendAuditRecord, answers, running),
        worker('audit', appendAuditRecord, answers, running),
      ];
      const served = (app: Answer['app'], from: number) => answers.slice(from).some((answer) => answer.app === app && answer.status < 300);
      await until(() => served('patientTests', 0) && served('audit', 0), `round ${round + 1}: no service before the restart`);
      const postgresql = database.postgresql;
      assert.ok(postgresql);
      const restarts = postgresql.restarts;
      postgresql.process.kill(signal);
      await until(() => postgresql.restarts > restarts && postgresql.state === 'running', `round ${round + 1}: PostgreSQL was not restarted`);
      // Service is judged from answers sent after the new postmaster runs: both apps must serve again.
      const afterRestart = answers.length;
      await until(() => served('patientTests', afterRestart) && served('audit', afterRestart), `round ${round + 1}: service did not come back`);
      running.value = false;
      await Promise.all(workers);
      all.push(...answers);
      const unexpected = answers
        .filter((answer) => !(answer.status < 300 || (answer.status === 503 && Number(answer.retryAfter) >= 1)))
        .map((answer) => `${answer.app} ${answer.status} (Retry-After ${answer.retryAfter ?? 'none'})`);
      assert.deepEqual(unexpected, [], `round ${round + 1} (${signal}): only 2xx, or 503 with Retry-After`);
    }
    const refused = (app: Answer['app']) => all.filter((answer) => answer.app === app && answer.status === 503).length;
    // The 503s are the requests that landed in the outage: the test means something only if there were some.
    assert.ok(refused('patientTests') > 0 && refused('audit') > 0, 'the outage was felt by both apps');
    process.stdout.write(`      ${all.length} requests; in the outage (503): PatientTests ${refused('patientTests')}, Audit ${refused('audit')}\n`);
  });
});
