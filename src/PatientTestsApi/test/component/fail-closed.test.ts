import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startFunctionHost, type FunctionHostProcess } from '@patient-tests/local-stack';
import { AuditFaultRelay } from '../fixtures/audit-fault-relay';
import { aPatientBody, aTestBody } from '../fixtures/builders';
import { startGatewayInFront, type GatewayInFront } from '../fixtures/gateway-in-front';
import { TestStack } from '../fixtures/test-stack';

interface Operation { name: string; method: string; path: () => string; body?: () => unknown; headers?: Record<string, string> }

describe('fail closed: when the audit register cannot record, nothing is read, returned or written', () => {
  const auditTimeoutMs = 300;
  let api: TestStack;
  let relay: AuditFaultRelay;
  let host: FunctionHostProcess;
  let gateway: GatewayInFront;
  let patientId: string;
  let testId: string;

  before(async () => {
    api = await TestStack.start();
    const patient = await api.call('/', { method: 'POST', body: aPatientBody() });
    patientId = ((await patient.json()) as { id: string }).id;
    const test = await api.call(`/${patientId}/tests`, { method: 'POST', body: aTestBody(patientId) });
    testId = ((await test.json()) as { id: string }).id;

    relay = new AuditFaultRelay(api.stack.status.audit.url);
    await relay.start();
    host = await startFunctionHost({
      appDirectory: join(__dirname, '..', '..', '..'),
      port: 0,
      settings: api.patientTestsHostSettings(relay.url, { AUDIT_TIMEOUT_MS: String(auditTimeoutMs) }),
      log: () => undefined,
    });
    gateway = await startGatewayInFront({
      backendUrl: host.url,
      subscription: { id: 'fail-closed-client', name: 'Fail-closed client', key: 'fail-closed-subscription' },
      managedIdentity: api.stack.gatewayIdentity,
      limits: { callsPerWindow: 10_000, windowSeconds: 60, maxBodyBytes: 65_536, backendTimeoutMs: 10_000 },
    });
  });
  after(async () => {
    gateway.stop();
    await host.stop();
    await relay.stop();
    await api.stop();
  });

  const operations: Operation[] = [
    { name: 'create patient', method: 'POST', path: () => '/', body: () => aPatientBody() },
    { name: 'load patient', method: 'GET', path: () => `/${patientId}` },
    { name: 'update patient', method: 'PUT', path: () => `/${patientId}`, body: () => ({ ...aPatientBody(), id: patientId }) },
    { name: 'search patients', method: 'POST', path: () => '/search', body: () => ({}) },
    { name: 'create test', method: 'POST', path: () => `/${patientId}/tests`, body: () => aTestBody(patientId) },
    { name: 'list tests', method: 'GET', path: () => `/${patientId}/tests` },
    { name: 'load test', method: 'GET', path: () => `/${patientId}/tests/${testId}` },
    { name: 'list patient versions', method: 'GET', path: () => `/${patientId}/versions` },
    { name: 'create patient with an Idempotency-Key', method: 'POST', path: () => '/', body: () => aPatientBody(), headers: { 'idempotency-key': 'fail-closed-key-1' } },
  ];

  const call = (operation: Operation) => fetch(`${gateway.url}${operation.path()}`, {
    method: operation.method,
    headers: { 'ocp-apim-subscription-key': 'fail-closed-subscription', 'content-type': 'application/json', ...operation.headers },
    body: operation.body ? JSON.stringify(operation.body()) : undefined,
  });

  it('works while the audit register works (the relay itself is sound)', async () => {
    relay.fault = 'none';
    const response = await call(operations[1]!);
    assert.equal(response.status, 200);
    assert.equal(relay.forwarded, 1);
  });

  for (const fault of ['stopped', 'answers-500', 'too-slow'] as const) {
    describe(`with the Audit API ${fault}`, () => {
      before(async () => {
        if (fault === 'stopped') await relay.stop();
        else relay.fault = fault;
      });
      after(async () => {
        relay.fault = 'none';
        if (fault === 'stopped') await relay.start();
      });

      for (const operation of operations) {
        it(`${operation.name} answers 503 with Retry-After, returns no data and changes nothing`, async () => {
          const before = await api.counts();
          const storedPatient = await api.patients.findOne({ _id: patientId });
          const started = Date.now();
          const response = await call(operation);
          const waited = Date.now() - started;
          assert.equal(response.status, 503);
          assert.ok(Number(response.headers.get('retry-after')) > 0);
          const text = await response.text();
          assert.equal((JSON.parse(text) as { type: string }).type, 'urn:patient-tests:problem:service-unavailable');
          assert.ok(!text.includes('firstName') && !text.includes('performer'), 'no resource data in the answer');
          // Not a speed goal: a slow audit must not hold the request until it answers (after 5 s).
          assert.ok(waited < 4_000, `answered after ${waited} ms`);
          assert.deepEqual(await api.counts(), before);
          assert.deepEqual(await api.patients.findOne({ _id: patientId }), storedPatient);
        });
      }
    });
  }
});
