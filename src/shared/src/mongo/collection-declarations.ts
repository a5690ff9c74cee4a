import type { IndexDescription } from 'mongodb';
import { z } from 'zod';

/**
 * An app's collections and indexes, declared in its `src/data/mongo-collections.json`. The same file is
 * read by Terraform (env/cosmos.tf), which alone creates collections and indexes in Azure; the app creates
 * the indexes only where it is told to (the local stack). Keys are ascending: azurerm cannot declare a
 * direction, and a sort in full reverse is served by the same index.
 */
export const declaredCollection = z.strictObject({
  shardKey: z.string().min(1),
  /** Documents expire this long after their last write (Cosmos DB: a TTL index on `_ts`). */
  ttlSeconds: z.number().int().positive().optional(),
  indexes: z.array(
    z.strictObject({
      name: z.string().regex(/^[A-Za-z0-9_]+$/),
      keys: z.array(z.string().min(1)).min(1),
      /** What the index serves, in words (kept beside the keys so nobody drops an index by guesswork). */
      for: z.string().min(1),
      /** Served to people (support, compliance) querying the database, not to a query of the app. */
      outsideTheApi: z.boolean().optional(),
    }),
  ),
});

export type DeclaredCollection = z.infer<typeof declaredCollection>;

/** The index descriptions `createIndexes` takes, named as declared. */
export function indexDescriptions(collection: DeclaredCollection): IndexDescription[] {
  return collection.indexes.map((index) => ({ name: index.name, key: Object.fromEntries(index.keys.map((key) => [key, 1 as const])) }));
}
