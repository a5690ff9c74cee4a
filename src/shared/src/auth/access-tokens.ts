/** A token as @azure/identity hands it out (its AccessToken): times in milliseconds since the epoch. */
export interface IssuedToken {
  readonly token: string;
  readonly expiresOnTimestamp: number;
  readonly refreshAfterTimestamp?: number | undefined;
}

/** What a token source asks its identity provider for: one token, which may take a while. */
export type AcquireToken = (signal: AbortSignal) => Promise<IssuedToken>;

/** An access token for one audience, when it is needed (each outbound request asks). */
export interface AccessTokenSource {
  /** Rejects when no token could be had before `signal` aborts: the caller then does nothing (fail closed). */
  token(signal: AbortSignal): Promise<string>;
}

/** A token closer to its expiry than this is not sent: it could expire on the way or at a skewed clock. */
const sendMarginMs = 60_000;
/** Without a renewal time from the issuer, renew this long before expiry (or at half the lifetime, if shorter). */
const renewAheadMs = 10 * 60_000;

interface Held {
  readonly token: string;
  readonly expiresAt: number;
  readonly renewAt: number;
}

/**
 * Keeps the token of one audience and renews it before it expires: requests use the token held, a renewal
 * runs in the background once its time has come (one at a time), and only without a usable token does a
 * request wait for one. A failed renewal leaves the held token in use until it is too close to expiry.
 */
export class CachedAccessTokens implements AccessTokenSource {
  private held: Held | undefined;
  private acquiring: Promise<Held> | undefined;

  constructor(
    private readonly acquire: AcquireToken,
    private readonly now: () => number = Date.now,
  ) {}

  async token(signal: AbortSignal): Promise<string> {
    const held = this.held;
    const now = this.now();
    if (held !== undefined && now < held.expiresAt - sendMarginMs) {
      if (now >= held.renewAt) this.renew().catch(() => undefined);
      return held.token;
    }
    return (await abortable(this.renew(), signal)).token;
  }

  private renew(): Promise<Held> {
    this.acquiring ??= this.fetch().finally(() => { this.acquiring = undefined; });
    return this.acquiring;
  }

  private async fetch(): Promise<Held> {
    const issuedAt = this.now();
    // The renewal runs for every request waiting on it, so no single request's signal may cut it short;
    // it ends on its own within the provider's timeouts, or with this bound.
    const token = await this.acquire(AbortSignal.timeout(30_000));
    const lifetime = token.expiresOnTimestamp - issuedAt;
    const renewAt = token.refreshAfterTimestamp ?? token.expiresOnTimestamp - Math.min(renewAheadMs, lifetime / 2);
    this.held = { token: token.token, expiresAt: token.expiresOnTimestamp, renewAt };
    return this.held;
  }
}

function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => { reject(signal.reason as Error); };
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => { signal.removeEventListener('abort', onAbort); });
  });
}
