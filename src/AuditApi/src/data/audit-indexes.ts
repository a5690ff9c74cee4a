import type { Collection, IndexDescription } from 'mongodb';
import type { AuditRecordDocument } from './audit-record-document';

/**
 * Indexes for the compliance query (resource, newest first) and for finding every record of one
 * operation. Cosmos DB indexes only `_id` by default and rejects a sort without an index.
 */
export const auditIndexes: IndexDescription[] = [
  { name: 'resource_newest_first', key: { 'resource.type': 1, 'resource.id': 1, createdDate: -1, _id: -1 } },
  { name: 'type_newest_first', key: { 'resource.type': 1, createdDate: -1, _id: -1 } },
  { name: 'correlation', key: { correlationId: 1 } },
];

/**
 * Creating an index that exists with the same definition is a no-op, so this runs on every cold start.
 * One index per command: FerretDB 1.24.2 panics on a createIndexes batch of several indexes that already
 * exist ("slice bounds out of range", connection dropped); single-index commands are fine everywhere.
 */
export async function ensureAuditIndexes(collection: Collection<AuditRecordDocument>): Promise<void> {
  for (const index of auditIndexes) await collection.createIndexes([index]);
}
