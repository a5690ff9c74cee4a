import assert from 'node:assert/strict';
import { NotFoundError, PreconditionFailedError, ServiceUnavailableError } from '@patient-tests/shared/errors';
import type { Patient, PatientFields } from '../../src/domain/patient';
import { PatientService } from '../../src/domain/patient-service';
import { MedicalTestService } from '../../src/domain/medical-test-service';
import { IdempotentCreations } from '../../src/domain/idempotent-creations';
import { aDateOfBirth } from '../fixtures/builders';
import { FakeAuditTrail, FakeKeyClaimStore, FakeMedicalTestStore, FakePatientStore, Journal, RecordingLog, recordingBackoff } from '../fixtures/fakes';

const fields: PatientFields = { firstName: 'Ada', gender: 'female', dateOfBirth: aDateOfBirth('1815-12-10'), postCode: '2000' };
const scope = { actor: { kind: 'entra-principal' as const, objectId: '6eaeb0ac-199c-4753-a5cc-b1c44d89ec67' }, traceParent: undefined, log: new RecordingLog() };

function setUp() {
  const journal = new Journal();
  const audit = new FakeAuditTrail(journal);
  const patientStore = new FakePatientStore(journal);
  const testStore = new FakeMedicalTestStore(journal);
  const claimStore = new FakeKeyClaimStore(journal);
  const clock = { now: new Date('2026-01-01T00:00:00Z') };
  const now = () => clock.now;
  const creations = new IdempotentCreations(claimStore, 24 * 3600_000, now);
  let ids = 0;
  const newId = () => `00000000-0000-4000-8000-00000000000${++ids}`;
  const contention = recordingBackoff({ attempts: 100, baseMs: 5, maxMs: 100 });
  const readBack = recordingBackoff({ attempts: 4, baseMs: 10, maxMs: 200 });
  const options = { now, newId, contention: contention.backoff, readBack: readBack.backoff };
  const patients = new PatientService(patientStore, audit, creations, options);
  const tests = new MedicalTestService(testStore, patientStore, audit, creations, options);
  return { journal, audit, patientStore, testStore, claimStore, clock, patients, tests, contentionWaits: contention.waits, readBackWaits: readBack.waits };
}

describe('PatientService and MedicalTestService', () => {
  it('audit before they touch data, in every use case', async () => {
    const { journal, patients, tests } = setUp();
    const { resource: patient } = await patients.create(fields, scope);
    await patients.load(patient.id, scope);
    await patients.update(patient.id, fields, undefined, scope);
    await patients.versions(patient.id, 10, undefined, scope);
    await patients.search({}, 10, undefined, scope);
    const { resource: test } = await tests.create(patient.id, { performer: 'p', orderReference: 'o', observations: [] }, scope);
    await tests.list(patient.id, scope);
    await tests.load(patient.id, test.id, scope);
    assert.deepEqual(journal.steps, [
      'audit patient create', 'patients.insert', 'patients.publish',
      'audit patient read', 'patients.findById', 'patients.publishedVersion',
      'audit patient update', 'patients.findById', 'patients.appendVersion', 'patients.publish',
      'audit patient history', 'patients.versions', 'patients.publishedVersion',
      'audit patient search', 'patients.search',
      'audit test create', 'patients.exists', 'tests.insert',
      'audit test list', 'patients.exists', 'tests.listByPatient',
      'audit test read', 'tests.findById',
    ]);
  });

  it('stop at the audit when it fails: no read, no write', async () => {
    const { journal, audit, patients, tests, patientStore } = setUp();
    const { resource: existing } = await patients.create(fields, scope);
    journal.steps.length = 0;
    audit.failing = true;
    const attempts = [
      patients.create(fields, scope),
      patients.create(fields, scope, 'key-1'),
      patients.load(existing.id, scope),
      patients.update(existing.id, fields, undefined, scope),
      patients.versions(existing.id, 10, undefined, scope),
      patients.search({}, 10, undefined, scope),
      tests.create(existing.id, { performer: 'p', orderReference: 'o', observations: [] }, scope),
      tests.create(existing.id, { performer: 'p', orderReference: 'o', observations: [] }, scope, 'key-1'),
      tests.list(existing.id, scope),
      tests.load(existing.id, 'x', scope),
    ];
    for (const attempt of attempts) await assert.rejects(attempt, ServiceUnavailableError);
    assert.ok(journal.steps.every((step) => step.startsWith('audit ')), journal.steps.join(', '));
    assert.equal(patientStore.patients.size, 1);
  });

  it('audit a search without any criteria', async () => {
    const { audit, patients } = setUp();
    await patients.search({ lastName: 'Lovelace', bornFrom: new Date(0) }, 10, undefined, scope);
    assert.deepEqual(audit.entries, [{ type: 'patient', operation: 'search' }]);
  });

  it('answer 412 when If-Match names an older version, and apply an update without If-Match', async () => {
    const { patients } = setUp();
    const { resource: patient } = await patients.create(fields, scope);
    const updated = await patients.update(patient.id, { ...fields, firstName: 'Augusta' }, 1, scope);
    assert.equal(updated.version, 2);
    await assert.rejects(patients.update(patient.id, fields, 1, scope), PreconditionFailedError);
    await assert.rejects(patients.update(patient.id, fields, 7, scope), PreconditionFailedError, 'a version from the future matches nothing');
    assert.equal((await patients.update(patient.id, fields, undefined, scope)).version, 3);
  });

  it('answer 412 with If-Match when another writer stores the next version first', async () => {
    const { patients, patientStore } = setUp();
    const { resource: patient } = await patients.create(fields, scope);
    const rival = { ...patient, firstName: 'Rival', version: 2 };
    patientStore.beforeAppend = () => { patientStore.beforeAppend = undefined; void patientStore.appendVersion(rival); };
    await assert.rejects(patients.update(patient.id, { ...fields, firstName: 'Mine' }, 1, scope), PreconditionFailedError);
    assert.deepEqual(patientStore.patients.get(patient.id), rival);
  });

  it('rebuild on the newer version without If-Match when another writer stores the next version first: both updates stand, in order', async () => {
    const { patients, patientStore, journal } = setUp();
    const { resource: patient } = await patients.create(fields, scope);
    const rival = { ...patient, firstName: 'Rival', version: 2 };
    patientStore.beforeAppend = () => { patientStore.beforeAppend = undefined; void patientStore.appendVersion(rival); };
    journal.steps.length = 0;
    const mine = await patients.update(patient.id, { ...fields, firstName: 'Mine' }, undefined, scope);
    assert.equal(mine.version, 3);
    assert.deepEqual(patientStore.history.get(patient.id)?.map((version) => version.firstName), ['Ada', 'Rival', 'Mine']);
    assert.deepEqual(journal.steps, [
      'audit patient update', 'patients.findById', 'patients.appendVersion', 'patients.appendVersion',
      'patients.findById', 'patients.appendVersion', 'patients.publish',
    ], 'audited once, however many attempts');
  });

  it('wait a random, growing while between attempts that lost the race, so losers do not come back in step', async () => {
    const { patients, patientStore, contentionWaits } = setUp();
    const { resource: patient } = await patients.create(fields, scope);
    let rivals = 3;
    const rival = (attempt: Patient) => {
      patientStore.beforeAppend = undefined;
      if (rivals-- > 0) void patientStore.appendVersion({ ...attempt, firstName: 'Rival' });
      patientStore.beforeAppend = rival;
    };
    patientStore.beforeAppend = rival;
    assert.equal((await patients.update(patient.id, fields, undefined, scope)).version, 5);
    assert.deepEqual(contentionWaits, [5, 10, 20], 'one wait per lost attempt, each bound doubling (the fake random is 1)');
  });

  it('read again when an If-Match is ahead of what a lagging replica shows, instead of answering 412', async () => {
    const { patients, patientStore, readBackWaits } = setUp();
    const { resource: patient } = await patients.create(fields, scope);
    await patients.update(patient.id, fields, undefined, scope);
    patientStore.staleReads = 2;
    assert.equal((await patients.update(patient.id, { ...fields, firstName: 'Augusta' }, 2, scope)).version, 3);
    assert.deepEqual(readBackWaits, [10, 20]);
  });

  it('read back a replayed creation that a lagging replica does not show yet, and answer 503 (retryable), never 500, when it stays unseen', async () => {
    const { patients, tests, patientStore, testStore, readBackWaits } = setUp();
    const { resource: created } = await patients.create(fields, scope, 'key-1');
    patientStore.invisibleReads = 2;
    assert.deepEqual(await patients.create(fields, scope, 'key-1'), { resource: created, replayed: true });
    assert.ok(readBackWaits.length > 0);
    patientStore.invisibleReads = 1_000;
    await assert.rejects(patients.create(fields, scope, 'key-1'), (error: unknown) => error instanceof ServiceUnavailableError && error.retryAfterSeconds === 1);
    patientStore.invisibleReads = 0;

    const testFields = { performer: 'p', orderReference: 'o', observations: [] };
    const { resource: test } = await tests.create(created.id, testFields, scope, 'key-2');
    testStore.invisibleReads = 3;
    assert.deepEqual(await tests.create(created.id, testFields, scope, 'key-2'), { resource: test, replayed: true });
    testStore.invisibleReads = 1_000;
    await assert.rejects(tests.create(created.id, testFields, scope, 'key-2'), ServiceUnavailableError);
  });

  it('give up with 503 rather than loop forever when every attempt loses', async () => {
    const { patients, patientStore, contentionWaits } = setUp();
    const { resource: patient } = await patients.create(fields, scope);
    const rivalWrites = () => {
      patientStore.beforeAppend = (attempt) => {
        patientStore.beforeAppend = undefined;
        void patientStore.appendVersion({ ...attempt, firstName: 'Rival' }).then(rivalWrites);
      };
    };
    rivalWrites();
    await assert.rejects(patients.update(patient.id, fields, undefined, scope), ServiceUnavailableError);
    assert.equal(patientStore.history.get(patient.id)?.length, 101, 'version 1 and the 100 versions of the rival');
    assert.equal(contentionWaits.length, 99, 'a wait between attempts, none after the last');
    assert.equal(Math.max(...contentionWaits), 100, 'each wait bounded');
  });

  it('list versions newest first, a page at a time, and 404 for an unknown patient after auditing', async () => {
    const { patients, audit } = setUp();
    const { resource: patient } = await patients.create(fields, scope);
    for (const firstName of ['B', 'C', 'D']) await patients.update(patient.id, { ...fields, firstName }, undefined, scope);
    const first = await patients.versions(patient.id, 3, undefined, scope);
    assert.deepEqual(first.versions.map((version) => version.version), [4, 3, 2]);
    assert.equal(first.nextBeforeVersion, 2);
    const last = await patients.versions(patient.id, 3, 2, scope);
    assert.deepEqual(last.versions.map((version) => [version.version, version.firstName]), [[1, 'Ada']]);
    assert.equal(last.nextBeforeVersion, null);
    await assert.rejects(patients.versions('00000000-0000-4000-8000-00000000ffff', 3, undefined, scope), NotFoundError);
    assert.deepEqual(audit.entries.at(-1), { type: 'patient', id: '00000000-0000-4000-8000-00000000ffff', operation: 'history' });
  });

  describe('when publishing for search fails after the change was stored', () => {
    function failingPublish() {
      const setup = setUp();
      const log = new RecordingLog();
      return { ...setup, log, scope: { ...scope, log } };
    }

    it('still answer the create with its patient, log the failure, and publish at the next load', async () => {
      const { patients, patientStore, log, scope: logged } = failingPublish();
      patientStore.failPublish = true;
      const { resource: created, replayed } = await patients.create(fields, logged);
      assert.equal(replayed, false);
      assert.deepEqual(patientStore.history.get(created.id), [created], 'the patient is stored');
      assert.deepEqual((await patients.search({}, 10, undefined, logged)).patients, [], 'search lags');
      assert.deepEqual(log.warnings, [{ message: 'stored, but not yet published for search', details: { patientId: created.id, error: 'ServiceUnavailableError' } }]);
      patientStore.failPublish = false;
      assert.deepEqual(await patients.load(created.id, logged), created);
      assert.deepEqual((await patients.search({}, 10, undefined, logged)).patients, [created], 'search caught up after the read');
    });

    it('still answer the update with its new version, log the failure, and publish at the next update, load or history read', async () => {
      const { patients, patientStore, log, scope: logged } = failingPublish();
      const { resource: created } = await patients.create(fields, logged);
      patientStore.failPublish = true;
      const updated = await patients.update(created.id, { ...fields, firstName: 'Augusta' }, 1, logged);
      assert.equal(updated.version, 2);
      assert.deepEqual(await patients.load(created.id, logged), updated, 'loads show the change');
      assert.equal(log.warnings.length, 2, 'the update\'s publish and the load\'s repair, both failed and logged');
      assert.deepEqual((await patients.search({}, 10, undefined, logged)).patients.map((patient) => patient.version), [1]);
      patientStore.failPublish = false;
      await assert.rejects(patients.update(created.id, fields, 1, logged), PreconditionFailedError, 'the caller\'s retry of its own update');
      assert.deepEqual((await patients.search({}, 10, undefined, logged)).patients.map((patient) => patient.version), [2], 'and search caught up');

      patientStore.failPublish = true;
      await patients.update(created.id, { ...fields, firstName: 'Third' }, undefined, logged);
      patientStore.failPublish = false;
      await patients.versions(created.id, 10, undefined, logged);
      assert.deepEqual((await patients.search({}, 10, undefined, logged)).patients.map((patient) => patient.version), [3], 'a history read repairs too');
    });

    it('let a replayed create publish what the first request could not', async () => {
      const { patients, patientStore, scope: logged } = failingPublish();
      patientStore.failPublish = true;
      const { resource: created } = await patients.create(fields, logged, 'key-1');
      patientStore.failPublish = false;
      assert.deepEqual(await patients.create(fields, logged, 'key-1'), { resource: created, replayed: true });
      assert.deepEqual((await patients.search({}, 10, undefined, logged)).patients, [created]);
    });

    it('read the patient as existing for its tests before it is published', async () => {
      const { patients, tests, patientStore, scope: logged } = failingPublish();
      patientStore.failPublish = true;
      const { resource: created } = await patients.create(fields, logged);
      const { resource: test } = await tests.create(created.id, { performer: 'p', orderReference: 'o', observations: [] }, logged);
      assert.equal(test.patientId, created.id);
    });
  });

  it('page a search with one extra row to know whether more exist', async () => {
    const { patients } = setUp();
    for (let index = 0; index < 3; index++) await patients.create(fields, scope);
    const first = await patients.search({}, 2, undefined, scope);
    assert.equal(first.patients.length, 2);
    const { nextAfterId } = first;
    assert.ok(nextAfterId !== null);
    assert.equal(nextAfterId, first.patients[1]?.id);
    const last = await patients.search({}, 2, nextAfterId, scope);
    assert.equal(last.patients.length, 1);
    assert.equal(last.nextAfterId, null);
  });

  it('check that the patient exists before claiming a test\'s Idempotency-Key: a 404 claims nothing, and the corrected request with the key succeeds', async () => {
    const { tests, patients, claimStore, journal } = setUp();
    const { resource: patient } = await patients.create(fields, scope);
    const unknown = '00000000-0000-4000-8000-00000000ffff';
    const testFields = { performer: 'p', orderReference: 'o', observations: [] };
    journal.steps.length = 0;
    await assert.rejects(tests.create(unknown, testFields, scope, 'key-1'), NotFoundError);
    assert.deepEqual(journal.steps, ['audit test create', 'patients.exists']);
    assert.equal(claimStore.claims.size, 0);
    journal.steps.length = 0;
    const { resource: created, replayed } = await tests.create(patient.id, testFields, scope, 'key-1');
    assert.equal(replayed, false);
    assert.equal(created.patientId, patient.id);
    assert.deepEqual(journal.steps, ['audit test create', 'patients.exists', 'keys.claim', 'tests.insert']);
  });

  it('refuse tests for a patient that does not exist, after auditing the attempt', async () => {
    const { tests, testStore, audit } = setUp();
    await assert.rejects(tests.create('00000000-0000-4000-8000-00000000ffff', { performer: 'p', orderReference: 'o', observations: [] }, scope), NotFoundError);
    await assert.rejects(tests.list('00000000-0000-4000-8000-00000000ffff', scope), NotFoundError);
    assert.equal(testStore.tests.length, 0);
    assert.deepEqual(audit.entries.map((entry) => entry.operation), ['create', 'list']);
  });
});
