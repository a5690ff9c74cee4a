import assert from 'node:assert/strict';
import { ServiceUnavailableError } from '@patient-tests/shared/errors';
import { claimKey, type ClaimDocuments } from '../../src/data/mongo-key-claim-store';
import type { KeyClaim } from '../../src/domain/idempotent-creations';
import { recordingBackoff } from '../fixtures/fakes';

const longAgo = new Date('2000-01-01T00:00:00.000Z');
const mine: KeyClaim = { id: 'digest-1', fingerprint: 'my request', resourceId: 'r-1', createdAt: new Date('2026-01-01T00:00:00.000Z') };
const theirs: KeyClaim = { ...mine, fingerprint: 'their request', resourceId: 'r-2' };

/**
 * Claims as a Cosmos DB replica that lags shows them: the winner's claim is stored (the insert fails),
 * but the next `unseenReads` reads do not find it.
 */
class LaggingClaims implements ClaimDocuments {
  reads = 0;
  constructor(private readonly stored: KeyClaim, private unseenReads: number) {}
  insert(): Promise<boolean> {
    return Promise.resolve(false);
  }
  find(): Promise<KeyClaim | undefined> {
    this.reads++;
    if (this.unseenReads > 0 && this.unseenReads--) return Promise.resolve(undefined);
    return Promise.resolve(this.stored);
  }
  replaceExpired(): Promise<void> {
    return Promise.reject(new Error('nothing here is expired'));
  }
}

describe('claiming an Idempotency-Key (claimKey)', () => {
  it('reads the winner\'s claim again, after growing random pauses, when a lagging read does not show it yet', async () => {
    const documents = new LaggingClaims(theirs, 2);
    const { waits, backoff } = recordingBackoff({ attempts: 5, baseMs: 10, maxMs: 200 });
    assert.deepEqual(await claimKey(documents, mine, longAgo, backoff), theirs);
    assert.equal(documents.reads, 3);
    assert.deepEqual(waits, [10, 20]);
  });

  it('answers 503 (retryable), never 500, when the claim stays unseen past the bound', async () => {
    const documents = new LaggingClaims(theirs, 1_000);
    const { waits, backoff } = recordingBackoff({ attempts: 5, baseMs: 10, maxMs: 200 });
    await assert.rejects(claimKey(documents, mine, longAgo, backoff), (error: unknown) =>
      error instanceof ServiceUnavailableError && error.retryAfterSeconds === 1 && error.diagnostic === 'idempotency key claim not visible after read-back');
    assert.equal(documents.reads, 5);
    assert.equal(waits.length, 4);
  });

  it('claims the key when the holder expired between the insert and the read (Cosmos DB\'s TTL): the next insert wins', async () => {
    let inserts = 0;
    const documents: ClaimDocuments = {
      insert: () => Promise.resolve(++inserts === 2),
      find: () => Promise.resolve(undefined),
      replaceExpired: () => Promise.reject(new Error('not called')),
    };
    const { backoff } = recordingBackoff({ attempts: 5, baseMs: 10, maxMs: 200 });
    assert.deepEqual(await claimKey(documents, mine, longAgo, backoff), mine);
    assert.equal(inserts, 2);
  });
});
