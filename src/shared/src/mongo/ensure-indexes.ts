import type { Collection, Document, IndexDescription } from 'mongodb';

/**
 * Creating an index that exists with the same definition is a no-op, so this runs on every cold start.
 * One index per command: FerretDB 1.24.2 panics on a createIndexes batch of several indexes that already
 * exist ("slice bounds out of range", connection dropped); single-index commands work on every server.
 */
export async function ensureIndexes<T extends Document>(collection: Collection<T>, indexes: readonly IndexDescription[]): Promise<void> {
  for (const index of indexes) await collection.createIndexes([index]);
}
