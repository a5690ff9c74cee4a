import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { aPatientBody, aTestBody, newTrace } from '../fixtures/builders';
import { localIdentities } from '@patient-tests/local-stack';
import { TestStack } from '../fixtures/test-stack';

interface PatientJson { id: string; lastUpdated: string; [member: string]: unknown }
interface TestJson { id: string; patientId: string; lastUpdated: string; [member: string]: unknown }
interface Problem { type: string; status: number; errors?: { field: string; message: string }[] }

const unknownId = '0f8fad5b-d9cb-469f-a165-70867728950e';


describe('PatientTests API through the gateway', () => {
  let api: TestStack;

  before(async () => { api = await TestStack.start(); });
  after(() => api.stop());

  /** The one audit record a request with this trace produced. */
  async function auditOf(traceId: string) {
    const records = await api.audits.find({ correlationId: traceId }).toArray();
    assert.equal(records.length, 1, `expected one audit record for trace ${traceId}, found ${records.length}`);
    return records[0]!;
  }

  async function createPatient(overrides: Record<string, unknown> = {}): Promise<PatientJson> {
    const response = await api.call('/', { method: 'POST', body: aPatientBody(overrides) });
    assert.equal(response.status, 201);
    return (await response.json()) as PatientJson;
  }

  describe('create patient: POST /patient', () => {
    it('stores the patient, answers 201 with Location and ETag, and audits the creation first', async () => {
      const body = aPatientBody();
      const { traceparent, traceId } = newTrace();
      const response = await api.call('/', { method: 'POST', body, headers: { traceparent } });
      assert.equal(response.status, 201);
      const created = (await response.json()) as PatientJson;
      assert.deepEqual({ ...created, id: undefined, lastUpdated: undefined }, { ...body, id: undefined, lastUpdated: undefined });
      assert.match(created.id, /^[0-9a-f-]{36}$/);
      assert.equal(response.headers.get('location'), `/patient/${created.id}`);
      assert.equal(response.headers.get('etag'), '"1"');

      const stored = await api.patients.findOne({ _id: created.id });
      assert.ok(stored);
      assert.equal(stored._shardKey, created.id);
      assert.deepEqual(stored._dateOfBirthDate, new Date('1984-07-21T00:00:00.000Z'));
      assert.equal(stored.firstName, body.firstName);
      assert.deepEqual(stored.lastUpdated, new Date(created.lastUpdated));

      const audit = await auditOf(traceId);
      assert.deepEqual(audit.resource, { type: 'patient', id: created.id, operation: 'create' });
      assert.equal(audit.sourceSystemName, 'PatientTestsApi');
      assert.ok(audit.createdDate instanceof Date && stored.lastUpdated instanceof Date);
      assert.ok(audit.createdDate <= stored.lastUpdated, 'the audit entry is written before the patient');
    });

    it('keeps the trailing-slash form and the form without it', async () => {
      assert.equal((await api.call('', { method: 'POST', body: aPatientBody() })).status, 201);
      assert.equal((await api.call('/', { method: 'POST', body: aPatientBody() })).status, 201);
    });
  });

  describe('load patient: GET /patient/{patientId}', () => {
    it('answers 200 with the patient and its ETag, no internal member, and audits the read', async () => {
      const created = await createPatient({ lastName: undefined, fullName: undefined });
      const { traceparent, traceId } = newTrace();
      const response = await api.call(`/${created.id}`, { headers: { traceparent } });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('etag'), '"1"');
      const loaded = (await response.json()) as PatientJson;
      assert.deepEqual(loaded, created);
      assert.ok(Object.keys(loaded).every((member) => !member.startsWith('_')));
      assert.deepEqual((await auditOf(traceId)).resource, { type: 'patient', id: created.id, operation: 'read' });
    });

    it('answers 404 for an unknown id, after auditing the attempt', async () => {
      const { traceparent, traceId } = newTrace();
      const response = await api.call(`/${unknownId}`, { headers: { traceparent } });
      assert.equal(response.status, 404);
      assert.equal(((await response.json()) as Problem).type, 'urn:patient-tests:problem:not-found');
      assert.deepEqual((await auditOf(traceId)).resource, { type: 'patient', id: unknownId, operation: 'read' });
    });

    it('answers 404 for a non-GUID id as the original did, without reading or auditing', async () => {
      const before = await api.counts();
      const response = await api.call('/1');
      assert.equal(response.status, 404);
      assert.equal(response.headers.get('content-type'), 'application/problem+json');
      assert.deepEqual(await api.counts(), before);
    });
  });

  describe('update patient: PUT /patient/{patientId}', () => {
    it('replaces the patient, keeps the birth date searchable, bumps the ETag, and audits the update', async () => {
      const created = await createPatient({ dateOfBirth: '1990-01-01' });
      const replacement = aPatientBody({ id: created.id, dateOfBirth: '1991-02-03', fullName: undefined });
      const { traceparent, traceId } = newTrace();
      const response = await api.call(`/${created.id}`, { method: 'PUT', body: replacement, headers: { traceparent, 'if-match': '"1"' } });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('etag'), '"2"');
      const updated = (await response.json()) as PatientJson;
      assert.equal(updated.firstName, replacement.firstName);
      assert.equal(updated.fullName, undefined, 'PUT replaces: a member left out is removed');
      assert.ok(updated.lastUpdated > created.lastUpdated);
      const stored = await api.patients.findOne({ _id: created.id });
      assert.ok(stored);
      assert.deepEqual(stored._dateOfBirthDate, new Date('1991-02-03T00:00:00.000Z'));
      assert.equal(stored.fullName, undefined);
      assert.deepEqual(await (await api.call(`/${created.id}`)).json(), updated);
      assert.deepEqual((await auditOf(traceId)).resource, { type: 'patient', id: created.id, operation: 'update' });
    });

    it('works without If-Match for the original clients (GET, then PUT the same body back)', async () => {
      const created = await createPatient();
      const loaded = (await (await api.call(`/${created.id}`)).json()) as PatientJson;
      const response = await api.call(`/${created.id}`, { method: 'PUT', body: loaded });
      assert.equal(response.status, 200);
    });

    it('answers 412 for a stale If-Match and leaves the stored patient alone', async () => {
      const created = await createPatient();
      assert.equal((await api.call(`/${created.id}`, { method: 'PUT', body: { ...aPatientBody(), id: created.id }, headers: { 'if-match': '"1"' } })).status, 200);
      const stored = await api.patients.findOne({ _id: created.id });
      const stale = await api.call(`/${created.id}`, { method: 'PUT', body: { ...aPatientBody(), id: created.id }, headers: { 'if-match': '"1"' } });
      assert.equal(stale.status, 412);
      assert.equal(((await stale.json()) as Problem).type, 'urn:patient-tests:problem:precondition-failed');
      assert.deepEqual(await api.patients.findOne({ _id: created.id }), stored);
      assert.equal((await api.call(`/${created.id}`, { method: 'PUT', body: { ...aPatientBody(), id: created.id }, headers: { 'if-match': 'W/"2"' } })).status, 412);
    });

    it('answers 404, not 500, for an unknown patient, and writes nothing', async () => {
      const before = await api.counts();
      const response = await api.call(`/${unknownId}`, { method: 'PUT', body: { ...aPatientBody(), id: unknownId } });
      assert.equal(response.status, 404);
      const after = await api.counts();
      assert.equal(after.patients, before.patients);
      assert.equal(after.audits, before.audits + 1, 'the attempt is audited');
    });

    it('answers 400 when the body id does not match the URL, or the URL id is not a GUID', async () => {
      const created = await createPatient();
      const mismatch = await api.call(`/${created.id}`, { method: 'PUT', body: { ...aPatientBody(), id: unknownId } });
      assert.equal(mismatch.status, 400);
      assert.deepEqual(((await mismatch.json()) as Problem).errors, [{ field: 'id', message: 'must match the patient id in the URL' }]);
      const missing = await api.call(`/${created.id}`, { method: 'PUT', body: aPatientBody() });
      assert.deepEqual(((await missing.json()) as Problem).errors?.map((error) => error.field), ['id']);
      const notGuid = await api.call('/1', { method: 'PUT', body: { ...aPatientBody(), id: created.id } });
      assert.equal(notGuid.status, 400);
      assert.deepEqual(((await notGuid.json()) as Problem).errors?.map((error) => error.field), ['patientId']);
    });
  });

  describe('search patients: POST /patient/search', () => {
    it('finds by exact fields and by a date-of-birth range sent as JSON strings, and audits without criteria', async () => {
      const postCode = String(1000 + Math.floor(Math.random() * 8999));
      const lastName = `SEARCH_${randomBytes(3).toString('hex')}`;
      const inRange = await createPatient({ lastName, postCode, dateOfBirth: '1990-06-15' });
      await createPatient({ lastName, postCode, dateOfBirth: '1991-01-01' });
      const yearOnly = await createPatient({ lastName, postCode, dateOfBirth: '1990' });
      const { traceparent, traceId } = newTrace();
      const response = await api.call('/search', { method: 'POST', body: { lastName, dateOfBirthFrom: '1990-01-01', dateOfBirthTo: '1990-12-31' }, headers: { traceparent } });
      assert.equal(response.status, 200);
      const found = (await response.json()) as PatientJson[];
      assert.deepEqual(found.map((patient) => patient.id).sort(), [inRange.id, yearOnly.id].sort());
      const audit = await auditOf(traceId);
      assert.deepEqual(audit.resource, { type: 'patient', operation: 'search' });
      assert.ok(!JSON.stringify(audit).includes(lastName), 'no search criteria in the audit register');
    });

    it('answers 200 with [] when nothing matches', async () => {
      const response = await api.call('/search', { method: 'POST', body: { lastName: 'NOBODY_HAS_THIS_NAME' } });
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), []);
    });

    it('pages across three pages with the continuation header, without gaps or repeats', async () => {
      const lastName = `PAGED_${randomBytes(3).toString('hex')}`;
      const ids: string[] = [];
      for (let index = 0; index < 5; index++) ids.push((await createPatient({ lastName })).id);
      const seen: string[] = [];
      let token: string | null = null;
      let pages = 0;
      do {
        const query: string = token === null ? '?limit=2' : `?limit=2&continuationToken=${token}`;
        const response = await api.call(`/search${query}`, { method: 'POST', body: { lastName } });
        assert.equal(response.status, 200);
        seen.push(...((await response.json()) as PatientJson[]).map((patient) => patient.id));
        token = response.headers.get('x-continuation-token');
        pages++;
      } while (token !== null && pages < 10);
      assert.equal(pages, 3);
      assert.deepEqual(seen, [...ids].sort());
    });

    it('answers 400 for a limit out of range, a forged token and a reversed date range', async () => {
      for (const [path, body, field] of [
        ['/search?limit=0', {}, 'limit'],
        ['/search?limit=101', {}, 'limit'],
        ['/search?continuationToken=forged', {}, 'continuationToken'],
        ['/search', { dateOfBirthFrom: '2000', dateOfBirthTo: '1999-12-31' }, 'dateOfBirthFrom'],
      ] as [string, object, string][]) {
        const response = await api.call(path, { method: 'POST', body });
        assert.equal(response.status, 400, path);
        assert.deepEqual(((await response.json()) as Problem).errors?.map((error) => error.field), [field], path);
      }
    });
  });

  describe('tests: POST and GET /patient/{patientId}/tests[/{testId}]', () => {
    it('creates a test (201, Location) and audits it; lists and loads it, each audited', async () => {
      const patient = await createPatient();
      const body = aTestBody(patient.id);
      const create = newTrace();
      const response = await api.call(`/${patient.id}/tests`, { method: 'POST', body, headers: { traceparent: create.traceparent } });
      assert.equal(response.status, 201);
      const created = (await response.json()) as TestJson;
      assert.equal(response.headers.get('location'), `/patient/${patient.id}/tests/${created.id}`);
      assert.deepEqual({ ...created, id: undefined, lastUpdated: undefined }, { ...body, id: undefined, lastUpdated: undefined });
      const stored = await api.tests.findOne({ _id: created.id });
      assert.equal(stored?._shardKey, patient.id);
      assert.deepEqual((await auditOf(create.traceId)).resource, { type: 'test', id: created.id, operation: 'create' });

      const list = newTrace();
      const listed = await api.call(`/${patient.id}/tests/`, { headers: { traceparent: list.traceparent } });
      assert.equal(listed.status, 200);
      assert.deepEqual(await listed.json(), [created], 'always an array, also for one test');
      assert.deepEqual((await auditOf(list.traceId)).resource, { type: 'test', id: patient.id, operation: 'list' });

      const load = newTrace();
      const loaded = await api.call(`/${patient.id}/tests/${created.id}`, { headers: { traceparent: load.traceparent } });
      assert.equal(loaded.status, 200);
      assert.deepEqual(await loaded.json(), created);
      assert.deepEqual((await auditOf(load.traceId)).resource, { type: 'test', id: created.id, operation: 'read' });
    });

    it('lists [] for a patient without tests', async () => {
      const patient = await createPatient();
      assert.deepEqual(await (await api.call(`/${patient.id}/tests`)).json(), []);
    });

    it('answers 404 for the tests of an unknown patient, and creates no orphan test', async () => {
      assert.equal((await api.call(`/${unknownId}/tests`)).status, 404);
      const before = await api.counts();
      const response = await api.call(`/${unknownId}/tests`, { method: 'POST', body: aTestBody(unknownId) });
      assert.equal(response.status, 404);
      assert.equal((await api.counts()).tests, before.tests);
    });

    it('answers 404 for an unknown test, and for non-GUID ids on the read routes as the original did', async () => {
      const patient = await createPatient();
      assert.equal((await api.call(`/${patient.id}/tests/${unknownId}`)).status, 404);
      for (const path of ['/1/tests/', `/${patient.id}/tests/1`]) {
        const response = await api.call(path);
        assert.equal(response.status, 404, path);
        assert.equal(response.headers.get('content-type'), 'application/problem+json', path);
      }
    });

    it('answers 400 for a non-GUID patient id on create, and for a body patientId that differs from the URL', async () => {
      const patient = await createPatient();
      const notGuid = await api.call('/1/tests', { method: 'POST', body: aTestBody() });
      assert.equal(notGuid.status, 400);
      assert.deepEqual(((await notGuid.json()) as Problem).errors?.map((error) => error.field), ['patientId']);
      const mismatch = await api.call(`/${patient.id}/tests`, { method: 'POST', body: aTestBody(unknownId) });
      assert.equal(mismatch.status, 400);
      assert.deepEqual(((await mismatch.json()) as Problem).errors?.map((error) => error.field), ['patientId']);
    });
  });

  describe('the gateway in front of it', () => {
    it('answers 401 without or with a wrong subscription key, and nothing reaches the API', async () => {
      const before = await api.counts();
      for (const headers of [{ 'ocp-apim-subscription-key': '' }, { 'ocp-apim-subscription-key': 'wrong' }]) {
        assert.equal((await api.call('/', { method: 'POST', body: aPatientBody(), headers })).status, 401);
      }
      assert.deepEqual(await api.counts(), before);
    });

    it('names the path the client called as a problem\'s instance, in any case of its literals, and the app\'s own path to a direct caller', async () => {
      for (const path of [`/patient/${unknownId}`, `/PATIENT/${unknownId}`]) {
        const response = await fetch(`${api.stack.status.gateway.url}${path}`, { headers: { 'ocp-apim-subscription-key': api.subscriptionKey } });
        assert.equal(response.status, 404);
        assert.equal(((await response.json()) as { instance?: string }).instance, path);
      }
      const direct = await api.callDirectly(`/${unknownId}`, localIdentities.operator);
      assert.equal(direct.status, 404);
      assert.equal(((await direct.json()) as { instance?: string }).instance, `/api/patient/${unknownId}`);
    });

    it('serves the OpenAPI document without a key', async () => {
      const response = await fetch(api.stack.status.gateway.openApi);
      assert.equal(response.status, 200);
      assert.equal(((await response.json()) as { openapi: string }).openapi, '3.0.3');
    });
  });
});
