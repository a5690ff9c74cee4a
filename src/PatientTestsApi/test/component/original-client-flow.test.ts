import assert from 'node:assert/strict';
import { TestStack } from '../fixtures/test-stack';

/**
 * The requests of the original sample's Locust tasks, sent as that client sent them (relative paths
 * with trailing slashes, no If-Match, the generator's body shapes, and bodies as JSON text with no
 * Content-Type: Locust's `client.post(path, json.dumps(data))`), with the statuses it expected.
 */
describe("the original load test's client flow, unchanged", () => {
  let api: TestStack;
  before(async () => { api = await TestStack.start(); });
  after(() => api.stop());

  /** A body as bytes: fetch then sends no Content-Type, as the 2020 client did. */
  const untyped = (body: unknown) => new TextEncoder().encode(JSON.stringify(body));

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
    const created = await api.call('/', { method: 'POST', body: untyped(patient) });
    assert.equal(created.status, 201);
    const { id } = (await created.json()) as { id: string };
    assert.equal((await api.patients.findOne({ _id: id }))?.lastName, patient.lastName, 'stored although no Content-Type was sent');
    assert.equal((await api.call('/', { method: 'POST', body: untyped({ lastName: 'LT' }) })).status, 400);

    const loaded = await api.call(`/${id}`);
    assert.equal(loaded.status, 200);
    assert.equal((await api.call('/1')).status, 404);

    const current = (await loaded.json()) as Record<string, unknown>;
    assert.equal((await api.call(`/${id}`, { method: 'PUT', body: untyped(current) })).status, 200);

    const byId = await api.call('/search', { method: 'POST', body: untyped({ id }) });
    assert.equal(byId.status, 200);
    assert.deepEqual(((await byId.json()) as { id: string }[]).map((found) => found.id), [id]);
    assert.equal((await api.call('/search', { method: 'POST', body: untyped({}) })).status, 200);

    const test = {
      patientId: id,
      performer: 'PERF01',
      orderReference: 'ORD01',
      observations: [{ id: 'o1', code: 'c1', measurement: 'm1', interpretation: 'i1', status: 's1', issued: '2026-11-22T10:00:00Z' }],
    };
    const createdTest = await api.call(`/${id}/tests`, { method: 'POST', body: untyped(test) });
    assert.equal(createdTest.status, 201);
    const { id: testId } = (await createdTest.json()) as { id: string };
    assert.equal((await api.call('/1/tests', { method: 'POST', body: untyped({ ...test, patientId: '1' }) })).status, 400);

    const listed = await api.call(`/${id}/tests/`);
    assert.equal(listed.status, 200);
    assert.equal(((await listed.json()) as unknown[]).length, 1);
    assert.equal((await api.call('/1/tests/')).status, 404);

    assert.equal((await api.call(`/${id}/tests/${testId}`)).status, 200);
    assert.equal((await api.call(`/${id}/tests/1`)).status, 404);
  });
});
