import { MongoConnection, RetryingCollection, defaultThrottlingRetryPolicy } from '@patient-tests/shared/mongo';
import { MongoClient, type Db, type Document } from 'mongodb';
import { recordQueryShapes, type QueryRecorder, type QueryShape } from './query-shapes';
import { testMongoUri, uniqueDatabaseName } from './test-database';

/**
 * One suite's own database on the run's server, reached the way the apps reach theirs (their connection
 * class, collections under the throttling retry), plus a plain client to look behind a store.
 */
export interface SuiteDatabase {
  readonly name: string;
  readonly connection: MongoConnection;
  /** The same database through a plain client: what a store stored, as stored. */
  readonly db: Db;
  /** A collection as every store reaches it (RetryingCollection, the default policy). */
  readonly collection: <T extends Document>(name: string) => RetryingCollection<T>;
  /** Drops the database and closes both clients. */
  close(): Promise<void>;
}

/** Call it in a hook (the run's server is known only then); `prepare` runs on first connect, as an app's index set-up does. */
export function openSuiteDatabase(purpose: string, appName: string, prepare?: (db: Db) => Promise<void>): SuiteDatabase {
  const name = uniqueDatabaseName(purpose);
  const connection = new MongoConnection({ uri: testMongoUri(), databaseName: name, serverSelectionTimeoutMs: 5_000, appName }, prepare);
  const client = new MongoClient(testMongoUri());
  const db = client.db(name);
  return {
    name,
    connection,
    db,
    collection: <T extends Document>(collectionName: string) => new RetryingCollection<T>(connection, collectionName, defaultThrottlingRetryPolicy),
    close: async () => {
      await db.dropDatabase();
      await client.close();
      await connection.close();
    },
  };
}

/**
 * The queries `exercise` sends through a recorder on a database of its own on the run's server (dropped
 * afterwards): what every app's index test checks against its declared indexes. Call it in a test.
 */
export async function recordQueriesOf(purpose: string, exercise: (recorder: QueryRecorder) => Promise<void>): Promise<QueryShape[]> {
  const recorder = await recordQueryShapes(testMongoUri(), uniqueDatabaseName(purpose));
  try {
    await exercise(recorder);
    return recorder.shapes;
  } finally {
    await recorder.close();
  }
}
