import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { MongoKeyClaimStore } from '../../src/data/mongo-key-claim-store';
import type { KeyClaim } from '../../src/domain/idempotent-creations';
import { openSuiteDatabase, type SuiteDatabase } from '@patient-tests/local-stack';

const longAgo = new Date('2000-01-01T00:00:00.000Z');

function aClaim(overrides: Partial<KeyClaim> = {}): KeyClaim {
  return { id: randomUUID(), fingerprint: randomUUID(), resourceId: randomUUID(), createdAt: new Date('2026-01-01T00:00:00.000Z'), ...overrides };
}

describe('MongoKeyClaimStore on FerretDB', () => {
  let database: SuiteDatabase;
  let store: MongoKeyClaimStore;

  before(() => {
    database = openSuiteDatabase('key_claims', 'key-claims-test');
    store = new MongoKeyClaimStore(database.collection('idempotencykeys'));
  });
  after(() => database.close());

  it('stores the first claim of a key and answers every later one with it', async () => {
    const claim = aClaim();
    assert.deepEqual(await store.claim(claim, longAgo), claim);
    assert.deepEqual(await store.claim({ ...claim, fingerprint: 'another request', resourceId: randomUUID() }, longAgo), claim);
    assert.equal(await database.db.collection('idempotencykeys').countDocuments({ _id: claim.id as never }), 1);
  });

  it('replaces a claim that has expired (FerretDB keeps it: no TTL index), and keeps a live one', async () => {
    const expired = aClaim({ createdAt: new Date('2026-01-01T00:00:00.000Z') });
    await store.claim(expired, longAgo);
    const fresh = { ...expired, fingerprint: 'the new request', createdAt: new Date('2026-01-03T00:00:00.000Z') };
    assert.deepEqual(await store.claim(fresh, new Date('2026-01-02T00:00:00.000Z')), fresh);
    assert.deepEqual(await store.claim({ ...fresh, fingerprint: 'a third', createdAt: new Date('2026-01-03T01:00:00.000Z') }, new Date('2026-01-02T00:00:00.000Z')), fresh);
  });

  // Many rounds, so that a race cannot pass by luck: the claim rests on a unique insert, which holds on FerretDB.
  it('lets exactly one of 20 concurrent claims of a key hold, and tells all 20 the same, in each of 10 rounds', async function () {
    this.timeout(120_000);
    for (let round = 0; round < 10; round++) {
      const id = randomUUID();
      const claims = Array.from({ length: 20 }, () => aClaim({ id }));
      const holding = await Promise.all(claims.map((claim) => store.claim(claim, longAgo)));
      assert.equal(new Set(holding.map((held) => held.fingerprint)).size, 1, `round ${round}`);
      assert.ok(claims.some((claim) => claim.fingerprint === holding[0]?.fingerprint), `round ${round}: one of the callers' own claims holds`);
    }
  });
});
