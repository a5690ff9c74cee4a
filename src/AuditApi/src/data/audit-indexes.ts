import { ensureIndexes } from '@patient-tests/shared';
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

export async function ensureAuditIndexes(collection: Collection<AuditRecordDocument>): Promise<void> {
  await ensureIndexes(collection, auditIndexes);
}
