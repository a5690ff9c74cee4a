import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';

export interface CeilingResult {
  readonly insertsPerSecond: number;
  readonly findsPerSecond: number;
  /** The patient ids the reads picked from, for the API's reads to use the same. */
  readonly readIds: readonly string[];
}

/**
 * What the database itself can do at the given concurrency: `connections` workers issuing raw
 * insertOne of patient-sized documents into a collection of their own, then findOne by id and shard key
 * (the API's own filter) on the API's patients collection, so both reads see the same data. FerretDB's
 * SQLite backend scans for these reads, so their speed depends on the collection's size.
 */
export async function measureDatabaseCeiling(
  uri: string,
  patients: { database: string; collection: string },
  connections: number,
  durationMs: number,
): Promise<CeilingResult> {
  const client = new MongoClient(uri, { maxPoolSize: connections, minPoolSize: connections });
  const scratch = `bench_ceiling_${randomUUID().slice(0, 8)}`;
  try {
    const collection = client.db(scratch).collection<{ _id: string }>('patients');
    await collection.insertOne({ _id: 'warm-up' });
    const inserts = await runFor(connections, durationMs, async () => {
      const id = randomUUID();
      await collection.insertOne({ _id: id, ...patientLike(id) });
    });
    const existing = client.db(patients.database).collection<{ _id: string }>(patients.collection);
    const ids = (await existing.find({}, { projection: { _id: 1 } }).limit(1000).toArray()).map((document) => document._id);
    if (ids.length === 0) throw new Error('the API stored no patients to read back');
    const finds = await runFor(connections, durationMs, async () => {
      const id = ids[Math.floor(Math.random() * ids.length)] ?? '';
      await existing.findOne({ _id: id, _shardKey: id });
    });
    return { insertsPerSecond: inserts, findsPerSecond: finds, readIds: ids };
  } finally {
    await client.db(scratch).dropDatabase().catch(() => undefined);
    await client.close();
  }
}

/** Operations per second completed by `workers` concurrent loops until the deadline. */
async function runFor(workers: number, durationMs: number, operation: () => Promise<void>): Promise<number> {
  let completed = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (performance.now() < deadline) {
        await operation();
        completed++;
      }
    }),
  );
  return completed / ((performance.now() - started) / 1000);
}

function patientLike(id: string) {
  return {
    _shardKey: id,
    _version: 1,
    _dateOfBirthDate: new Date('1984-07-21T00:00:00Z'),
    firstName: 'BENCH',
    lastName: 'LT_BENCH',
    fullName: 'BENCH LT_BENCH',
    gender: 'other',
    dateOfBirth: '1984-07-21',
    postCode: '2000',
    insuranceNumber: '1234567890',
    preferredContactNumber: '0123456789',
    lastUpdated: new Date(),
  };
}
