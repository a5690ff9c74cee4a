import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { aPatientBody, aTestBody } from '../fixtures/builders';
import { TestStack } from '../fixtures/test-stack';

interface Problem { type: string; status: number; errors?: { field: string }[]; detail?: string }
/** `field` and `otherField` are string members of the endpoint's own schema, so each case hits a real member. */
interface Endpoint { name: string; method: string; path: () => string; valid: () => Record<string, unknown>; field: string; otherField: string }
interface HostileCase {
  name: string;
  status: number;
  body: (valid: Record<string, unknown>, endpoint: Endpoint) => string | Uint8Array;
  /** null: no content type at all. */
  contentType?: string | null;
  /** The members the problem must name, where the case targets members. */
  names?: (endpoint: Endpoint) => string[];
}

const injectInto = (pick: (endpoint: Endpoint) => string, value: unknown) => (valid: Record<string, unknown>, endpoint: Endpoint) =>
  JSON.stringify({ ...valid, [pick(endpoint)]: value });
const field = (endpoint: Endpoint) => endpoint.field;
const otherField = (endpoint: Endpoint) => endpoint.otherField;
const named = (name: string) => () => name;

/** Every case must be answered with a 4xx problem document before anything is audited, read or written. */
const hostileCases: HostileCase[] = [
  { name: 'malformed JSON', status: 400, body: (valid) => JSON.stringify(valid).slice(0, -3) },
  { name: 'a JSON array', status: 400, body: () => '[{"firstName":"x"}]' },
  { name: 'an empty body', status: 400, body: () => '' },
  { name: 'a wrong type', status: 400, body: injectInto(field, 42), names: (e) => [e.field] },
  { name: 'an unknown field', status: 400, body: injectInto(named('isAdmin'), true), names: () => ['isAdmin'] },
  { name: '{"$ne": null} where a string belongs', status: 400, body: injectInto(field, { $ne: null }), names: (e) => [`${e.field}.$ne`] },
  { name: '{"$regex": ".*"} where a string belongs', status: 400, body: injectInto(otherField, { $regex: '.*' }), names: (e) => [`${e.otherField}.$regex`] },
  { name: 'a top-level $where', status: 400, body: injectInto(named('$where'), 'sleep(1000)'), names: () => ['$where'] },
  { name: 'a __proto__ member', status: 400, body: (valid) => `{"__proto__":{"polluted":true},${JSON.stringify(valid).slice(1)}` },
  { name: 'a constructor.prototype member', status: 400, body: injectInto(named('constructor'), { prototype: { polluted: true } }) },
  { name: 'a nested array where a string belongs', status: 400, body: injectInto(field, ['a', ['b']]) },
  { name: 'an HTML content type', status: 415, body: (valid) => JSON.stringify(valid), contentType: 'text/html' },
  { name: 'an XML content type', status: 415, body: (valid) => JSON.stringify(valid), contentType: 'application/xml' },
  { name: 'plain text in another charset than UTF-8', status: 415, body: (valid) => JSON.stringify(valid), contentType: 'text/plain; charset=iso-8859-1' },
  { name: 'an oversized body', status: 413, body: injectInto(field, 'x'.repeat(40_000)) },
  // Parser attacks: documents that different parsers read differently, or that cost more than they look.
  {
    name: 'a duplicate member (JSON.parse would keep the second)',
    status: 400,
    body: (valid, endpoint) => `${JSON.stringify(valid).slice(0, -1)},${JSON.stringify(endpoint.field)}:"second"}`,
    names: (e) => [e.field],
  },
  { name: 'nesting 5 000 levels deep', status: 400, body: (valid, endpoint) => `${JSON.stringify(valid).slice(0, -1)},${JSON.stringify(endpoint.field)}:${'['.repeat(5000)}${']'.repeat(5000)}}` },
  { name: 'a number too large for a double where a string belongs', status: 400, body: (valid, endpoint) => JSON.stringify({ ...valid, [endpoint.field]: 0 }).replace(`"${endpoint.field}":0`, `"${endpoint.field}":1e999`), names: (e) => [e.field] },
  { name: 'a 40-digit integer where a string belongs', status: 400, body: injectInto(field, Number('1'.repeat(40))), names: (e) => [e.field] },
  { name: 'an object where a string belongs', status: 400, body: injectInto(field, { first: 'a' }), names: (e) => [e.field] },
  { name: 'invalid UTF-8', status: 400, body: (valid) => Buffer.concat([Buffer.from(JSON.stringify(valid).slice(0, -1)), Buffer.from(',"x":"\xff\xfe"}', 'latin1')]) },
  // Without a Content-Type, or as plain UTF-8 text (the 2020 client), a body is read as JSON under every rule.
  { name: 'malformed JSON without a content type', status: 400, body: (valid) => Buffer.from(JSON.stringify(valid).slice(0, -3)), contentType: null },
  { name: 'malformed JSON as text/plain', status: 400, body: (valid) => JSON.stringify(valid).slice(0, -3), contentType: 'text/plain; charset=utf-8' },
  { name: 'a $ne operator as text/plain', status: 400, body: injectInto(field, { $ne: null }), contentType: 'text/plain; charset=utf-8', names: (e) => [`${e.field}.$ne`] },
  { name: 'a $where member without a content type', status: 400, body: (valid) => Buffer.from(JSON.stringify({ ...valid, $where: '1' })), contentType: null, names: () => ['$where'] },
  { name: 'an oversized body without a content type', status: 413, body: (valid, endpoint) => Buffer.from(injectInto(field, 'x'.repeat(40_000))(valid, endpoint)), contentType: null },
  { name: 'a form content type', status: 415, body: (valid) => JSON.stringify(valid), contentType: 'application/x-www-form-urlencoded' },
  { name: 'a multipart content type', status: 415, body: (valid) => JSON.stringify(valid), contentType: 'multipart/form-data; boundary=x' },
];

describe('hostile input on every endpoint with a body', () => {
  let api: TestStack;
  let patientId: string;

  before(async () => {
    api = await TestStack.start();
    const created = await api.call('/', { method: 'POST', body: aPatientBody() });
    patientId = ((await created.json()) as { id: string }).id;
  });
  after(() => api.stop());

  const endpoints: Endpoint[] = [
    { name: 'POST /patient', method: 'POST', path: () => '/', valid: () => aPatientBody(), field: 'firstName', otherField: 'lastName' },
    { name: 'PUT /patient/{id}', method: 'PUT', path: () => `/${patientId}`, valid: () => ({ ...aPatientBody(), id: patientId }), field: 'firstName', otherField: 'postCode' },
    { name: 'POST /patient/search', method: 'POST', path: () => '/search', valid: () => ({ firstName: 'x', lastName: 'y' }), field: 'lastName', otherField: 'insuranceNumber' },
    { name: 'POST /patient/{id}/tests', method: 'POST', path: () => `/${patientId}/tests`, valid: () => aTestBody(patientId), field: 'performer', otherField: 'orderReference' },
  ];

  for (const endpoint of endpoints) {
    describe(endpoint.name, () => {
      for (const hostile of hostileCases) {
        it(`answers ${hostile.status} to ${hostile.name}, with nothing audited or written`, async () => {
          const before = await api.counts();
          const storedPatient = await api.patients.findOne({ _id: patientId });
          const response = await api.call(endpoint.path(), {
            method: endpoint.method,
            body: hostile.body(endpoint.valid(), endpoint),
            headers: hostile.contentType === null ? {} : { 'content-type': hostile.contentType ?? 'application/json' },
          });
          assert.equal(response.status, hostile.status);
          assert.equal(response.headers.get('content-type'), 'application/problem+json');
          const text = await response.text();
          const problem = JSON.parse(text) as Problem;
          assert.equal(problem.status, hostile.status);
          assert.ok(problem.detail, 'the problem says what is wrong');
          if (hostile.names) assert.deepEqual(problem.errors?.map((error) => error.field), hostile.names(endpoint));
          assert.ok(!/at .+\(.*:\d+:\d+\)|Mongo|stack/i.test(text), 'no stack trace or driver detail');
          assert.deepEqual(await api.counts(), before);
          assert.deepEqual(await api.patients.findOne({ _id: patientId }), storedPatient);
          assert.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype pollution');
        });
      }
    });
  }

  describe('GET endpoints', () => {
    /** fetch refuses a body on GET; node:http sends one, as a hostile client would. */
    function getWithBody(path: string): Promise<{ status: number; contentType: string | undefined; text: string }> {
      const url = new URL(`${api.stack.status.gateway.url}/patient${path}`);
      const body = JSON.stringify({ lastName: { $ne: null } });
      return new Promise((resolve, reject) => {
        const outgoing = httpRequest(url, { method: 'GET', headers: { 'ocp-apim-subscription-key': api.subscriptionKey, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => { resolve({ status: response.statusCode ?? 0, contentType: response.headers['content-type'], text: Buffer.concat(chunks).toString('utf8') }); });
        });
        outgoing.on('error', reject);
        outgoing.end(body);
      });
    }

    it('answer 400 to a request body on GET, with nothing audited', async () => {
      const before = await api.counts();
      const testId = '0f8fad5b-d9cb-469f-a165-70867728950e';
      for (const path of [`/${patientId}`, `/${patientId}/tests`, `/${patientId}/tests/${testId}`]) {
        const response = await getWithBody(path);
        assert.equal(response.status, 400, path);
        assert.equal(response.contentType, 'application/problem+json', path);
        assert.match(response.text, /takes no request body/);
      }
      assert.deepEqual(await api.counts(), before);
    });

    const injections = [encodeURIComponent('{"$ne":null}'), encodeURIComponent("'; return true; var x='"), '..%2F..%2Fetc%2Fpasswd'];
    for (const injection of injections) {
      it(`answer 404 problems to ${decodeURIComponent(injection)} in the path, with nothing audited`, async () => {
        const before = await api.counts();
        for (const path of [`/${injection}`, `/${injection}/tests`, `/${patientId}/tests/${injection}`]) {
          const response = await api.call(path);
          assert.equal(response.status, 404, path);
          assert.equal(response.headers.get('content-type'), 'application/problem+json', path);
        }
        assert.deepEqual(await api.counts(), before);
      });
    }
  });
});
