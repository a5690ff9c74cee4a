// The data layers' entry: the connection, the Cosmos throttling retry, unique inserts and declared indexes.
export { MongoConnection, type MongoConnectionSettings } from './mongo-connection';
export * from './throttling-retry';
export { isDatabaseUnavailable } from './database-unavailable';
export { ensureIndexes } from './ensure-indexes';
export { declaredCollection, indexDescriptions, type DeclaredCollection } from './collection-declarations';
export { duplicateKeyCode, isDuplicateKey } from './duplicate-key';
export { RetryingCollection, type FindShape } from './retrying-collection';
