import type { JSONWebKeySet, JWSHeaderParameters } from 'jose' with { 'resolution-mode': 'import' };
import { loadJose } from './jose';

type LocalKeySet = ReturnType<Awaited<ReturnType<typeof loadJose>>['createLocalJWKSet']>;
type VerificationKey = Awaited<ReturnType<LocalKeySet>>;

/** How long the issuer's published keys are used, and how often they may be fetched. */
export interface IssuerKeysPolicy {
  /** After this, the keys are fetched again in the background; requests go on with the ones held. */
  readonly refreshAfterMs: number;
  /** Keys older than this are not used: requests wait for a fetch, and fail (503) if it fails. */
  readonly maxAgeMs: number;
  /** A token naming a key we do not hold triggers a fetch, at most once in this time (rollover). */
  readonly unknownKeyCooldownMs: number;
  readonly fetchTimeoutMs: number;
}

/**
 * Entra rotates its signing keys and publishes new ones ahead of use; Microsoft suggests checking at least
 * daily. An hour keeps rollover quick, the day bound limits how long a key the issuer withdrew stays
 * trusted while its endpoint is out of reach, and the cooldown keeps tokens with made-up key ids from
 * turning into a fetch each.
 */
export const defaultIssuerKeysPolicy: IssuerKeysPolicy = {
  refreshAfterMs: 60 * 60_000,
  maxAgeMs: 24 * 60 * 60_000,
  unknownKeyCooldownMs: 5_000,
  fetchTimeoutMs: 3_000,
};

/** The issuer's keys could not be had: the request cannot be checked now (a 503, never a pass). */
export class SigningKeysUnavailableError extends Error {
  constructor(cause: unknown) {
    super('the issuer\'s signing keys could not be fetched', { cause });
    this.name = 'SigningKeysUnavailableError';
  }
}

export type JwksFetcher = (url: string, signal: AbortSignal) => Promise<unknown>;

/** A plain GET; anything but a 200 with a JSON body is a failure. */
export const fetchJwks: JwksFetcher = async (url, signal) => {
  const response = await fetch(url, { signal, headers: { accept: 'application/json' } });
  if (response.status !== 200) throw new Error(`the key set answered ${response.status}`);
  return response.json();
};

interface Held {
  readonly keys: LocalKeySet;
  readonly fetchedAt: number;
}

/**
 * The signing keys of one issuer (its JWKS), fetched on first use and kept: refreshed in the background once
 * old, fetched again at once for a key id the set lacks (a rollover), never dropped because a refresh
 * failed while they are still young enough. jose picks the key of a token from the set.
 */
export class IssuerKeys {
  private held: Held | undefined;
  private fetching: Promise<Held> | undefined;
  private lastFetchStarted = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly jwksUri: string,
    private readonly policy: IssuerKeysPolicy = defaultIssuerKeysPolicy,
    private readonly fetcher: JwksFetcher = fetchJwks,
    private readonly now: () => number = Date.now,
  ) {}

  /** The key that verifies a token with this header (jwtVerify's key resolver). */
  readonly keyFor = async (header: JWSHeaderParameters): Promise<VerificationKey> => {
    const held = await this.usable();
    try {
      return await held.keys(header);
    } catch (error: unknown) {
      if (!isNoMatchingKey(error) || this.now() - this.lastFetchStarted < this.policy.unknownKeyCooldownMs) throw error;
      const fresh = await this.fetch();
      return fresh.keys(header);
    }
  };

  private async usable(): Promise<Held> {
    const held = this.held;
    const age = held === undefined ? Number.POSITIVE_INFINITY : this.now() - held.fetchedAt;
    if (held === undefined || age >= this.policy.maxAgeMs) return this.fetch();
    // Old but usable: go on with it, and fetch a newer set for the requests after this one.
    if (age >= this.policy.refreshAfterMs) this.fetch().catch(() => undefined);
    return held;
  }

  /** One fetch at a time; every caller waiting meanwhile gets its outcome. */
  private fetch(): Promise<Held> {
    this.fetching ??= this.load().finally(() => { this.fetching = undefined; });
    return this.fetching;
  }

  private async load(): Promise<Held> {
    this.lastFetchStarted = this.now();
    const { createLocalJWKSet } = await loadJose();
    let keys: LocalKeySet;
    try {
      const document = await this.fetcher(this.jwksUri, AbortSignal.timeout(this.policy.fetchTimeoutMs));
      keys = createLocalJWKSet(document as JSONWebKeySet);
    } catch (error: unknown) {
      throw new SigningKeysUnavailableError(error);
    }
    this.held = { keys, fetchedAt: this.now() };
    return this.held;
  }
}

function isNoMatchingKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'ERR_JWKS_NO_MATCHING_KEY';
}
