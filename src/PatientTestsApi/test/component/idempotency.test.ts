import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { aPatientBody, aTestBody } from '../fixtures/builders';
import { TestStack } from '../fixtures/test-stack';

interface PatientJson { id: string; [member: string]: unknown }
interface Problem { type: string; errors?: { field: string }[] }

/** Idempotency-Key on creates, through the real chain: retries and concurrent repeats create one resource. */
describe('Idempotency-Key on POST /patient and POST /patient/{id}/tests', () => {
  let api: TestStack;

  before(async () => { api = await TestStack.start(); });
  after(() => api.stop());

  const create = (body: Record<string, unknown>, key: string, headers: Record<string, string> = {}) =>
    api.call('/', { method: 'POST', body, headers: { 'idempotency-key': key, ...headers } });

  it('answers a repeat with the first answer: 201, the same Location, ETag and patient, marked as a replay, and stores one patient', async () => {
    const body = aPatientBody();
    const key = `"${randomUUID()}"`;
    const first = await create(body, key);
    assert.equal(first.status, 201);
    assert.equal(first.headers.get('idempotent-replayed'), null);
    const created = (await first.json()) as PatientJson;
    const again = await create(body, key);
    assert.equal(again.status, 201);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.equal(again.headers.get('location'), first.headers.get('location'));
    assert.equal(again.headers.get('etag'), '"1"');
    assert.deepEqual(await again.json(), created);
    assert.equal(await api.patients.countDocuments({ lastName: body.lastName }), 1);
    const audits = await api.audits.find({ 'resource.id': created.id }).sort({ createdDate: 1 }).toArray();
    assert.deepEqual(audits.map((audit) => (audit.resource as { operation: string }).operation), ['create', 'create', 'replay'], 'every attempt audited, the replay as such');
  });

  it('takes the key bare or as a quoted string, as the same key', async () => {
    const body = aPatientBody();
    const key = randomUUID();
    const bare = (await (await create(body, key)).json()) as PatientJson;
    const quoted = await create(body, `"${key}"`);
    assert.equal(quoted.headers.get('idempotent-replayed'), 'true');
    assert.equal(((await quoted.json()) as PatientJson).id, bare.id);
  });

  it('refuses the same key with another body (422), after auditing the attempt, and stores nothing', async () => {
    const key = randomUUID();
    assert.equal((await create(aPatientBody(), key)).status, 201);
    const before = await api.counts();
    const other = await create(aPatientBody(), key);
    assert.equal(other.status, 422);
    assert.equal(((await other.json()) as Problem).type, 'urn:patient-tests:problem:idempotency-key-reused');
    const after = await api.counts();
    assert.deepEqual({ ...after, audits: before.audits }, before, 'nothing but the audit record');
    assert.equal(after.audits, before.audits + 1);
  });

  it('keeps the keys of two subscriptions apart', async () => {
    const body = aPatientBody();
    const key = randomUUID();
    const mine = (await (await create(body, key)).json()) as PatientJson;
    const theirs = await create(body, key, { 'ocp-apim-subscription-key': api.secondSubscriptionKey });
    assert.equal(theirs.status, 201);
    assert.equal(theirs.headers.get('idempotent-replayed'), null);
    assert.notEqual(((await theirs.json()) as PatientJson).id, mine.id);
    assert.equal(await api.patients.countDocuments({ lastName: body.lastName }), 2);
  });

  it('answers 400 naming the header for a key that is not one, before anything is audited', async () => {
    const before = await api.counts();
    for (const key of ['', 'has space', 'x'.repeat(256), '"unterminated', 'comma,inside']) {
      const response = await create(aPatientBody(), key);
      assert.equal(response.status, 400, JSON.stringify(key));
      assert.deepEqual(((await response.json()) as Problem).errors?.map((error) => error.field), ['Idempotency-Key'], key);
    }
    assert.deepEqual(await api.counts(), before);
  });

  it('reports a bad key and a bad body together, in one 400, before anything is audited', async () => {
    const before = await api.counts();
    const patient = await create(aPatientBody({ gender: 'robot', lastName: 7 }), 'has space');
    assert.equal(patient.status, 400);
    assert.deepEqual(((await patient.json()) as Problem).errors?.map((error) => error.field).sort(), ['Idempotency-Key', 'gender', 'lastName']);
    const test = await api.call('/not-a-guid/tests', { method: 'POST', body: aTestBody(undefined, { performer: '' }), headers: { 'idempotency-key': 'comma,inside' } });
    assert.equal(test.status, 400);
    assert.deepEqual(((await test.json()) as Problem).errors?.map((error) => error.field).sort(), ['Idempotency-Key', 'patientId', 'performer']);
    assert.deepEqual(await api.counts(), before);
  });

  it('replays a test creation too, and refuses the key for another patient\'s tests', async () => {
    const patient = (await (await api.call('/', { method: 'POST', body: aPatientBody() })).json()) as PatientJson;
    const other = (await (await api.call('/', { method: 'POST', body: aPatientBody() })).json()) as PatientJson;
    const body = aTestBody(patient.id);
    const key = randomUUID();
    const first = await api.call(`/${patient.id}/tests`, { method: 'POST', body, headers: { 'idempotency-key': key } });
    assert.equal(first.status, 201);
    const again = await api.call(`/${patient.id}/tests`, { method: 'POST', body, headers: { 'idempotency-key': key } });
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(await again.json(), await first.json());
    assert.equal(await api.tests.countDocuments({ _shardKey: patient.id }), 1);
    const elsewhere = await api.call(`/${other.id}/tests`, { method: 'POST', body: aTestBody(other.id, { orderReference: body.orderReference }), headers: { 'idempotency-key': key } });
    assert.equal(elsewhere.status, 422);
  });

  it('claims no key for a test of a patient that does not exist (404), so the corrected request with the same key creates the test', async () => {
    const patient = (await (await api.call('/', { method: 'POST', body: aPatientBody() })).json()) as PatientJson;
    const unknown = randomUUID();
    const key = randomUUID();
    const claims = await api.idempotencyKeys.countDocuments();
    const wrong = await api.call(`/${unknown}/tests`, { method: 'POST', body: aTestBody(unknown), headers: { 'idempotency-key': key } });
    assert.equal(wrong.status, 404);
    assert.equal(await api.idempotencyKeys.countDocuments(), claims, 'no claim behind the 404');
    assert.equal(await api.tests.countDocuments({ _shardKey: unknown }), 0);
    const corrected = await api.call(`/${patient.id}/tests`, { method: 'POST', body: aTestBody(patient.id), headers: { 'idempotency-key': key } });
    assert.equal(corrected.status, 201);
    assert.equal(corrected.headers.get('idempotent-replayed'), null);
    assert.equal(await api.tests.countDocuments({ _shardKey: patient.id }), 1);
    assert.equal(await api.idempotencyKeys.countDocuments(), claims + 1);
  });

  const rounds = 10;
  const senders = 20;
  it(`creates exactly one patient from ${senders} concurrent identical requests, and answers all of them with it, in each of ${rounds} rounds`, async function () {
    this.timeout(600_000);
    for (let round = 0; round < rounds; round++) {
      const body = aPatientBody();
      const key = randomUUID();
      const responses = await Promise.all(Array.from({ length: senders }, () => create(body, key)));
      assert.deepEqual(responses.map((response) => response.status), responses.map(() => 201), `round ${round}`);
      const ids = new Set(await Promise.all(responses.map(async (response) => ((await response.json()) as PatientJson).id)));
      assert.equal(ids.size, 1, `round ${round}: one id for all`);
      const [id] = [...ids];
      assert.equal(responses.filter((response) => response.headers.get('idempotent-replayed') === null).length, 1, `round ${round}: one creation, the rest replays`);
      assert.equal(await api.patients.countDocuments({ lastName: body.lastName }), 1, `round ${round}: one patient stored`);
      assert.equal(await api.patientVersions.countDocuments({ _shardKey: id }), 1, `round ${round}: one version`);
      const operations = (await api.audits.find({ 'resource.id': id }).toArray()).map((audit) => (audit.resource as { operation: string }).operation);
      assert.equal(operations.filter((operation) => operation === 'create').length, senders, `round ${round}: every attempt audited`);
      assert.equal(operations.filter((operation) => operation === 'replay').length, senders - 1, `round ${round}: every replay recorded as such`);
    }
  });
});
