import type * as Mongo from 'mongodb';
import type { Db, MongoClientOptions } from 'mongodb';
import { ServiceUnavailableError } from '../errors/api-errors';

export interface MongoConnectionSettings {
  readonly uri: string;
  readonly databaseName: string;
  readonly serverSelectionTimeoutMs: number;
  readonly appName: string;
}

/**
 * One MongoClient per process, created on first use. A failed connect is not cached: the next request
 * tries again (docs/patient-tests-api.md, "Differences from the original").
 * `prepare` runs once per successful connection, e.g. to create indexes idempotently.
 */
export class MongoConnection {
  private pending: Promise<Db> | undefined;
  private client: Mongo.MongoClient | undefined;

  constructor(
    private readonly settings: MongoConnectionSettings,
    private readonly prepare: (db: Db) => Promise<void> = () => Promise.resolve(),
  ) {}

  database(): Promise<Db> {
    this.pending ??= this.connect().catch((error: unknown) => {
      this.pending = undefined;
      throw new ServiceUnavailableError('The database is not reachable right now.', 5, { cause: error });
    });
    return this.pending;
  }

  async close(): Promise<void> {
    const client = this.client;
    this.pending = undefined;
    this.client = undefined;
    await client?.close();
  }

  private async connect(): Promise<Db> {
    const options: MongoClientOptions = {
      appName: this.settings.appName,
      serverSelectionTimeoutMS: this.settings.serverSelectionTimeoutMs,
      // Cosmos DB closes idle connections after about four minutes; recycle ours well before that.
      maxIdleTimeMS: 120_000,
    };
    // The driver is loaded on the first connection, not with the entry file: it took about 150 ms of
    // each app's entry load, which every new Flex Consumption instance pays before its first request.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a deferred, synchronous load
    const { MongoClient } = require('mongodb') as typeof Mongo;
    const client = new MongoClient(this.settings.uri, options);
    try {
      await client.connect();
      const db = client.db(this.settings.databaseName);
      await this.prepare(db);
      this.client = client;
      return db;
    } catch (error: unknown) {
      await client.close().catch(() => undefined);
      throw error;
    }
  }
}
