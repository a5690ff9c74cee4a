import assert from 'node:assert/strict';
import { localIdentities } from '@patient-tests/local-stack';
import { aPatientBody, newTrace } from '../fixtures/builders';
import { TestStack } from '../fixtures/test-stack';

interface PatientJson { id: string }
interface AuditRecordJson { id: string; actor: Record<string, string> | null; resource: { type: string; id?: string; operation: string }; createdDate: string }
interface AuditPage { items: AuditRecordJson[]; continuationToken: string | null }

const spoofed = {
  'x-caller-subscription-id': 'someone-trusted',
  'x-caller-subscription-name': 'Someone trusted',
  'x-caller-product-id': 'admin-product',
  'x-caller-address': '198.51.100.1',
};

/** Who the audit register says called: from API Management's policy, never from the client. */
describe('the audit trail says who', () => {
  let api: TestStack;

  before(async () => { api = await TestStack.start(); });
  after(() => api.stop());


  async function actorOf(traceId: string): Promise<unknown> {
    const records = await api.audits.find({ correlationId: traceId }).toArray();
    assert.equal(records.length, 1, `one audit record for trace ${traceId}`);
    return records[0]?.actor;
  }

  /** The Audit API's list, as a compliance reviewer (a member of the auditors' group) calls it. */
  async function listAudits(query: string): Promise<AuditPage> {
    const response = await api.auditorGet(`auditrecords?${query}`);
    assert.equal(response.status, 200);
    return (await response.json()) as AuditPage;
  }

  const firstClient = { id: 'apim-subscription/local-client', kind: 'apim-subscription', name: 'Local client', product: 'patient-tests-clients' };
  // Its display name goes beyond Latin-1 (start-stack.ts): it must arrive as it was named.
  const secondClient = { id: 'apim-subscription/local-second-client', kind: 'apim-subscription', name: 'Second local client, Zürich 東京', product: 'patient-tests-clients' };

  it('records the subscription, its product and the client address of a call through the gateway', async () => {
    const { traceparent, traceId } = newTrace();
    assert.equal((await api.call('/', { method: 'POST', body: aPatientBody(), headers: { traceparent } })).status, 201);
    const actor = (await actorOf(traceId)) as Record<string, string>;
    const { clientAddress, ...rest } = actor;
    assert.deepEqual(rest, firstClient);
    assert.equal(clientAddress, '127.0.0.1', 'plain IPv4, as API Management gives it');
  });

  it('records the same actor when the client sends the caller headers itself', async () => {
    const { traceparent, traceId } = newTrace();
    assert.equal((await api.call('/', { method: 'POST', body: aPatientBody(), headers: { traceparent, ...spoofed } })).status, 201);
    const { clientAddress: _address, ...actor } = (await actorOf(traceId)) as Record<string, string>;
    assert.deepEqual(actor, firstClient);
  });

  it('records two subscriptions as two actors', async () => {
    const first = newTrace();
    const second = newTrace();
    const created = (await (await api.call('/', { method: 'POST', body: aPatientBody(), headers: { traceparent: first.traceparent } })).json()) as PatientJson;
    const read = await api.call(`/${created.id}`, { headers: { traceparent: second.traceparent, 'ocp-apim-subscription-key': api.secondSubscriptionKey } });
    assert.equal(read.status, 200);
    assert.equal(((await actorOf(first.traceId)) as { id: string }).id, firstClient.id);
    const { clientAddress: _address, ...reader } = (await actorOf(second.traceId)) as Record<string, string>;
    assert.deepEqual(reader, secondClient);
  });

  it('records a direct call of an identity allowed to call the API as exactly that identity (its object id)', async () => {
    const { traceparent, traceId } = newTrace();
    const response = await api.callDirectly('', localIdentities.operator, { method: 'POST', body: aPatientBody(), headers: { traceparent } });
    assert.equal(response.status, 201);
    assert.deepEqual(await actorOf(traceId), { id: `entra-principal/${localIdentities.operator.objectId}`, kind: 'entra-principal' });
  });

  it('refuses (403) a direct caller that names a caller, and audits, reads and writes nothing', async () => {
    // A system with its own valid token pretending to speak for a subscription: only API Management may.
    const before = await api.counts();
    const { traceparent, traceId } = newTrace();
    const response = await api.callDirectly('', localIdentities.operator, { method: 'POST', body: aPatientBody(), headers: { ...spoofed, traceparent } });
    assert.equal(response.status, 403);
    assert.equal(response.headers.get('content-type'), 'application/problem+json');
    const problem = (await response.json()) as { type: string; operationId: string };
    assert.equal(problem.type, 'urn:patient-tests:problem:forbidden');
    assert.equal(problem.operationId, traceId);
    assert.deepEqual(await api.counts(), before);
    assert.ok(api.logLines.some((line) => line.includes(traceId) && line.includes('caller headers from an identity other than the gateway')), 'logged with the operation id');
  });

  it('refuses a call with the gateway\'s token that names no caller (the policy did not run), before anything is audited or stored', async () => {
    const before = await api.counts();
    const token = await api.tokenFor(localIdentities.apiManagement, 'patient_tests');
    const response = await fetch(`${api.stack.status.patientTests.url}/api/patient`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(aPatientBody()),
    });
    assert.equal(response.status, 500);
    const text = await response.text();
    assert.equal((JSON.parse(text) as { type: string }).type, 'urn:patient-tests:problem:internal');
    assert.ok(!text.includes(token));
    assert.deepEqual(await api.counts(), before);
  });

  it('lets a reviewer list one actor\'s records, and a time range, newest first', async () => {
    const started = new Date(Date.now() - 1);
    const created = (await (await api.call('/', { method: 'POST', body: aPatientBody(), headers: { 'ocp-apim-subscription-key': api.secondSubscriptionKey } })).json()) as PatientJson;
    assert.equal((await api.call(`/${created.id}`, { headers: { 'ocp-apim-subscription-key': api.secondSubscriptionKey } })).status, 200);
    assert.equal((await api.call(`/${created.id}`)).status, 200);

    const bySecond = await listAudits(`actor=${encodeURIComponent(secondClient.id)}&from=${encodeURIComponent(started.toISOString())}`);
    assert.deepEqual(bySecond.items.map((record) => [record.resource.operation, record.resource.id]), [['read', created.id], ['create', created.id]]);
    assert.ok(bySecond.items.every((record) => record.actor?.id === secondClient.id));

    const whoReadIt = await listAudits(`resourceType=patient&resourceId=${created.id}`);
    assert.deepEqual(whoReadIt.items.map((record) => [record.actor?.id, record.resource.operation]), [
      [firstClient.id, 'read'], [secondClient.id, 'read'], [secondClient.id, 'create'],
    ]);

    const sinceStart = await listAudits(`from=${encodeURIComponent(started.toISOString())}&limit=100`);
    const dates = sinceStart.items.map((record) => record.createdDate);
    assert.deepEqual(dates, [...dates].sort().reverse(), 'newest first');
    assert.ok(sinceStart.items.some((record) => record.actor?.id === firstClient.id) && sinceStart.items.some((record) => record.actor?.id === secondClient.id));
  });
});
