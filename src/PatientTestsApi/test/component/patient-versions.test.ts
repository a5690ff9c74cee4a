import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { aPatientBody } from '../fixtures/builders';
import { TestStack } from '../fixtures/test-stack';

interface PatientJson { id: string; firstName: string; lastUpdated: string; [member: string]: unknown }
interface VersionJson { version: number; etag: string; patient: PatientJson }
interface Problem { type: string; errors?: { field: string }[] }

const unknownId = '0f8fad5b-d9cb-469f-a165-70867728950e';

describe('patient versions: GET /patient/{patientId}/versions', () => {
  let api: TestStack;

  before(async () => { api = await TestStack.start(); });
  after(() => api.stop());

  it('lists every stored version newest first, each with its ETag and the patient as it was, and audits the read', async () => {
    const created = (await (await api.call('/', { method: 'POST', body: aPatientBody({ firstName: 'FIRST' }) })).json()) as PatientJson;
    const second = (await (await api.call(`/${created.id}`, { method: 'PUT', body: aPatientBody({ id: created.id, firstName: 'SECOND' }) })).json()) as PatientJson;
    const traceId = randomBytes(16).toString('hex');
    const response = await api.call(`/${created.id}/versions`, { headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('x-continuation-token'), null);
    assert.deepEqual(await response.json(), [
      { version: 2, etag: '"2"', patient: second },
      { version: 1, etag: '"1"', patient: created },
    ]);
    const audits = await api.audits.find({ correlationId: traceId }).toArray();
    assert.deepEqual(audits.map((audit) => audit.resource as unknown), [{ type: 'patient', id: created.id, operation: 'history' }]);
  });

  it('pages with limit and the continuation header, without gaps or repeats', async () => {
    const { id } = (await (await api.call('/', { method: 'POST', body: aPatientBody() })).json()) as PatientJson;
    for (let index = 0; index < 4; index++) {
      assert.equal((await api.call(`/${id}`, { method: 'PUT', body: aPatientBody({ id }) })).status, 200);
    }
    const seen: number[] = [];
    let token: string | null = null;
    let pages = 0;
    do {
      const query: string = token === null ? '?limit=2' : `?limit=2&continuationToken=${token}`;
      const page = await api.call(`/${id}/versions${query}`);
      assert.equal(page.status, 200);
      seen.push(...((await page.json()) as VersionJson[]).map((item) => item.version));
      token = page.headers.get('x-continuation-token');
      pages++;
    } while (token !== null && pages < 10);
    assert.equal(pages, 3);
    assert.deepEqual(seen, [5, 4, 3, 2, 1]);
  });

  it('answers 404 for an unknown patient after auditing the attempt, and for a non-GUID id without touching anything', async () => {
    const unknown = await api.call(`/${unknownId}/versions`);
    assert.equal(unknown.status, 404);
    assert.equal(((await unknown.json()) as Problem).type, 'urn:patient-tests:problem:not-found');
    assert.equal(await api.audits.countDocuments({ 'resource.id': unknownId, 'resource.operation': 'history' }), 1);
    const before = await api.counts();
    const notGuid = await api.call('/1/versions');
    assert.equal(notGuid.status, 404);
    assert.equal(notGuid.headers.get('content-type'), 'application/problem+json');
    assert.deepEqual(await api.counts(), before);
  });

  it('answers 400 for a limit out of range and a forged token, before auditing', async () => {
    const { id } = (await (await api.call('/', { method: 'POST', body: aPatientBody() })).json()) as PatientJson;
    const before = await api.counts();
    for (const [query, field] of [['?limit=0', 'limit'], ['?limit=101', 'limit'], ['?continuationToken=forged', 'continuationToken'], ['?sort=asc', 'sort']]) {
      const response = await api.call(`/${id}/versions${query}`);
      assert.equal(response.status, 400, query);
      assert.deepEqual(((await response.json()) as Problem).errors?.map((error) => error.field), [field], query);
    }
    assert.deepEqual(await api.counts(), before);
  });
});
