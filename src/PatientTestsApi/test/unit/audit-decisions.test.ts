import assert from 'node:assert/strict';
import { ServiceUnavailableError } from '@patient-tests/shared/errors';
import { requireRecordedInTime } from '../../src/clients/audit-client';
import { auditFirst, type AuditEntry, type AuditTrail, type RequestScope } from '../../src/domain/audit-trail';

const entry: AuditEntry = { type: 'patient', id: '2f1c7c2e-8f0a-4c1e-9a57-0f3a2b1c4d5e', operation: 'read' };
const scope: RequestScope = { actor: { kind: 'entra-principal', objectId: '6eaeb0ac-199c-4753-a5cc-b1c44d89ec67' }, log: { warn: () => undefined } };

/** The two rules the whole fail-closed design rests on, each found by its name. */
describe('audit decisions, by name', () => {
  describe('auditFirst', () => {
    it('records the entry before the work runs, and answers with the work', async () => {
      const order: string[] = [];
      const trail: AuditTrail = { record: () => { order.push('record'); return Promise.resolve(); } };
      const result = await auditFirst(trail, entry, scope, () => { order.push('work'); return Promise.resolve(42); });
      assert.equal(result, 42);
      assert.deepEqual(order, ['record', 'work']);
    });

    it('never runs the work when the entry cannot be recorded, and rejects with the trail error', async () => {
      let ran = false;
      const refusal = new ServiceUnavailableError('audit down');
      const trail: AuditTrail = { record: () => Promise.reject(refusal) };
      await assert.rejects(auditFirst(trail, entry, scope, () => { ran = true; return Promise.resolve(1); }), (error) => error === refusal);
      assert.equal(ran, false);
    });
  });

  describe('requireRecordedInTime (not 201 in time: 503)', () => {
    it('counts a 201 as recorded', () => {
      assert.doesNotThrow(() => { requireRecordedInTime({ status: 201 }, 2_000); });
    });

    for (const status of [200, 202, 400, 401, 404, 409, 500, 503]) {
      it(`refuses an answer of ${status} with a 503`, () => {
        assert.throws(() => { requireRecordedInTime({ status }, 2_000); }, (error) => error instanceof ServiceUnavailableError && error.retryAfterSeconds === 5);
      });
    }

    it('refuses no answer within the timeout, and no connection, with a 503 naming why', () => {
      assert.throws(() => { requireRecordedInTime({ failure: 'timeout', cause: new Error('slow') }, 2_000); }, (error) => error instanceof ServiceUnavailableError && /within 2000 ms/.test(error.diagnostic ?? ''));
      assert.throws(() => { requireRecordedInTime({ failure: 'unreachable', cause: new Error('refused') }, 2_000); }, (error) => error instanceof ServiceUnavailableError && /not reachable/.test(error.diagnostic ?? ''));
    });
  });
});
