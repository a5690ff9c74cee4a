import assert from 'node:assert/strict';
import { aPatientBody, aTestBody } from '../fixtures/builders';
import { TestStack } from '../fixtures/test-stack';

interface Problem { type: string; status: number; errors?: { field: string }[]; detail?: string }
/** `field` and `otherField` are string members of the endpoint's own schema, so each case hits a real member. */
interface Endpoint { name: string; method: string; path: () => string; valid: () => Record<string, unknown>; field: string; otherField: string }
interface HostileCase {
  name: string;
  status: number;
  body: (valid: Record<string, unknown>, endpoint: Endpoint) => string;
  contentType?: string;
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
  { name: 'a body that is not JSON', status: 415, body: (valid) => JSON.stringify(valid), contentType: 'text/plain' },
  { name: 'an oversized body', status: 413, body: injectInto(field, 'x'.repeat(40_000)) },
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
            headers: { 'content-type': hostile.contentType ?? 'application/json' },
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
