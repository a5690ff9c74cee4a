import { ensureIndexes } from '@patient-tests/shared';
import type { Collection, IndexDescription } from 'mongodb';
import type { AuditRecordDocument } from './audit-record-document';

/**
 * Indexes for the compliance queries (by resource, by actor, by time; newest first) and for finding
 * every record of one operation. Cosmos DB indexes only `_id` by default and rejects a sort without an
 * index. The actor and time indexes are declared ascending, as azurerm declares them, and read in full
 * reverse (audit-record-query.ts).
 */
export const auditIndexes: IndexDescription[] = [
  { name: 'resource_newest_first', key: { 'resource.type': 1, 'resource.id': 1, createdDate: -1, _id: -1 } },
  { name: 'type_newest_first', key: { 'resource.type': 1, createdDate: -1, _id: -1 } },
  { name: 'actor_by_time', key: { 'actor.id': 1, createdDate: 1, _id: 1 } },
  { name: 'by_time', key: { createdDate: 1, _id: 1 } },
  { name: 'correlation', key: { correlationId: 1 } },
];

export async function ensureAuditIndexes(collection: Collection<AuditRecordDocument>): Promise<void> {
  await ensureIndexes(collection, auditIndexes);
}
