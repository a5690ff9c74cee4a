import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { aPatientBody, newTrace } from '../fixtures/builders';
import { TestStack } from '../fixtures/test-stack';

interface PatientJson { id: string; insuranceNumber?: string; [member: string]: unknown }

/**
 * A change is stored by its version's unique insert; publishing the patient for search follows as best
 * effort. Here the follow-up fails for real: a unique index on the searchable copies' insurance number
 * (and gender), which the copy of the new state violates (FerretDB refuses the insert with E11000 and the
 * replace with a constraint error), while the versions have no such index.
 */
describe('a stored change whose publishing for search fails (gateway → PatientTests → FerretDB)', () => {
  let api: TestStack;
  before(async () => { api = await TestStack.start(); });
  after(() => api.stop());

  const search = async (id: string) => ((await (await api.call('/search', { method: 'POST', body: { id } })).json()) as PatientJson[]);
  const loggedUnder = (traceId: string) => api.logLines.some((line) => line.includes(traceId) && line.includes('not yet published for search'));

  it('answers 201 and 200 with the change stored, logs the failure with the operation id, and search catches up after the next read', async () => {
    const shared = `INS-${randomUUID().slice(0, 8)}`;
    assert.equal((await api.call('/', { method: 'POST', body: aPatientBody({ insuranceNumber: shared }) })).status, 201);
    const other = (await (await api.call('/', { method: 'POST', body: aPatientBody() })).json()) as PatientJson;
    // (insuranceNumber alone is indexed already, not uniquely; every patient here is female.)
    await api.patients.createIndexes([{ key: { insuranceNumber: 1, gender: 1 }, name: 'fault_unique_insurance', unique: true }]);
    let created: PatientJson;
    try {
      const create = newTrace();
      const createResponse = await api.call('/', { method: 'POST', body: aPatientBody({ insuranceNumber: shared }), headers: { traceparent: create.traceparent } });
      assert.equal(createResponse.status, 201);
      created = (await createResponse.json()) as PatientJson;
      assert.equal(await api.patientVersions.countDocuments({ _shardKey: created.id }), 1, 'the patient is stored');
      assert.equal(await api.patients.countDocuments({ _id: created.id }), 0, 'its searchable copy is not');
      assert.deepEqual(await search(created.id), []);
      assert.ok(loggedUnder(create.traceId), 'the failed follow-up is logged with the operation id');

      const update = newTrace();
      const updateResponse = await api.call(`/${other.id}`, {
        method: 'PUT',
        body: { ...other, insuranceNumber: shared },
        headers: { 'if-match': '"1"', traceparent: update.traceparent },
      });
      assert.equal(updateResponse.status, 200);
      assert.equal(updateResponse.headers.get('etag'), '"2"');
      assert.ok(loggedUnder(update.traceId));
      const loaded = await api.call(`/${other.id}`);
      assert.equal(loaded.headers.get('etag'), '"2"', 'loads show the change');
      assert.equal(((await loaded.json()) as PatientJson).insuranceNumber, shared);
      assert.equal((await search(other.id))[0]?.insuranceNumber, other.insuranceNumber, 'search lags');
      const retried = await api.call(`/${other.id}`, { method: 'PUT', body: { ...other, insuranceNumber: shared }, headers: { 'if-match': '"1"' } });
      assert.equal(retried.status, 412, 'the If-Match retry of a stored change is told it changed, not stored twice');
    } finally {
      await api.patients.dropIndex('fault_unique_insurance');
    }

    assert.equal((await api.call(`/${created.id}`)).status, 200);
    assert.deepEqual((await search(created.id)).map((patient) => patient.id), [created.id], 'the read published the new patient');
    assert.equal((await api.call(`/${other.id}`)).status, 200);
    assert.equal((await search(other.id))[0]?.insuranceNumber, shared, 'the read published the update');
  });
});
