import assert from 'node:assert/strict';
import { aPatientBody, aTestBody } from '../fixtures/builders';
import { TestStack } from '../fixtures/test-stack';

/**
 * The requests of the original sample's Locust tasks, sent as that client put them on the wire
 * (relative paths with trailing slashes, no If-Match, the generator's body shapes, and bodies as
 * `json.dumps` text, which Locust's FastHttpUser declares as `text/plain; charset=utf-8`), with the
 * statuses it expected. src/LoadTest/test/client-2020.test.ts runs the same tasks from Locust itself.
 */
describe("the original load test's client flow, unchanged", () => {
  let api: TestStack;
  before(async () => { api = await TestStack.start(); });
  after(() => api.stop());

  /** What `client.post(path, json.dumps(data))` sends: Python's spaced separators, declared as plain text. */
  const asThe2020Client = (path: string, method: string, body?: unknown) =>
    api.call(path, {
      method,
      ...(body === undefined ? {} : { body: pythonJsonDumps(body) }),
      headers: body === undefined ? {} : { 'content-type': 'text/plain; charset=utf-8' },
    });

  it('create → load → update → search → create test → list → load test, and the invalid variants', async () => {
    const patient = {
      firstName: 'QWERTY',
      lastName: 'LT_ASDFGH',
      fullName: 'QWERTY LT_ASDFGH',
      gender: 'other',
      dateOfBirth: '1977-11-27',
      postCode: '4567',
      insuranceNumber: '1234567890',
      preferredContactNumber: '9876543210',
    };
    const created = await asThe2020Client('/', 'POST', patient);
    assert.equal(created.status, 201);
    const { id } = (await created.json()) as { id: string };
    assert.equal((await api.patients.findOne({ _id: id }))?.lastName, patient.lastName, 'stored although declared as plain text');
    assert.equal((await asThe2020Client('/', 'POST', { lastName: 'LT' })).status, 400);

    const loaded = await asThe2020Client(`/${id}`, 'GET');
    assert.equal(loaded.status, 200);
    assert.equal((await asThe2020Client('/1', 'GET')).status, 404);

    const current = (await loaded.json()) as Record<string, unknown>;
    assert.equal((await asThe2020Client(`/${id}`, 'PUT', current)).status, 200);

    const byId = await asThe2020Client('/search', 'POST', { id });
    assert.equal(byId.status, 200);
    assert.deepEqual(((await byId.json()) as { id: string }[]).map((found) => found.id), [id]);
    assert.equal((await asThe2020Client('/search', 'POST', {})).status, 200);

    const test = {
      patientId: id,
      performer: 'PERF01',
      orderReference: 'ORD01',
      observations: [{ id: 'o1', code: 'c1', measurement: 'm1', interpretation: 'i1', issued: '2026-11-22T10:00:00Z', status: 's1' }],
    };
    const createdTest = await asThe2020Client(`/${id}/tests`, 'POST', test);
    assert.equal(createdTest.status, 201);
    const { id: testId } = (await createdTest.json()) as { id: string };
    assert.equal((await asThe2020Client('/1/tests', 'POST', { ...test, patientId: '1' })).status, 400);

    const listed = await asThe2020Client(`/${id}/tests/`, 'GET');
    assert.equal(listed.status, 200);
    assert.equal(((await listed.json()) as unknown[]).length, 1);
    assert.equal((await asThe2020Client('/1/tests/', 'GET')).status, 404);

    assert.equal((await asThe2020Client(`/${id}/tests/${testId}`, 'GET')).status, 200);
    assert.equal((await asThe2020Client(`/${id}/tests/1`, 'GET')).status, 404);
  });

  it('takes a body with no Content-Type at all on every endpoint with a body', async () => {
    // Bytes: fetch then declares no type (for a string it would declare text/plain).
    const untyped = (body: unknown) => new TextEncoder().encode(JSON.stringify(body));
    const created = await api.call('/', { method: 'POST', body: untyped(aPatientBody()) });
    assert.equal(created.status, 201);
    const { id } = (await created.json()) as { id: string };
    assert.equal((await api.call(`/${id}`, { method: 'PUT', body: untyped(aPatientBody({ id })) })).status, 200);
    assert.equal((await api.call('/search', { method: 'POST', body: untyped({ id }) })).status, 200);
    assert.equal((await api.call(`/${id}/tests`, { method: 'POST', body: untyped(aTestBody(id)) })).status, 201);
    assert.equal((await api.call(`/${id}/versions`)).status, 200);
  });
});

/** Python's `json.dumps` with its default separators (", " and ": "), for the ASCII data of these tests. */
function pythonJsonDumps(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value).map(([name, member]) => `${JSON.stringify(name)}: ${pythonJsonDumps(member)}`).join(', ')}}`;
  }
  return JSON.stringify(value);
}
