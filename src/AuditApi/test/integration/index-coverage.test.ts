import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { indexCoverage, recordQueriesOf } from '@patient-tests/local-stack';
import { auditCollections } from '../../src/data/audit-indexes';
import { MongoAuditRecordStore } from '../../src/data/mongo-audit-record-store';
import type { AuditRecordStore } from '../../src/domain/audit-record';
import { anAuditRecord } from '../fixtures/audit-record-builder';

const afterCursor = { createdDate: new Date('2026-01-01T10:00:00.000Z'), id: randomUUID() };

/** Every method of the store port, through each branch of its queries (a new method fails to compile here). */
const storeCalls: { [Method in keyof AuditRecordStore]: (store: AuditRecordStore) => Promise<unknown>[] } = {
  insert: (store) => [store.insert(anAuditRecord())],
  findById: (store) => [store.findById(randomUUID())],
  find: (store) => {
    const from = new Date('2026-01-01T00:00:00.000Z');
    const to = new Date('2026-02-01T00:00:00.000Z');
    const shapes = [
      { resourceType: 'patient' },
      { resourceType: 'patient', resourceId: randomUUID() },
      { actorId: 'local-client' },
      {},
    ];
    return shapes.flatMap((shape) => [
      store.find({ ...shape, limit: 5 }),
      store.find({ ...shape, limit: 5, after: afterCursor }),
      store.find({ ...shape, from, to, limit: 5 }),
      store.find({ ...shape, from, to, limit: 5, after: afterCursor }),
    ]);
  },
};

describe('indexes: every query of the Audit store is served by an index Terraform declares', () => {
  it('finds an index for each query shape and sort, and no declared index that no query uses', async () => {
    const queries = await recordQueriesOf('audit_index_coverage', async ({ collection }) => {
      const store = new MongoAuditRecordStore(collection('auditrecords'));
      for (const call of Object.values(storeCalls)) await Promise.all(call(store));
    });

    const declared = { auditrecords: auditCollections.audit_records.indexes };
    const { unserved, unused } = indexCoverage(queries, declared);
    assert.deepEqual(unserved, [], 'queries without an index (declare one in src/AuditApi/src/data/mongo-collections.json)');
    assert.deepEqual(unused, [], 'declared indexes no query uses');
    // The check can fail: with nothing declared, every newest-first query goes unserved.
    assert.ok(indexCoverage(queries, { auditrecords: [] }).unserved.length >= 8);
  });
});
