import assert from 'node:assert/strict';
import { IdempotencyKeyReusedError, NotFoundError, ServiceUnavailableError } from '@patient-tests/shared/errors';
import { readBackPolicy } from '@patient-tests/shared/retry';
import type { RequestScope } from '../../src/domain/audit-trail';
import { IdempotentCreations, fingerprintOf } from '../../src/domain/idempotent-creations';
import { MedicalTestService } from '../../src/domain/medical-test-service';
import type { PatientFields } from '../../src/domain/patient';
import { PatientService } from '../../src/domain/patient-service';
import { aDateOfBirth } from '../fixtures/builders';
import { FakeAuditTrail, FakeKeyClaimStore, FakeMedicalTestStore, FakePatientStore, Journal, RecordingLog, recordingBackoff } from '../fixtures/fakes';

const fields: PatientFields = { firstName: 'Ada', gender: 'female', dateOfBirth: aDateOfBirth('1815-12-10'), postCode: '2000' };
const first: RequestScope = { actor: { kind: 'apim-subscription', subscriptionId: 'first-client' }, log: new RecordingLog() };
const second: RequestScope = { actor: { kind: 'apim-subscription', subscriptionId: 'second-client' }, log: new RecordingLog() };
const lifetimeMs = 24 * 3600_000;

function setUp() {
  const journal = new Journal();
  const audit = new FakeAuditTrail(journal);
  const patientStore = new FakePatientStore(journal);
  const testStore = new FakeMedicalTestStore(journal);
  const clock = { now: new Date('2026-01-01T00:00:00Z') };
  const creations = new IdempotentCreations(new FakeKeyClaimStore(journal), lifetimeMs, () => clock.now);
  const options = { now: () => clock.now, readBack: recordingBackoff(readBackPolicy).backoff };
  const patients = new PatientService(patientStore, audit, creations, options);
  const tests = new MedicalTestService(testStore, patientStore, audit, creations, options);
  return { journal, audit, patientStore, testStore, clock, patients, tests };
}

describe('Idempotency-Key on creates', () => {
  it('creates once and replays the first answer for the same key and fields, auditing every attempt and the replay', async () => {
    const { patients, patientStore, audit, journal, clock } = setUp();
    const created = await patients.create(fields, first, 'key-1');
    clock.now = new Date('2026-01-01T01:00:00Z');
    const repeated = await patients.create({ ...fields }, first, 'key-1');
    assert.equal(created.replayed, false);
    assert.deepEqual(repeated, { resource: created.resource, replayed: true }, 'the same patient, as it was created');
    assert.equal(patientStore.history.size, 1);
    assert.deepEqual(audit.entries, [
      { type: 'patient', id: created.resource.id, operation: 'create' },
      { type: 'patient', id: created.resource.id, operation: 'create' },
      { type: 'patient', id: created.resource.id, operation: 'replay' },
    ]);
    assert.deepEqual(journal.steps.slice(0, 3), ['audit patient create', 'keys.claim', 'patients.insert'], 'audited before the key is even claimed');
  });

  it('replays the first version even after the patient was updated', async () => {
    const { patients } = setUp();
    const created = await patients.create(fields, first, 'key-1');
    await patients.update(created.resource.id, { ...fields, firstName: 'Augusta' }, undefined, first);
    const repeated = await patients.create(fields, first, 'key-1');
    assert.deepEqual(repeated.resource, created.resource);
  });

  it('refuses the same key with other fields (422) after auditing the attempt, and stores nothing', async () => {
    const { patients, patientStore, audit } = setUp();
    await patients.create(fields, first, 'key-1');
    await assert.rejects(patients.create({ ...fields, firstName: 'Other' }, first, 'key-1'), IdempotencyKeyReusedError);
    assert.equal(patientStore.history.size, 1);
    assert.deepEqual(audit.entries.map((entry) => entry.operation), ['create', 'create']);
  });

  it('returns nothing when the replay cannot be recorded (fail closed)', async () => {
    const { patients, audit, journal } = setUp();
    await patients.create(fields, first, 'key-1');
    const original = audit.record.bind(audit);
    audit.record = (entry, scope) => (entry.operation === 'replay' ? Promise.reject(new ServiceUnavailableError('audit down')) : original(entry, scope));
    journal.steps.length = 0;
    await assert.rejects(patients.create(fields, first, 'key-1'), ServiceUnavailableError);
    assert.ok(!journal.steps.includes('patients.findVersion'), 'the stored patient was not read for an answer');
  });

  it('keeps the keys of two subscriptions apart: the same key creates two patients', async () => {
    const { patients, patientStore } = setUp();
    const mine = await patients.create(fields, first, 'key-1');
    const theirs = await patients.create(fields, second, 'key-1');
    assert.notEqual(mine.resource.id, theirs.resource.id);
    assert.equal(theirs.replayed, false);
    assert.equal(patientStore.history.size, 2);
  });

  it('forgets a key after its lifetime: then it may name another request', async () => {
    const { patients, clock, patientStore } = setUp();
    await patients.create(fields, first, 'key-1');
    clock.now = new Date(clock.now.getTime() + lifetimeMs + 1);
    const other = await patients.create({ ...fields, firstName: 'Other' }, first, 'key-1');
    assert.equal(other.replayed, false);
    assert.equal(patientStore.history.size, 2);
  });

  it('still replays the first answer for the same request after the key expired: the id follows from key and request', async () => {
    const { patients, clock, patientStore } = setUp();
    const created = await patients.create(fields, first, 'key-1');
    clock.now = new Date(clock.now.getTime() + lifetimeMs + 1);
    assert.deepEqual(await patients.create(fields, first, 'key-1'), { resource: created.resource, replayed: true });
    assert.equal(patientStore.history.size, 1);
  });

  it('works the same for tests, with the patient part of the request', async () => {
    const { patients, tests, testStore } = setUp();
    const { resource: patient } = await patients.create(fields, first);
    const { resource: other } = await patients.create(fields, first);
    const body = { performer: 'lab', orderReference: 'o-1', observations: [] };
    const created = await tests.create(patient.id, body, first, 'key-9');
    assert.deepEqual(await tests.create(patient.id, body, first, 'key-9'), { resource: created.resource, replayed: true });
    await assert.rejects(tests.create(other.id, body, first, 'key-9'), IdempotencyKeyReusedError, 'another patient is another request');
    assert.equal(testStore.tests.length, 1);
  });

  it('lets a request for a patient that did not exist yet be retried with its key once it does', async () => {
    const { patients, tests, patientStore } = setUp();
    const { resource: patient } = await patients.create(fields, first);
    const stored = patientStore.history.get(patient.id);
    patientStore.history.delete(patient.id);
    const body = { performer: 'lab', orderReference: 'o-1', observations: [] };
    await assert.rejects(tests.create(patient.id, body, first, 'key-7'), NotFoundError);
    patientStore.history.set(patient.id, stored ?? []);
    assert.equal((await tests.create(patient.id, body, first, 'key-7')).replayed, false);
  });

  it('derives a UUID from caller, key and request, and fingerprints JSON whatever its member order', () => {
    const creations = new IdempotentCreations(new FakeKeyClaimStore(new Journal()), lifetimeMs);
    const request = { actorId: 'apim-subscription/a', operation: 'createPatient', key: 'k', content: { b: 2, a: 1 } };
    const id = creations.resourceIdFor(request);
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(creations.resourceIdFor({ ...request, content: { a: 1, b: 2 } }), id);
    for (const change of [{ actorId: 'apim-subscription/b' }, { key: 'k2' }, { operation: 'createTest' }, { content: { a: 1, b: 3 } }]) {
      assert.notEqual(creations.resourceIdFor({ ...request, ...change }), id, JSON.stringify(change));
    }
    assert.equal(fingerprintOf({ a: [1, { c: null, b: 'x' }] }), fingerprintOf({ a: [1, { b: 'x', c: null }] }));
    assert.notEqual(fingerprintOf({ a: [1, 2] }), fingerprintOf({ a: [2, 1] }));
  });
});
