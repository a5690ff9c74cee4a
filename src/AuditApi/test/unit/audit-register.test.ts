import assert from 'node:assert/strict';
import { NotFoundError, ValidationError } from '@patient-tests/shared/errors';
import type { AuditRecord, AuditRecordQuery, AuditRecordStore, PageCursor } from '../../src/domain/audit-record';
import { AuditRegister, type AuditPage } from '../../src/domain/audit-register';
import { auditPageTokens } from '../../src/handlers/audit-page-tokens';
import { anAuditRecord } from '../fixtures/audit-record-builder';

/** A typed in-memory store that orders like the real one: newest first, then id descending. */
class InMemoryAuditRecordStore implements AuditRecordStore {
  readonly records: AuditRecord[] = [];
  insert(record: AuditRecord): Promise<void> {
    this.records.push(record);
    return Promise.resolve();
  }
  findById(id: string): Promise<AuditRecord | undefined> {
    return Promise.resolve(this.records.find((record) => record.id === id));
  }
  find(query: AuditRecordQuery): Promise<AuditRecord[]> {
    const key = (record: AuditRecord) => `${record.createdDate.toISOString()}|${record.id}`;
    const after = query.after ? `${query.after.createdDate.toISOString()}|${query.after.id}` : undefined;
    return Promise.resolve(
      this.records
        .filter((record) => query.resourceType === undefined || record.resource.type === query.resourceType)
        .filter((record) => query.resourceId === undefined || record.resource.id === query.resourceId)
        .filter((record) => query.actorId === undefined || record.actor?.id === query.actorId)
        .filter((record) => (query.from === undefined || record.createdDate >= query.from) && (query.to === undefined || record.createdDate < query.to))
        .filter((record) => after === undefined || key(record) < after)
        .sort((a, b) => (key(a) < key(b) ? 1 : -1))
        .slice(0, query.limit),
    );
  }
}

/** The next page's position as a client sends it back: through the token the handler hands out. */
function throughToken(page: AuditPage): PageCursor {
  assert.ok(page.next, 'another page');
  return auditPageTokens.decode(auditPageTokens.encode(page.next));
}

describe('AuditRegister', () => {
  it('assigns the id, the date and the correlation id', async () => {
    const store = new InMemoryAuditRecordStore();
    const now = new Date('2026-02-03T04:05:06.007Z');
    const register = new AuditRegister(store, { now: () => now, newId: () => 'fixed-id' });
    const actor = { id: 'apim-subscription/s1', kind: 'apim-subscription' };
    const record = await register.record({ sourceSystemName: 'x', actor, resource: { type: 'patient', operation: 'read' } }, 'trace-1');
    assert.deepEqual(record, { sourceSystemName: 'x', actor, resource: { type: 'patient', operation: 'read' }, id: 'fixed-id', createdDate: now, correlationId: 'trace-1' });
    assert.deepEqual(store.records, [record]);
  });

  it('pages newest first with a continuation token until the last page', async () => {
    const store = new InMemoryAuditRecordStore();
    for (let minute = 0; minute < 5; minute++) {
      await store.insert(anAuditRecord({ resource: { type: 'patient', id: 'p', operation: 'read' }, createdDate: new Date(Date.UTC(2026, 0, 1, 10, minute)) }));
    }
    const register = new AuditRegister(store);
    const first = await register.list({ resourceType: 'patient', resourceId: 'p', limit: 2 });
    const second = await register.list({ resourceType: 'patient', resourceId: 'p', limit: 2, after: throughToken(first) });
    const third = await register.list({ resourceType: 'patient', resourceId: 'p', limit: 2, after: throughToken(second) });
    const minutes = [first, second, third].flatMap((page) => page.items.map((record) => record.createdDate.getUTCMinutes()));
    assert.deepEqual(minutes, [4, 3, 2, 1, 0]);
    assert.equal(third.next, null);
  });

  it('pages one actor\'s records within a time range, newest first', async () => {
    const store = new InMemoryAuditRecordStore();
    const actor = (id: string) => ({ id, kind: 'apim-subscription' });
    for (let minute = 0; minute < 6; minute++) {
      const createdDate = new Date(Date.UTC(2026, 0, 1, 10, minute));
      await store.insert(anAuditRecord({ actor: actor('a'), createdDate }));
      await store.insert(anAuditRecord({ actor: actor('b'), createdDate }));
    }
    const register = new AuditRegister(store);
    const range = { actorId: 'a', from: new Date(Date.UTC(2026, 0, 1, 10, 1)), to: new Date(Date.UTC(2026, 0, 1, 10, 5)) };
    const first = await register.list({ ...range, limit: 3 });
    const second = await register.list({ ...range, limit: 3, after: throughToken(first) });
    assert.deepEqual([...first.items, ...second.items].map((record) => [record.actor?.id, record.createdDate.getUTCMinutes()]), [['a', 4], ['a', 3], ['a', 2], ['a', 1]]);
    assert.equal(second.next, null);
  });

  it('reports an unknown id as not found', async () => {
    await assert.rejects(new AuditRegister(new InMemoryAuditRecordStore()).get('nope'), NotFoundError);
  });
});

describe('Audit page tokens (continuationToken)', () => {
  it('rejects a continuation token it did not issue', () => {
    for (const token of ['garbage', Buffer.from('{"d":"x","i":"y"}').toString('base64url')]) {
      assert.throws(() => auditPageTokens.decode(token), ValidationError);
    }
  });

  it('hand back the position they were made from', () => {
    const position = { createdDate: new Date('2026-01-01T10:04:00.000Z'), id: '39bff14c-5674-4a51-9033-3dbb17c37c39' };
    assert.deepEqual(auditPageTokens.decode(auditPageTokens.encode(position)), position);
  });
});
