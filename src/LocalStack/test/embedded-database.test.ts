import assert from 'node:assert/strict';
import { MongoClient } from 'mongodb';
import pg from 'pg';
import { testMongoUri, testPostgresql, uniqueDatabaseName } from '../src/testing/test-database';

/**
 * The index accelerator on the run's own cluster (the one every test uses): each index FerretDB creates
 * gets a GIN companion, and FerretDB's pushed-down filters use it (its `explain` returns PostgreSQL's plan).
 */
describe('FerretDB on PostgreSQL: the local index accelerator', function () {
  this.timeout(60_000);
  const database = uniqueDatabaseName('accelerator');
  let client: MongoClient;

  before(function () {
    if (testPostgresql() === undefined) this.skip();
    client = new MongoClient(testMongoUri());
  });
  after(async () => {
    if (testPostgresql() === undefined) return;
    await client.db(database).dropDatabase();
    await client.close();
  });

  const planOf = async (filter: Record<string, string>): Promise<string> => {
    const explained = await client.db(database).collection('patients').find(filter).explain();
    return JSON.stringify(explained.queryPlanner);
  };

  it('serves id lookups and declared indexes, including ones created later, from an index', async () => {
    const patients = client.db(database).collection<{ _id: string }>('patients');
    await patients.createIndexes([{ key: { lastName: 1 }, name: 'lastName' }]);
    await patients.insertMany(Array.from({ length: 3_000 }, (_, index) => ({ _id: `p${index}`, _shardKey: `p${index}`, lastName: `L${index % 300}`, postCode: String(index % 50) })));
    // Analyse, as autovacuum would shortly, so the planner knows the table's real size.
    await analyse();
    assert.match(await planOf({ _id: 'p42', _shardKey: 'p42' }), /Bitmap Index Scan/);
    assert.match(await planOf({ lastName: 'L7' }), /Bitmap Index Scan/);
    assert.doesNotMatch(await planOf({ postCode: '7' }), /Index Scan/, 'an undeclared field is scanned');
    await patients.createIndexes([{ key: { postCode: 1 }, name: 'postCode' }]);
    assert.match(await planOf({ postCode: '7' }), /Bitmap Index Scan/, 'an index declared later is accelerated at once');
    assert.equal((await patients.find({ lastName: 'L7' }).toArray()).length, 10, 'and the answers are the same');
  });

  async function analyse(): Promise<void> {
    const cluster = testPostgresql();
    assert.ok(cluster);
    const uri = new URL(testMongoUri());
    const server = new URL(cluster.url);
    const session = new pg.Client({ host: server.hostname, port: Number(server.port), database: server.pathname.slice(1), user: decodeURIComponent(uri.username), password: decodeURIComponent(uri.password) });
    await session.connect();
    try {
      await session.query(`ANALYZE`);
    } finally {
      await session.end();
    }
  }
});
