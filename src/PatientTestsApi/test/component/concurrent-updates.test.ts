import assert from 'node:assert/strict';
import { aPatientBody } from '../fixtures/builders';
import { TestStack } from '../fixtures/test-stack';

interface PatientJson { id: string; firstName: string; [member: string]: unknown }

/**
 * Concurrent updates of one patient through the real chain (gateway → host → FerretDB), in many rounds:
 * FerretDB does not apply a filtered write atomically, so a design that leaned on one would pass some
 * rounds by luck and fail others. Updates rest on a unique insert of each version instead.
 */
describe('concurrent updates of one patient, through the gateway', () => {
  const rounds = 10;
  const writers = 20;
  let api: TestStack;

  before(async () => { api = await TestStack.start(); });
  after(() => api.stop());

  async function newPatient(): Promise<PatientJson> {
    const response = await api.call('/', { method: 'POST', body: aPatientBody() });
    assert.equal(response.status, 201);
    return (await response.json()) as PatientJson;
  }

  function put(id: string, writer: number, headers: Record<string, string> = {}) {
    return api.call(`/${id}`, { method: 'PUT', body: aPatientBody({ id, firstName: `WRITER${writer}` }), headers });
  }

  it(`without If-Match: all ${writers} concurrent updates succeed and the last one stands, in each of ${rounds} rounds`, async function () {
    this.timeout(900_000);
    for (let round = 0; round < rounds; round++) {
      const patient = await newPatient();
      const auditsBefore = await api.audits.countDocuments({ 'resource.id': patient.id, 'resource.operation': 'update' });
      const responses = await Promise.all(Array.from({ length: writers }, (_, writer) => put(patient.id, writer)));
      assert.deepEqual(responses.map((response) => response.status), responses.map(() => 200), `round ${round}`);
      const answers = await Promise.all(responses.map(async (response) => ({ etag: response.headers.get('etag'), body: (await response.json()) as PatientJson })));
      // Every update became its own version: ETags "2" to "21", each once.
      const versions = answers.map((answer) => Number(JSON.parse(answer.etag ?? 'null'))).sort((a, b) => a - b);
      assert.deepEqual(versions, Array.from({ length: writers }, (_, index) => index + 2), `round ${round}`);
      const last = answers.find((answer) => answer.etag === `"${writers + 1}"`);
      assert.ok(last);
      const loaded = await api.call(`/${patient.id}`);
      assert.equal(loaded.headers.get('etag'), `"${writers + 1}"`);
      assert.deepEqual(await loaded.json(), last.body, `round ${round}: the last update stands`);
      const [found] = (await (await api.call('/search', { method: 'POST', body: { id: patient.id } })).json()) as PatientJson[];
      assert.equal(found?.firstName, last.body.firstName, `round ${round}: search shows it too`);
      const history = (await (await api.call(`/${patient.id}/versions?limit=100`)).json()) as { version: number; patient: PatientJson }[];
      assert.deepEqual(history.map((item) => item.version), Array.from({ length: writers + 1 }, (_, index) => writers + 1 - index));
      assert.deepEqual(new Set(history.slice(0, writers).map((item) => item.patient.firstName)).size, writers, 'no update was lost');
      assert.equal(await api.audits.countDocuments({ 'resource.id': patient.id, 'resource.operation': 'update' }), auditsBefore + writers);
    }
  });

  it(`with the same If-Match: exactly one of ${writers} concurrent updates wins and the others get 412, in each of ${rounds} rounds`, async function () {
    this.timeout(900_000);
    for (let round = 0; round < rounds; round++) {
      const patient = await newPatient();
      const responses = await Promise.all(Array.from({ length: writers }, (_, writer) => put(patient.id, writer, { 'if-match': '"1"' })));
      const statuses = responses.map((response) => response.status);
      assert.equal(statuses.filter((status) => status === 200).length, 1, `round ${round}: ${statuses.join(' ')}`);
      assert.equal(statuses.filter((status) => status === 412).length, writers - 1, `round ${round}: ${statuses.join(' ')}`);
      const winner = responses[statuses.indexOf(200)];
      assert.ok(winner);
      assert.equal(winner.headers.get('etag'), '"2"');
      const won = (await winner.json()) as PatientJson;
      for (const response of responses.filter((candidate) => candidate.status === 412)) {
        assert.equal(((await response.json()) as { type: string }).type, 'urn:patient-tests:problem:precondition-failed');
      }
      assert.deepEqual(await (await api.call(`/${patient.id}`)).json(), won, `round ${round}: the winner's update is stored`);
      const history = (await (await api.call(`/${patient.id}/versions`)).json()) as { version: number }[];
      assert.deepEqual(history.map((item) => item.version), [2, 1], `round ${round}: nothing else was written`);
    }
  });
});
