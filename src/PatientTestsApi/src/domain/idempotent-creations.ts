import { createHash } from 'node:crypto';
import { IdempotencyKeyReusedError } from '@patient-tests/shared/errors';

/** A create request that carries an `Idempotency-Key`, as far as repeating it matters. */
export interface IdempotentRequest {
  /** Whose key it is (actorIdOf): keys of different subscriptions never meet. */
  readonly actorId: string;
  /** Which kind of creation, e.g. `createPatient`. */
  readonly operation: string;
  readonly key: string;
  /** Everything that makes the request this request (the validated body, the path's ids). */
  readonly content: unknown;
}

/** What a create did: stored the resource, or found it stored by an earlier request with the same key. */
export interface Creation<Resource> {
  readonly resource: Resource;
  readonly replayed: boolean;
}

/** The first use of a key: what it was used for, and when. Stored once per caller, operation and key. */
export interface KeyClaim {
  /** A digest of caller, operation and key (the raw key is never stored). */
  readonly id: string;
  readonly fingerprint: string;
  readonly resourceId: string;
  readonly createdAt: Date;
}

/** The port for claims. Of concurrent claims of one id exactly one is stored (a unique insert). */
export interface KeyClaimStore {
  /**
   * Stores the claim unless a live one exists for its id, and returns the claim that holds: this one, or
   * the earlier one. A claim created before `expiredBefore` counts as absent and is replaced.
   */
  claim(claim: KeyClaim, expiredBefore: Date): Promise<KeyClaim>;
}

/**
 * Idempotency keys on creates (IETF httpapi draft "The Idempotency-Key HTTP Header Field"). The resource a
 * keyed request creates gets an id derived from caller, operation, key and request, so every repeat of it,
 * concurrent or later, aims at that same id and the store's unique insert lets exactly one of them create
 * it; the others find it and answer with it. A claim records which request a key was first used for, so
 * the same key with a different request is refused (422) while the key lives.
 * Why a unique insert: docs/decisions/0002-unique-inserts.md
 */
export class IdempotentCreations {
  constructor(
    private readonly claims: KeyClaimStore,
    private readonly lifetimeMs: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The id the request creates: the same for every repeat of it, and a UUID (version 8, RFC 9562). */
  resourceIdFor(request: IdempotentRequest): string {
    const hex = digest(['resource', request.actorId, request.operation, request.key, fingerprintOf(request.content)]).slice(0, 32);
    const variant = ((Number.parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }

  /** Claims the key for this request; refuses it when the key is claimed for another request. */
  async claim(request: IdempotentRequest, resourceId: string): Promise<void> {
    const now = this.now();
    const claim: KeyClaim = {
      id: digest(['key', request.actorId, request.operation, request.key]),
      fingerprint: fingerprintOf(request.content),
      resourceId,
      createdAt: now,
    };
    const holding = await this.claims.claim(claim, new Date(now.getTime() - this.lifetimeMs));
    if (holding.fingerprint !== claim.fingerprint) {
      throw new IdempotencyKeyReusedError('This Idempotency-Key was already used for a different request. Use a new key for a new request.');
    }
  }
}

/** A digest of the JSON value whatever its member order: `{"a":1,"b":2}` and `{"b":2,"a":1}` are one request. */
export function fingerprintOf(content: unknown): string {
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.entries(value).filter(([, member]) => member !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${members.map(([name, member]) => `${JSON.stringify(name)}:${canonicalJson(member)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Length-prefixed parts, so that no two different part lists give the same input. */
function digest(parts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${Buffer.byteLength(part)}:${part}`);
  return hash.digest('hex');
}
