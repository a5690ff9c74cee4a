import assert from 'node:assert/strict';
import { once } from 'node:events';
import { aPatientBody } from '../fixtures/builders';
import { TestStack } from '../fixtures/test-stack';

interface Answer { status: number; at: number; id?: string }

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
  const stored = new Set((await api.patients.find({}, { projection: { _id: 1 } }).toArray()).map((patient) => patient._id));
  const audited = new Set((await api.audits.find({ 'resource.operation': 'create' }).toArray()).map((record) => (record.resource as { id?: string }).id));
  for (const id of stored) assert.ok(audited.has(id), `patient ${id} is stored without its audit record`);
  for (const answer of answers) if (answer.id !== undefined) assert.ok(stored.has(answer.id), `patient ${answer.id} was confirmed but not stored`);
}

describe('process faults under load (gateway → PatientTests → Audit)', function () {
  this.timeout(60_000);

  describe('SIGTERM to the PatientTests app in the middle of a burst', () => {
    let api: TestStack;
    before(async () => { api = await TestStack.start(); });
    after(() => api.stop());

    it('finishes the requests in flight, exits cleanly, and leaves nothing half written', async () => {
      const running = burst(api, 40, 4);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const host = api.stack.patientTests.process;
      const exited = once(host, 'exit');
      const signalledAt = Date.now();
      host.kill('SIGTERM');
      const answers = await running;
      const [code] = (await exited) as [number | null];

      assert.equal(code, 0, 'the host exits with 0 after draining');
      assert.ok(answers.every((answer) => [201, 502, 503].includes(answer.status)), `statuses: ${answers.map((answer) => answer.status).join(',')}`);
      assert.ok(answers.some((answer) => answer.status === 201 && answer.at > signalledAt), 'a request in flight at SIGTERM still completed');
      await assertNothingHalfWritten(api, answers);
    });

    it('is restarted by the stack: meanwhile 503 with Retry-After at once, then it serves again', async () => {
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
