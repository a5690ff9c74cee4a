import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { auditIndexes, ensureAuditIndexes } from '../../src/data/audit-indexes';
import type { AuditRecordDocument } from '../../src/data/audit-record-document';
import { MongoAuditRecordStore } from '../../src/data/mongo-audit-record-store';
import { anAuditRecord } from '../fixtures/audit-record-builder';
import { openSuiteDatabase, type SuiteDatabase } from '@patient-tests/local-stack';

describe('MongoAuditRecordStore on FerretDB', () => {
  const collectionName = 'auditrecords';
  let database: SuiteDatabase;
  let store: MongoAuditRecordStore;

  before(() => {
    database = openSuiteDatabase('audit_store', 'audit-store-test', (db) => ensureAuditIndexes(db, { auditRecords: collectionName }));
    store = new MongoAuditRecordStore(database.collection(collectionName));
  });
  after(() => database.close());

  it('writes a record and reads the same record back', async () => {
    const record = anAuditRecord();
    await store.insert(record);
    assert.deepEqual(await store.findById(record.id), record);
    const raw = await database.db.collection<AuditRecordDocument>(collectionName).findOne({ _id: record.id });
    assert.ok(raw?.createdDate instanceof Date, 'createdDate is stored as a BSON date');
    assert.equal(raw.resource.id, record.resource.id);
  });

  it('keeps an absent resource id absent', async () => {
    const record = anAuditRecord({ resource: { type: 'patient', operation: 'search' } });
    await store.insert(record);
    assert.deepEqual((await store.findById(record.id))?.resource, { type: 'patient', operation: 'search' });
  });

  it('finds a resource\'s records newest first, after a cursor, within the limit', async () => {
    const resource = { type: 'test', id: 'resource-under-review', operation: 'read' };
    const records = [0, 1, 2, 3].map((minute) => anAuditRecord({ resource, createdDate: new Date(Date.UTC(2026, 4, 1, 9, minute)) }));
    for (const record of records) await store.insert(record);
    await store.insert(anAuditRecord({ resource: { ...resource, id: 'someone-else' } }));
    const newest = await store.find({ resourceType: 'test', resourceId: resource.id, limit: 3 });
    assert.deepEqual(newest.map((record) => record.id), [records[3], records[2], records[1]].map((record) => record?.id));
    const last = newest.at(-1)!;
    const rest = await store.find({ resourceType: 'test', resourceId: resource.id, limit: 3, after: { createdDate: last.createdDate, id: last.id } });
    assert.deepEqual(rest.map((record) => record.id), [records[0]?.id]);
  });

  it('breaks ties in the same millisecond by id, so paging never skips or repeats', async () => {
    const resource = { type: 'tie', id: 'same-ms', operation: 'read' };
    const createdDate = new Date('2026-06-01T00:00:00.000Z');
    const ids = ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000003'];
    for (const id of ids) await store.insert(anAuditRecord({ id, resource, createdDate }));
    const first = await store.find({ resourceType: 'tie', limit: 2 });
    const second = await store.find({ resourceType: 'tie', limit: 2, after: { createdDate, id: first.at(-1)!.id } });
    assert.deepEqual([...first, ...second].map((record) => record.id), [...ids].reverse());
  });

  it('reads a record stored before actors were recorded with a null actor', async () => {
    const record = anAuditRecord();
    const { actor: _actor, ...legacy } = { ...record, _id: record.id };
    const { id: _id, ...stored } = legacy;
    await database.db.collection<AuditRecordDocument>(collectionName).insertOne(stored);
    assert.deepEqual(await store.findById(record.id), { ...record, actor: null });
  });

  it('finds one actor\'s records newest first, within a time range, after a cursor', async () => {
    const actor = { id: `apim-subscription/${randomUUID()}`, kind: 'apim-subscription' };
    const at = (minute: number) => new Date(Date.UTC(2026, 6, 1, 9, minute));
    const records = [0, 1, 2, 3, 4].map((minute) => anAuditRecord({ actor, createdDate: at(minute) }));
    for (const record of records) await store.insert(record);
    await store.insert(anAuditRecord({ actor: { ...actor, id: 'someone-else' }, createdDate: at(2) }));
    const inRange = await store.find({ actorId: actor.id, from: at(1), to: at(4), limit: 2 });
    assert.deepEqual(inRange.map((record) => record.id), [records[3]?.id, records[2]?.id]);
    const last = inRange.at(-1)!;
    const rest = await store.find({ actorId: actor.id, from: at(1), to: at(4), limit: 2, after: { createdDate: last.createdDate, id: last.id } });
    assert.deepEqual(rest.map((record) => record.id), [records[1]?.id]);
  });

  it('finds every record of a time range newest first, whoever and whatever it was', async () => {
    const at = (second: number) => new Date(Date.UTC(2027, 0, 1, 0, 0, second));
    const records = [1, 2, 3].map((second) => anAuditRecord({ actor: { id: randomUUID(), kind: 'entra-principal' }, createdDate: at(second) }));
    for (const record of records) await store.insert(record);
    const found = await store.find({ from: at(1), to: at(3), limit: 10 });
    assert.deepEqual(found.map((record) => record.id), [records[1]?.id, records[0]?.id]);
  });

  it('has created its indexes, and creating them again changes nothing', async () => {
    await database.connection.database();
    const collection = database.db.collection<AuditRecordDocument>(collectionName);
    await ensureAuditIndexes(database.db, { auditRecords: collectionName });
    const names = (await collection.listIndexes().toArray()).map((index) => String((index as { name?: unknown }).name)).sort();
    assert.deepEqual(names, ['_id_', ...auditIndexes.map((index) => String(index.name))].sort());
  });
});
