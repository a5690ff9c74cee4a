import type * as Mongo from 'mongodb';

/**
 * The driver's error classes, loaded when first needed: an error from the driver means the driver is
 * loaded already, and the entry file should not load it (see MongoConnection).
 */
export function driver(): typeof Mongo {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a deferred, synchronous load
  return require('mongodb') as typeof Mongo;
}

