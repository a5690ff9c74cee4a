import { insertIfAbsent, withThrottlingRetry, type MongoConnection, type ThrottlingRetryPolicy } from '@patient-tests/shared';
import type { KeyClaim, KeyClaimStore } from '../domain/idempotent-creations';

/**
 * One document per caller, operation and key (`idempotencykeys`). `_id` is the claim's digest (and the
 * shard key in Cosmos DB), so the first claim is a unique insert. Cosmos DB deletes claims after the collection's TTL (`default_ttl_seconds`
 * in env/cosmos.tf, counted from `_ts`, the last write). FerretDB 1.24 has no TTL index ("expireAfterSeconds
 * is not implemented yet"), so locally expired claims stay; here they count as absent and are replaced.
 */
interface KeyClaimDocument {
  _id: string;
  fingerprint: string;
  resourceId: string;
  createdAt: Date;
}

export class MongoKeyClaimStore implements KeyClaimStore {
  constructor(
    private readonly connection: MongoConnection,
    private readonly collectionName: string,
    private readonly retryPolicy: ThrottlingRetryPolicy,
  ) {}

  async claim(claim: KeyClaim, expiredBefore: Date): Promise<KeyClaim> {
    const collection = (await this.connection.database()).collection<KeyClaimDocument>(this.collectionName);
    const document = toDocument(claim);
    const read = () => withThrottlingRetry(() => collection.findOne({ _id: claim.id }), this.retryPolicy);
    if (await insertIfAbsent(collection, document, this.retryPolicy)) return claim;
    // Cosmos DB may have expired it between the insert and this read: then one more insert decides.
    let holding = await read();
    if (!holding && (await insertIfAbsent(collection, document, this.retryPolicy))) return claim;
    holding ??= await read();
    if (holding && holding.createdAt < expiredBefore) {
      // An expired claim is replaced. FerretDB applies the filter without a lock, so two callers replacing
      // the same expired claim may both write; each goes by what is stored after its write.
      const filter = { _id: claim.id, createdAt: holding.createdAt };
      await withThrottlingRetry(() => collection.replaceOne(filter, document), this.retryPolicy);
      holding = await read();
    }
    if (!holding) throw new Error('an idempotency key claim disappeared while it was being read');
    return fromDocument(holding);
  }
}

function toDocument(claim: KeyClaim): KeyClaimDocument {
  return { _id: claim.id, fingerprint: claim.fingerprint, resourceId: claim.resourceId, createdAt: claim.createdAt };
}

function fromDocument(document: KeyClaimDocument): KeyClaim {
  return { id: document._id, fingerprint: document.fingerprint, resourceId: document.resourceId, createdAt: document.createdAt };
}
