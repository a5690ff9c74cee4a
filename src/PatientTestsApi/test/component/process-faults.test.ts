import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { join } from 'node:path';
import { startFunctionHost, type FunctionHostProcess } from '@patient-tests/local-stack';
import { AuditFaultRelay } from '../fixtures/audit-fault-relay';
import { aPatientBody } from '../fixtures/builders';
import { startGatewayInFront, type GatewayInFront } from '../fixtures/gateway-in-front';
import { TestStack } from '../fixtures/test-stack';

interface Answer { status: number; at: number; id?: string; detail?: string }

/** A burst of creates through the gateway, spread over ~`count * gapMs`; nobody waits more than `limitMs`. */
function burst(api: TestStack, count: number, gapMs: number, limitMs = 10_000): Promise<Answer[]> {
  return Promise.all(Array.from({ length: count }, async (_, index) => {
    await new Promise((resolve) => setTimeout(resolve, index * gapMs));
    const response = await api.call('/', { method: 'POST', body: aPatientBody(), headers: {}, signal: AbortSignal.timeout(limitMs) });
    const body = (await response.json()) as { id?: string };
    return { status: response.status, at: Date.now(), ...(response.status === 201 && body.id !== undefined ? { id: body.id } : {}) };
  }));
}

/** The invariant of every fault: a stored patient always has its audit record, and a 201 is always stored. */
async function assertNothingHalfWritten(api: TestStack, answers: Answer[]): Promise<void> {
  // The versions are the record of truth: a stored patient has its version 1 (its searchable copy may lag).
  const stored = new Set((await api.patientVersions.find({ _version: 1 }, { projection: { _shardKey: 1 } }).toArray()).map((version) => String(version._shardKey)));
  const audited = new Set((await api.audits.find({ 'resource.operation': 'create' }).toArray()).map((record) => (record.resource as { id?: string }).id));
  for (const id of stored) assert.ok(audited.has(id), `patient ${id} is stored without its audit record`);
  for (const answer of answers) if (answer.id !== undefined) assert.ok(stored.has(answer.id), `patient ${answer.id} was confirmed but not stored`);
}

describe('process faults under load (gateway → PatientTests → Audit)', function () {
  this.timeout(60_000);

  describe('SIGTERM to the PatientTests app with requests in flight', () => {
    const inFlight = 10;
    let api: TestStack;
    let relay: AuditFaultRelay;
    let host: FunctionHostProcess;
    let gateway: GatewayInFront;
    const hostLog: string[] = [];
    const hostEvents = new EventEmitter();

    // Its own PatientTests host behind its own gateway, calling the stack's Audit API through a relay that
    // can hold requests: a held audit call is a request provably in flight in the host, for as long as the
    // test needs, instead of one a sleep hopes is there. The audit timeout is long, so none gives up.
    before(async () => {
      api = await TestStack.start();
      relay = new AuditFaultRelay(api.stack.status.audit.url);
      await relay.start();
      host = await startFunctionHost({
        appDirectory: join(__dirname, '..', '..', '..'),
        port: 0,
        settings: api.patientTestsHostSettings(relay.url, { AUDIT_TIMEOUT_MS: '30000' }),
        log: (line) => { hostLog.push(line); hostEvents.emit('line', line); },
      });
      gateway = await startGatewayInFront({
        backendUrl: host.url,
        subscription: { id: 'process-faults-client', name: 'Process faults client', key: 'process-faults-subscription' },
        managedIdentity: api.stack.gatewayIdentity,
      });
    });
    after(async () => {
      gateway.stop();
      await host.stop();
      await relay.stop();
      await api.stop();
    });

    const create = async (): Promise<Answer> => {
      const response = await fetch(`${gateway.url}/`, {
        method: 'POST',
        headers: { 'ocp-apim-subscription-key': 'process-faults-subscription', 'content-type': 'application/json' },
        body: JSON.stringify(aPatientBody()),
        signal: AbortSignal.timeout(20_000),
      });
      const body = (await response.json()) as { id?: string; detail?: string };
      return { status: response.status, at: Date.now(), ...(response.status === 201 && body.id !== undefined ? { id: body.id } : { detail: body.detail }) };
    };

    const stopping = async (): Promise<void> => {
      while (!hostLog.some((line) => line.includes('"event":"stopping"'))) await once(hostEvents, 'line');
    };

    it('finishes every request in flight at the signal, refuses new ones meanwhile, exits cleanly, and leaves nothing half written', async () => {
      relay.fault = 'held';
      const running = Array.from({ length: inFlight }, () => create());
      await relay.whenHolding(inFlight);

      const exited = once(host.process, 'exit');
      host.process.kill('SIGTERM');
      await stopping();
      const refused = await create();
      relay.release();
      const answers = await Promise.all(running);
      const [code] = (await exited) as [number | null];

      assert.deepEqual(answers.map((answer) => answer.status), answers.map(() => 201), 'every request in flight at SIGTERM completed');
      assert.equal(refused.status, 503, `a request after the signal is not taken on: ${refused.detail ?? ''}`);
      assert.equal(code, 0, 'the host exits with 0 after draining');
      await assertNothingHalfWritten(api, answers);
      assert.equal(new Set(answers.map((answer) => answer.id)).size, inFlight);
    });

    it('then answers at once with a retryable problem document: the gateway does not wait for a stopped app', async () => {
      const response = await fetch(`${gateway.url}/`, {
        method: 'POST',
        headers: { 'ocp-apim-subscription-key': 'process-faults-subscription', 'content-type': 'application/json' },
        body: JSON.stringify(aPatientBody()),
        signal: AbortSignal.timeout(5_000),
      });
      assert.equal(response.status, 503);
      assert.equal(response.headers.get('content-type'), 'application/problem+json');
      assert.ok(Number(response.headers.get('retry-after')) >= 1);
    });
  });

  describe('the PatientTests app stopping in the stack', () => {
    let api: TestStack;
    before(async () => { api = await TestStack.start(); });
    after(() => api.stop());

    it('is restarted by the stack: meanwhile 503 with Retry-After at once, then it serves again', async () => {
      const host = api.stack.patientTests.process;
      const exited = once(host, 'exit');
      host.kill('SIGTERM');
      await exited;
      const statuses: number[] = [];
      const deadline = Date.now() + 20_000;
      for (;;) {
        const response = await api.call('/', { method: 'POST', body: aPatientBody(), signal: AbortSignal.timeout(5_000) });
        statuses.push(response.status);
        if (response.status === 201) break;
        assert.equal(response.status, 503, `statuses: ${statuses.join(',')}`);
        assert.equal(response.headers.get('content-type'), 'application/problem+json');
        assert.ok(Number(response.headers.get('retry-after')) >= 1, 'Retry-After says when to come back');
        assert.ok(Date.now() < deadline, `not back within 20 s: ${statuses.join(',')}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.equal(api.stack.patientTests.restarts, 1, 'the supervisor restarted the host once');
    });
  });

  describe('the Audit API crashing in the middle of a burst', () => {
    let api: TestStack;
    before(async () => { api = await TestStack.start(); });
    after(() => api.stop());

    it('makes PatientTests answer 503 promptly and write nothing it could not audit', async () => {
      const running = burst(api, 40, 4);
      await new Promise((resolve) => setTimeout(resolve, 50));
      api.stack.audit.process.kill('SIGKILL');
      const answers = await running;

      assert.ok(answers.every((answer) => answer.status === 201 || answer.status === 503), `statuses: ${answers.map((answer) => answer.status).join(',')}`);
      assert.ok(answers.some((answer) => answer.status === 503), 'the crash was felt');
      await assertNothingHalfWritten(api, answers);
    });
  });
});
