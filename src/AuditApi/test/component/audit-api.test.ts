import assert from 'node:assert/strict';
import { request } from 'node:http';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { auditAppSettings, localIdentities, repositoryRoot, startFunctionHost, startStackIdentity, type FunctionHostProcess, type StackIdentity } from '@patient-tests/local-stack';
import { MongoClient, type Collection } from 'mongodb';
import type { AuditRecordDocument } from '../../src/data/audit-record-document';
import { testMongoUri, uniqueDatabaseName } from '@patient-tests/local-stack';

const appDirectory = join(__dirname, '..', '..', '..');
const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const traceparent = `00-${traceId}-00f067aa0ba902b7-01`;
const actor = { id: 'apim-subscription/first-client', kind: 'apim-subscription', name: 'First client system', product: 'patient-tests-clients', clientAddress: '203.0.113.7' };
const validBody = { sourceSystemName: 'PatientTestsApi', actor, resource: { type: 'patient', id: 'patient-42', operation: 'read' } };

interface Problem { type: string; status: number; errors?: { field: string; message: string }[]; operationId?: string }

describe('Audit API over HTTP (functions host + FerretDB)', () => {
  const databaseName = uniqueDatabaseName('audit_api');
  let client: MongoClient;
  let records: Collection<AuditRecordDocument>;
  let host: FunctionHostProcess;
  let identity: StackIdentity;
  const identityFolder = mkdtempSync(join(tmpdir(), 'audit-api-identity-'));
  /** The PatientTests app's token (it appends) and an auditor's (who reads), from the identity service. */
  const tokens = { writer: '', reader: '' };
  const settingsFor = (mongodbUri: string) => auditAppSettings({ mongodbUri, databaseName, collectionName: 'auditrecords', identity: identity.identityFor('audit') });

  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${host.url}/api/auditrecord`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.writer}`, ...headers },
      body,
    });
  const get = (path: string, headers: Record<string, string> = { authorization: `Bearer ${tokens.reader}` }) => fetch(`${host.url}/api/${path}`, { headers });

  before(async () => {
    client = new MongoClient(testMongoUri());
    records = client.db(databaseName).collection<AuditRecordDocument>('auditrecords');
    identity = await startStackIdentity({ root: repositoryRoot(), stateDirectory: identityFolder, port: 0 });
    tokens.writer = (await identity.service.tokens.issue(localIdentities.patientTests, 'audit', 600)).token;
    tokens.reader = (await identity.service.tokens.issue(localIdentities.auditor, 'audit', 600)).token;
    host = await startFunctionHost({ appDirectory, port: 0, settings: settingsFor(testMongoUri()), log: () => undefined });
  });
  after(async () => {
    await host.stop();
    await identity.service.stop();
    rmSync(identityFolder, { recursive: true, force: true });
    await client.db(databaseName).dropDatabase();
    await client.close();
  });

  describe('POST /api/auditrecord', () => {
    it('stores the record with server-assigned id, date and correlation id, and answers 201 with a Location', async () => {
      const before = Date.now();
      const response = await post(JSON.stringify(validBody), { traceparent });
      assert.equal(response.status, 201);
      const created = (await response.json()) as { id: string; createdDate: string; correlationId: string };
      assert.equal(response.headers.get('location'), `/api/auditrecord/${created.id}`);
      assert.match(created.id, /^[0-9a-f-]{36}$/);
      assert.equal(created.correlationId, traceId);
      assert.ok(Date.parse(created.createdDate) >= before - 1000);
      assert.deepEqual(await records.findOne({ _id: created.id }), {
        _id: created.id,
        ...validBody,
        createdDate: new Date(created.createdDate),
        correlationId: traceId,
      });
      assert.deepEqual(await (await get(`auditrecord/${created.id}`)).json(), created);
    });

    it('accepts the shape of the release before, without an actor, and stores the record with a null actor', async () => {
      // What a PatientTests API of the release before sends: deploying the Audit API first, or rolling
      // PatientTests back, must not stop every request (docs/audit-api.md).
      const { actor: _actor, ...oldShape } = validBody;
      const response = await post(JSON.stringify(oldShape), { traceparent });
      assert.equal(response.status, 201);
      const created = (await response.json()) as { id: string; actor: unknown };
      assert.equal(created.actor, null);
      const stored = await records.findOne({ _id: created.id });
      assert.ok(stored);
      assert.equal(stored.actor, null);
      assert.deepEqual(stored.resource, oldShape.resource);
      assert.equal(((await (await get(`auditrecord/${created.id}`)).json()) as { actor: unknown }).actor, null);
    });

    const hostile: [string, string, string[]][] = [
      ['malformed JSON', '{"sourceSystemName": "x", ', ['']],
      ['a JSON array', '[]', ['']],
      ['a JSON string', '"audit me"', ['']],
      ['null', 'null', ['']],
      ['missing fields', '{}', ['sourceSystemName', 'resource']],
      ['a null actor', JSON.stringify({ ...validBody, actor: null }), ['actor']],
      ['an actor without id and kind', JSON.stringify({ ...validBody, actor: { name: 'me' } }), ['actor.id', 'actor.kind']],
      ['an unknown actor member', JSON.stringify({ ...validBody, actor: { ...actor, role: 'admin' } }), ['actor.role']],
      ['missing resource type and operation', JSON.stringify({ ...validBody, resource: { id: 'x' } }), ['resource.type', 'resource.operation']],
      ['wrong types', JSON.stringify({ sourceSystemName: 5, actor, resource: { type: true, operation: ['read'] } }), ['sourceSystemName', 'resource.type', 'resource.operation']],
      ['an unknown field', JSON.stringify({ ...validBody, outcome: 'ok' }), ['outcome']],
      ['an unknown nested field', JSON.stringify({ ...validBody, resource: { ...validBody.resource, extra: 1 } }), ['resource.extra']],
      ['a client-supplied id', JSON.stringify({ ...validBody, id: '0f8fad5b-d9cb-469f-a165-70867728950e' }), ['id']],
      ['a client-supplied createdDate', JSON.stringify({ ...validBody, createdDate: '2020-01-01T00:00:00Z' }), ['createdDate']],
      ['an operator where a string belongs', JSON.stringify({ ...validBody, sourceSystemName: { $ne: null } }), ['sourceSystemName.$ne']],
      ['a $where operator', JSON.stringify({ ...validBody, resource: { ...validBody.resource, id: { $where: 'sleep(1000)' } } }), ['resource.id.$where']],
      ['a __proto__ key', `{"sourceSystemName":"x","actor":${JSON.stringify(actor)},"resource":{"type":"t","operation":"o"},"__proto__":{"isAdmin":true}}`, ['__proto__']],
      ['an empty string', JSON.stringify({ ...validBody, sourceSystemName: '' }), ['sourceSystemName']],
      ['a string over its maximum length', JSON.stringify({ ...validBody, resource: { ...validBody.resource, type: 'x'.repeat(65) } }), ['resource.type']],
      ['a duplicate member', `{"sourceSystemName":"a",${JSON.stringify(validBody).slice(1)}`, ['sourceSystemName']],
      ['a number too large for a double', JSON.stringify(validBody).replace('"PatientTestsApi"', '1e999'), ['sourceSystemName']],
    ];
    for (const [name, body, fields] of hostile) {
      it(`answers 400 naming ${fields.map((field) => field || 'the body').join(', ')} for ${name}, and writes nothing`, async () => {
        const count = await records.countDocuments();
        const response = await post(body);
        assert.equal(response.status, 400);
        assert.equal(response.headers.get('content-type'), 'application/problem+json');
        const problem = (await response.json()) as Problem;
        assert.equal(problem.type, 'urn:patient-tests:problem:validation');
        assert.deepEqual(problem.errors?.map((error) => error.field), fields);
        assert.equal(await records.countDocuments(), count);
      });
    }

    it('answers 413 for a body over the limit and writes nothing', async () => {
      const count = await records.countDocuments();
      const response = await post(JSON.stringify({ ...validBody, sourceSystemName: 'x'.repeat(5000) }));
      assert.equal(response.status, 413);
      assert.equal(((await response.json()) as Problem).type, 'urn:patient-tests:problem:payload-too-large');
      assert.equal(await records.countDocuments(), count);
    });

    it('answers 415 for a body declared as anything but JSON and writes nothing', async () => {
      const count = await records.countDocuments();
      for (const contentType of ['text/html', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/plain; charset=iso-8859-1']) {
        const response = await post(JSON.stringify(validBody), { 'content-type': contentType });
        assert.equal(response.status, 415, contentType);
      }
      assert.equal(await records.countDocuments(), count);
    });

    it('refuses a body declared as plain text or not declared at all (415): its one caller declares JSON, unlike the PatientTests API\'s third parties', async () => {
      const count = await records.countDocuments();
      const asText = await post(JSON.stringify(validBody), { 'content-type': 'text/plain; charset=utf-8' });
      assert.equal(asText.status, 415);
      assert.equal(((await asText.json()) as Problem).type, 'urn:patient-tests:problem:unsupported-media-type');
      // A Uint8Array body: fetch adds no Content-Type for bytes (for a string it would add text/plain).
      const undeclared = await fetch(`${host.url}/api/auditrecord`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.writer}` },
        body: new TextEncoder().encode(JSON.stringify(validBody)),
      });
      assert.equal(undeclared.status, 415);
      assert.equal(await records.countDocuments(), count);
    });

    it('answers 401 without a token or with one that is not, 403 to an auditor, and writes nothing', async () => {
      const count = await records.countDocuments();
      for (const authorization of [undefined, 'Bearer not-a-token', `Basic ${Buffer.from('a:b').toString('base64')}`]) {
        const response = await fetch(`${host.url}/api/auditrecord`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) },
          body: JSON.stringify(validBody),
        });
        assert.equal(response.status, 401);
        assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer/);
      }
      assert.equal((await post(JSON.stringify(validBody), { authorization: `Bearer ${tokens.reader}` })).status, 403, 'reading the register gives no right to write it');
      assert.equal(await records.countDocuments(), count);
    });

    it('has no update or delete path', async () => {
      const created = (await (await post(JSON.stringify(validBody))).json()) as { id: string };
      for (const method of ['PUT', 'PATCH', 'DELETE']) {
        const response = await fetch(`${host.url}/api/auditrecord/${created.id}`, { method, headers: { authorization: `Bearer ${tokens.writer}` } });
        assert.equal(response.status, 404, method);
      }
      assert.equal(await records.countDocuments({ _id: created.id }), 1);
    });
  });

  describe('GET /api/auditrecords', () => {
    it('pages a resource\'s history newest first with a continuation token', async () => {
      const resource = { type: 'test', id: 'paged-resource', operation: 'read' };
      const ids: string[] = [];
      for (let index = 0; index < 3; index++) {
        const created = (await (await post(JSON.stringify({ sourceSystemName: 'paging', actor, resource }))).json()) as { id: string };
        ids.push(created.id);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const first = (await (await get('auditrecords?resourceType=test&resourceId=paged-resource&limit=2')).json()) as { items: { id: string }[]; continuationToken: string };
      assert.deepEqual(first.items.map((item) => item.id), [ids[2], ids[1]]);
      const second = (await (await get(`auditrecords?resourceType=test&resourceId=paged-resource&limit=2&continuationToken=${first.continuationToken}`)).json()) as { items: { id: string }[]; continuationToken: string | null };
      assert.deepEqual(second.items.map((item) => item.id), [ids[0]]);
      assert.equal(second.continuationToken, null);
    });

    it('is read by auditors only: 403 to the PatientTests identity, which appends but never reads', async () => {
      const response = await get('auditrecords?resourceType=patient', { authorization: `Bearer ${tokens.writer}` });
      assert.equal(response.status, 403);
      assert.equal(((await response.json()) as Problem).type, 'urn:patient-tests:problem:forbidden');
      assert.equal((await get('auditrecords?resourceType=patient')).status, 200);
    });

    it('refuses ?code=, which once carried a function key: it opens nothing and filters nothing', async () => {
      const response = await get('auditrecords?resourceType=nothing-here&code=a-function-key', {});
      assert.equal(response.status, 401);
      const withToken = await get('auditrecords?resourceType=nothing-here&code=a-function-key');
      assert.equal(withToken.status, 400);
      assert.deepEqual(((await withToken.json()) as Problem).errors?.map((error) => error.field), ['code']);
    });

    it('lists one actor\'s records within a time range, newest first, and refuses actor with resource', async () => {
      const subscription = { ...actor, id: `apim-subscription/review-${Date.now()}` };
      const before = new Date();
      const ids: string[] = [];
      for (let index = 0; index < 3; index++) {
        const created = (await (await post(JSON.stringify({ ...validBody, actor: subscription }))).json()) as { id: string };
        ids.push(created.id);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await post(JSON.stringify(validBody));
      const from = encodeURIComponent(new Date(before.getTime() - 1).toISOString());
      const to = encodeURIComponent(new Date(Date.now() + 60_000).toISOString());
      const query = `auditrecords?actor=${encodeURIComponent(subscription.id)}&from=${from}&to=${to}`;
      const first = (await (await get(`${query}&limit=2`)).json()) as { items: { id: string; actor: { id: string } }[]; continuationToken: string };
      assert.deepEqual(first.items.map((item) => item.id), [ids[2], ids[1]]);
      assert.deepEqual(first.items.map((item) => item.actor), [subscription, subscription]);
      const second = (await (await get(`${query}&limit=2&continuationToken=${first.continuationToken}`)).json()) as { items: { id: string }[]; continuationToken: string | null };
      assert.deepEqual(second.items.map((item) => item.id), [ids[0]]);
      assert.equal(second.continuationToken, null);
      const empty = (await (await get(`auditrecords?actor=${encodeURIComponent(subscription.id)}&to=${from}`)).json()) as { items: unknown[] };
      assert.deepEqual(empty.items, [], 'nothing of that actor before the range');
    });

    it('lists every record of a time range newest first when no resource or actor is named', async () => {
      const before = new Date(Date.now() - 1);
      const created = (await (await post(JSON.stringify(validBody))).json()) as { id: string };
      const page = (await (await get(`auditrecords?from=${encodeURIComponent(before.toISOString())}&limit=100`)).json()) as { items: { id: string; createdDate: string }[] };
      assert.ok(page.items.some((item) => item.id === created.id));
      const dates = page.items.map((item) => item.createdDate);
      assert.deepEqual(dates, [...dates].sort().reverse());
    });

    const badQueries: [string, string[]][] = [
      ['auditrecords?resourceId=x', ['resourceType']],
      ['auditrecords?resourceType=patient&actor=apim-subscription%2Fx', ['actor']],
      ['auditrecords?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', ['from']],
      ['auditrecords?from=yesterday', ['from']],
      ['auditrecords?actor=', ['actor']],
      ['auditrecords?resourceType=patient&limit=0', ['limit']],
      ['auditrecords?resourceType=patient&limit=abc', ['limit']],
      ['auditrecords?resourceType=patient&limit=1000', ['limit']],
      ['auditrecords?resourceType=patient&continuationToken=forged', ['continuationToken']],
      ['auditrecords?resourceType=patient&sort=asc', ['sort']],
      ['auditrecords?resourceType=patient&resourceType=test', ['resourceType']],
    ];
    for (const [path, fields] of badQueries) {
      it(`answers 400 naming ${fields.join(', ')} for ${path}`, async () => {
        const response = await get(path);
        assert.equal(response.status, 400);
        assert.deepEqual(((await response.json()) as Problem).errors?.map((error) => error.field), fields);
      });
    }

    it('answers 400 to a request body on GET (fetch cannot send one; node:http can)', async () => {
      const status = await new Promise<number>((resolve, reject) => {
        const body = '{"resourceType":{"$ne":null}}';
        const outgoing = request(`${host.url}/api/auditrecords?resourceType=patient`, {
          method: 'GET',
          headers: { authorization: `Bearer ${tokens.reader}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        }, (response) => { response.resume(); resolve(response.statusCode ?? 0); });
        outgoing.on('error', reject);
        outgoing.end(body);
      });
      assert.equal(status, 400);
    });

    it('answers the platform health check anonymously, without touching the register', async () => {
      const count = await records.countDocuments();
      const response = await fetch(`${host.url}/api/health`);
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { status: 'ok' });
      assert.equal(await records.countDocuments(), count);
    });

    it('answers 404 for a record id that does not exist', async () => {
      const response = await get('auditrecord/0f8fad5b-d9cb-469f-a165-70867728950e');
      assert.equal(response.status, 404);
      assert.equal(((await response.json()) as Problem).type, 'urn:patient-tests:problem:not-found');
    });

    it('checks a record id as the PatientTests API checks its ids: any GUID may name a record, other forms the route lets through are 400 naming id', async () => {
      // Not a version-4 UUID, but a GUID: the route constraint and the shared check both take it.
      const anyGuid = await get('auditrecord/12345678-1234-1234-1234-123456789012');
      assert.equal(anyGuid.status, 404);
      const withoutHyphens = await get('auditrecord/0f8fad5bd9cb469fa16570867728950e');
      assert.equal(withoutHyphens.status, 400);
      assert.deepEqual(((await withoutHyphens.json()) as Problem).errors, [{ field: 'id', message: 'must be a GUID' }]);
    });
  });

  describe('when the database cannot be reached', () => {
    let orphan: FunctionHostProcess;
    before(async () => {
      orphan = await startFunctionHost({
        appDirectory,
        port: 0,
        // A made-up credential on a port where nothing listens: the test proves it never reaches the caller.
        settings: { ...settingsFor('mongodb://audit-user:s3cret-password@127.0.0.1:9/'), MONGODB_SERVER_SELECTION_TIMEOUT_MS: '300' },
        log: () => undefined,
      });
    });
    after(() => orphan.stop());

    it('answers 503 with Retry-After and leaks no connection detail', async () => {
      const response = await fetch(`${orphan.url}/api/auditrecord`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.writer}`, traceparent },
        body: JSON.stringify(validBody),
      });
      assert.equal(response.status, 503);
      assert.ok(Number(response.headers.get('retry-after')) > 0);
      const text = await response.text();
      const problem = JSON.parse(text) as Problem;
      assert.equal(problem.type, 'urn:patient-tests:problem:service-unavailable');
      assert.equal(problem.operationId, traceId);
      for (const leak of ['s3cret', 'audit-user', '127.0.0.1:9', 'mongodb://', 'Mongo']) assert.ok(!text.includes(leak), leak);
    });
  });
});
