import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  auditAppSettings,
  ferretDbBinary,
  freePort,
  localIdentities,
  patientTestsAppSettings,
  repositoryRoot,
  startFerretDb,
  startFunctionHost,
  startStackIdentity,
  testPostgresql,
  uniqueDatabaseName,
  type FunctionHostProcess,
  type RunningFerretDb,
  type StackIdentity,
} from '@patient-tests/local-stack';
import { MongoClient } from 'mongodb';
import { aPatientBody } from '../fixtures/builders';

interface Problem { type: string; status: number }

/**
 * Both apps against a FerretDB of their own that is not running when they start, comes up, and is
 * killed in the middle of a burst of writes. The apps are never restarted. This FerretDB keeps its data
 * in the run's PostgreSQL cluster (on SQLite, in a folder of its own, when the run has no cluster).
 */
describe('database outages (both apps, their own FerretDB)', function () {
  this.timeout(90_000);
  const root = repositoryRoot();
  const dataDirectory = mkdtempSync(join(tmpdir(), 'patient-tests-outage-'));
  const names = { patientTests: uniqueDatabaseName('outage_patients'), audit: uniqueDatabaseName('outage_audit') };
  let port: number;
  let uri: string;
  let database: RunningFerretDb | undefined;
  let audit: FunctionHostProcess;
  let patientTests: FunctionHostProcess;
  let identity: StackIdentity;
  let operatorToken: string;

  const startDatabase = async () => {
    const cluster = testPostgresql();
    database = await startFerretDb({ binary: ferretDbBinary(root), dataDirectory, port, backend: cluster === undefined ? 'sqlite' : { postgresqlUrl: cluster.url }, log: () => undefined });
  };
  const createPatient = () =>
    fetch(`${patientTests.url}/api/patient`, {
      method: 'POST',
      headers: { authorization: `Bearer ${operatorToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(aPatientBody()),
    });

  before(async () => {
    port = await freePort();
    uri = testPostgresql()?.uriOnPort(port) ?? `mongodb://127.0.0.1:${port}/`;
    // Both apps call each other with tokens, so they get an identity service of their own too.
    identity = await startStackIdentity({ root, stateDirectory: dataDirectory, port: 0 });
    operatorToken = (await identity.service.tokens.issue(localIdentities.operator, 'patient_tests', 600)).token;
    const fast = { MONGODB_SERVER_SELECTION_TIMEOUT_MS: '500', MONGODB_CREATE_INDEXES: 'false' };
    audit = await startFunctionHost({
      appDirectory: join(root, 'src', 'AuditApi'),
      port: 0,
      settings: { ...auditAppSettings({ mongodbUri: uri, databaseName: names.audit, collectionName: 'auditrecords', identity: identity.identityFor('audit') }), ...fast },
      log: () => undefined,
    });
    patientTests = await startFunctionHost({
      appDirectory: join(root, 'src', 'PatientTestsApi'),
      port: 0,
      settings: { ...patientTestsAppSettings({ mongodbUri: uri, databaseName: names.patientTests, auditApiUrl: `${audit.url}/api`, identity: identity.identityFor('patient_tests') }), ...fast },
      log: () => undefined,
    });
  });
  after(async () => {
    await patientTests.stop();
    await audit.stop();
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: 2_000 });
    await client.db(names.patientTests).dropDatabase().catch(() => undefined);
    await client.db(names.audit).dropDatabase().catch(() => undefined);
    await client.close();
    await database?.stop();
    await identity.service.stop();
    rmSync(dataDirectory, { recursive: true, force: true });
  });

  it('start without a database, answer 503 with Retry-After meanwhile, and serve once it is up, without a restart', async () => {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const response = await createPatient();
      assert.equal(response.status, 503);
      assert.ok(Number(response.headers.get('retry-after')) >= 1, 'Retry-After tells the caller when to come back');
      const problem = (await response.json()) as Problem;
      assert.equal(problem.status, 503);
    }

    await startDatabase();
    const recovered = await createPatient();
    assert.equal(recovered.status, 201, 'the first request after the database is back succeeds');
  });

  it('never stores a patient without its audit record when the database dies in the middle of a burst', async () => {
    const burst = Array.from({ length: 40 }, (_, index) => new Promise<void>((resolve) => setTimeout(resolve, index * 5)).then(createPatient));
    await new Promise((resolve) => setTimeout(resolve, 60));
    database?.process.kill('SIGKILL');
    const answers = await Promise.all(burst);
    const statuses = answers.map((answer) => answer.status);
    assert.ok(statuses.every((status) => status === 201 || status === 503), `only 201 or 503, got ${statuses.join(',')}`);
    assert.ok(statuses.includes(503), 'the outage was felt');
    const created = await Promise.all(answers.filter((answer) => answer.status === 201).map(async (answer) => ((await answer.json()) as { id: string }).id));

    await startDatabase();
    const client = new MongoClient(uri);
    try {
      // The versions are the record of truth: a stored patient has its version 1 (its searchable copy may lag).
      const patients = await client.db(names.patientTests).collection<{ _id: string; _shardKey: string }>('patientversions').find({ _version: 1 }, { projection: { _shardKey: 1 } }).toArray();
      const audited = new Set(
        (await client.db(names.audit).collection<{ resource: { id?: string; operation: string } }>('auditrecords').find({ 'resource.operation': 'create' }).toArray()).map((record) => record.resource.id),
      );
      const stored = new Set(patients.map((patient) => patient._shardKey));
      for (const id of stored) assert.ok(audited.has(id), `patient ${id} is stored without its audit record`);
      for (const id of created) assert.ok(stored.has(id), `patient ${id} was confirmed with 201 but is not stored`);
    } finally {
      await client.close();
    }
    // Still the same processes: they reconnect on their own.
    assert.equal((await createPatient()).status, 201);
  });
});
