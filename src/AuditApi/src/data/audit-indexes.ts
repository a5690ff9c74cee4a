import { declaredCollection, ensureIndexes, indexDescriptions } from '@patient-tests/shared/mongo';
import type { Db } from 'mongodb';
import { z } from 'zod';
import declarations from './mongo-collections.json';

/** The collection Terraform creates from the same file (env/cosmos.tf), with its indexes. */
export const auditCollections = z.object({ collections: z.object({ audit_records: declaredCollection }) }).parse(declarations).collections;

/**
 * Indexes for the compliance queries (by resource, by actor, by time; newest first) and for finding
 * every record of one operation. Cosmos DB indexes only `_id` by default and rejects a sort without an
 * index. All are declared ascending, as azurerm declares them, and read in full reverse
 * (audit-record-query.ts).
 */
export const auditIndexes = indexDescriptions(auditCollections.audit_records);

/** The app's collection names (settings; the defaults are the names Terraform gives them). */
export interface AuditCollectionNames {
  readonly auditRecords: string;
}

/** Creates the declared indexes, where the app is told to (the local stack); in Azure Terraform does. */
export async function ensureAuditIndexes(db: Db, names: AuditCollectionNames): Promise<void> {
  await ensureIndexes(db.collection(names.auditRecords), auditIndexes);
}
