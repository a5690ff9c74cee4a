import { MongoServerError, type Collection, type Document, type OptionalUnlessRequiredId } from 'mongodb';
import { withThrottlingRetry, type ThrottlingRetryPolicy } from './throttling-retry';

/** MongoDB's (and Cosmos DB's, and FerretDB's) code for a unique-index violation. */
export const duplicateKeyCode = 11000;

/**
 * Inserts a document unless one with its `_id` exists: true when this call stored it, false when another
 * did. Of concurrent callers with the same `_id` exactly one gets true. That is the one write our
 * concurrency guarantees rest on, because it holds on every server we run on: FerretDB 1.24 applies a
 * filtered update or replace without a lock (concurrent `replaceOne({_id, version})` can all "succeed"),
 * but an insert of an existing `_id` fails on its unique index, on SQLite and PostgreSQL alike, as on
 * Cosmos DB (docs/local-development.md).
 */
export async function insertIfAbsent<T extends Document>(
  collection: Collection<T>,
  document: OptionalUnlessRequiredId<T>,
  policy: ThrottlingRetryPolicy,
): Promise<boolean> {
  try {
    await withThrottlingRetry(() => collection.insertOne(document), policy);
    return true;
  } catch (error: unknown) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}

export function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === duplicateKeyCode;
}
