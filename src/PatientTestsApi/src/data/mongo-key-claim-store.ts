import { ServiceUnavailableError } from '@patient-tests/shared/errors';
import type { RetryingCollection } from '@patient-tests/shared/mongo';
import { Backoff, readBackPolicy } from '@patient-tests/shared/retry';
import type { KeyClaim, KeyClaimStore } from '../domain/idempotent-creations';

/**
 * One document per caller, operation and key (`idempotencykeys`). `_id` is the claim's digest (and the
 * shard key in Cosmos DB), so the first claim is a unique insert (docs/decisions/0002-unique-inserts.md). Cosmos DB deletes claims after the collection's TTL (`default_ttl_seconds`
 * in env/cosmos.tf, counted from `_ts`, the last write). FerretDB 1.24 has no TTL index ("expireAfterSeconds
 * is not implemented yet"), so locally expired claims stay; here they count as absent and are replaced.
 */
export interface KeyClaimDocument {
  _id: string;
  fingerprint: string;
  resourceId: string;
  createdAt: Date;
}

/** The three writes and reads a claim needs: the narrow collection the claiming rule runs on (and a unit test fakes). */
export interface ClaimDocuments {
  /** False when a claim with this id is stored already (the unique insert). */
  insert(claim: KeyClaim): Promise<boolean>;
  find(id: string): Promise<KeyClaim | undefined>;
  /** Replaces `expired` with `claim`, unless it has changed meanwhile. */
  replaceExpired(expired: KeyClaim, claim: KeyClaim): Promise<void>;
}

export class MongoKeyClaimStore implements KeyClaimStore {
  constructor(
    private readonly claims: RetryingCollection<KeyClaimDocument>,
    private readonly readBack: Backoff = new Backoff(readBackPolicy),
  ) {}

  async claim(claim: KeyClaim, expiredBefore: Date): Promise<KeyClaim> {
    return claimKey(this.documents(), claim, expiredBefore, this.readBack);
  }

  private documents(): ClaimDocuments {
    return {
      insert: (claim) => this.claims.insertIfAbsent(toKeyClaimDocument(claim)),
      find: async (id) => {
        const document = await this.claims.findOne({ _id: id });
        return document ? fromKeyClaimDocument(document) : undefined;
      },
      replaceExpired: async (expired, claim) => {
        await this.claims.replaceOne({ _id: expired.id, createdAt: expired.createdAt }, toKeyClaimDocument(claim));
      },
    };
  }
}

/**
 * Stores the claim unless a live one holds its id, and returns the claim that holds. When the insert
 * loses and the read finds nothing, either Cosmos DB expired the claim in between, or the read went to a
 * replica that has not seen the winner's write yet (Session consistency: another instance's write is
 * another session): insert again after a short random pause, a few times, then a retryable 503.
 */
export async function claimKey(documents: ClaimDocuments, claim: KeyClaim, expiredBefore: Date, readBack: Backoff): Promise<KeyClaim> {
  for (let attempt = 1; ; attempt++) {
    if (await documents.insert(claim)) return claim;
    let holding = await documents.find(claim.id);
    if (holding && holding.createdAt < expiredBefore) {
      // An expired claim is replaced. FerretDB applies the filter without a lock, so two callers replacing
      // the same expired claim may both write; each goes by what is stored after its write.
      await documents.replaceExpired(holding, claim);
      holding = await documents.find(claim.id);
    }
    if (holding) return holding;
    if (attempt >= readBack.policy.attempts) {
      throw new ServiceUnavailableError('The Idempotency-Key of this request cannot be checked right now; nothing was done. Retry shortly.', 1, {
        diagnostic: 'idempotency key claim not visible after read-back',
      });
    }
    await readBack.pause(attempt);
  }
}

function toKeyClaimDocument(claim: KeyClaim): KeyClaimDocument {
  return { _id: claim.id, fingerprint: claim.fingerprint, resourceId: claim.resourceId, createdAt: claim.createdAt };
}

function fromKeyClaimDocument(document: KeyClaimDocument): KeyClaim {
  return { id: document._id, fingerprint: document.fingerprint, resourceId: document.resourceId, createdAt: document.createdAt };
}
