import { randomUUID } from 'node:crypto';
import { MongoClient, type Document } from 'mongodb';
import { measureApi, type ApiResult } from './api-load';

export interface ReadAtSize extends ApiResult {
  readonly storedPatients: number;
}

export interface ReadScalingLoad {
  readonly mongodbUri: string;
  readonly database: string;
  readonly gatewayUrl: string;
  readonly headers: Record<string, string>;
  readonly connections: number;
  readonly durationSeconds: number;
  readonly sizes: readonly number[];
}

/**
 * Load patient through the gateway at growing numbers of stored patients: does a point read stay a point
 * read as the data grows (as it is on Cosmos DB)? The collection is filled with copies of a patient the
 * API stored (new ids, same shape, whatever the shape is), straight through the driver, between rounds.
 */
export async function measureReadScaling(load: ReadScalingLoad): Promise<ReadAtSize[]> {
  const client = new MongoClient(load.mongodbUri);
  try {
    const patients = client.db(load.database).collection<Document & { _id: string }>('patients');
    const template = await patients.findOne({});
    if (template === null) throw new Error('the API stored no patient to copy');
    const ids = (await patients.find({}, { projection: { _id: 1 } }).toArray()).map((document) => document._id);
    const results: ReadAtSize[] = [];
    for (const size of load.sizes) {
      while (ids.length < size) {
        const batch = Array.from({ length: Math.min(1_000, size - ids.length) }, () => {
          const id = randomUUID();
          ids.push(id);
          return { ...template, _id: id, _shardKey: id };
        });
        await patients.insertMany(batch, { ordered: false });
      }
      const path = () => `/patient/${ids[Math.floor(Math.random() * ids.length)] ?? ''}`;
      const result = await measureApi({ url: `${load.gatewayUrl}/patient/${ids[0] ?? ''}`, method: 'GET', headers: load.headers, connections: load.connections, durationSeconds: load.durationSeconds, nextPath: path });
      results.push({ ...result, storedPatients: ids.length });
    }
    return results;
  } finally {
    await client.close();
  }
}
