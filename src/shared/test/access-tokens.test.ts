import assert from 'node:assert/strict';
import { CachedAccessTokens, type IssuedToken } from '../src/auth';

const minute = 60_000;

/** An identity endpoint a test answers by hand: each acquisition waits until the test settles it. */
class IdentityEndpoint {
  readonly pending: { resolve: (token: IssuedToken) => void; reject: (error: Error) => void }[] = [];
  acquisitions = 0;
  readonly acquire = (): Promise<IssuedToken> => {
    this.acquisitions += 1;
    return new Promise((resolve, reject) => { this.pending.push({ resolve, reject }); });
  };
  issue(token: string, expiresAt: number, refreshAfter?: number): void {
    this.pending.shift()?.resolve({ token, expiresOnTimestamp: expiresAt, refreshAfterTimestamp: refreshAfter });
  }
  fail(): void {
    this.pending.shift()?.reject(new Error('the identity endpoint answered 503'));
  }
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('CachedAccessTokens: the token of one audience, renewed before it expires', () => {
  let now: number;
  let endpoint: IdentityEndpoint;
  let tokens: CachedAccessTokens;
  beforeEach(() => {
    now = 0;
    endpoint = new IdentityEndpoint();
    tokens = new CachedAccessTokens(endpoint.acquire, () => now);
  });
  const signal = () => AbortSignal.timeout(5_000);

  it('asks once for every request waiting at the same time, then answers from the cache', async () => {
    const waiting = Promise.all(Array.from({ length: 10 }, () => tokens.token(signal())));
    await settle();
    endpoint.issue('first', 60 * minute);
    assert.deepEqual(new Set(await waiting), new Set(['first']));
    now = 30 * minute;
    assert.equal(await tokens.token(signal()), 'first');
    assert.equal(endpoint.acquisitions, 1);
  });

  it('renews in the background when the issuer says (refresh_in), and meanwhile sends the token it holds', async () => {
    const first = tokens.token(signal());
    await settle();
    endpoint.issue('first', 24 * 60 * minute, 12 * 60 * minute);
    await first;
    now = 12 * 60 * minute;
    assert.equal(await tokens.token(signal()), 'first', 'the held token, without waiting');
    assert.equal(endpoint.acquisitions, 2, 'and a renewal under way');
    endpoint.issue('second', 36 * 60 * minute);
    await settle();
    assert.equal(await tokens.token(signal()), 'second');
  });

  it('without a renewal time, renews ten minutes before expiry, or at half the lifetime of a short token', async () => {
    const first = tokens.token(signal());
    await settle();
    endpoint.issue('short', 10 * minute);
    await first;
    now = 5 * minute - 1;
    await tokens.token(signal());
    assert.equal(endpoint.acquisitions, 1);
    now = 5 * minute;
    await tokens.token(signal());
    assert.equal(endpoint.acquisitions, 2);
  });

  it('keeps sending the held token while renewals fail, until it is a minute from expiry; then waits for a new one', async () => {
    const first = tokens.token(signal());
    await settle();
    endpoint.issue('first', 60 * minute);
    await first;
    now = 55 * minute;
    assert.equal(await tokens.token(signal()), 'first');
    endpoint.fail();
    await settle();
    now = 59 * minute;
    const waiting = tokens.token(signal());
    await settle();
    endpoint.issue('second', 120 * minute);
    assert.equal(await waiting, 'second', 'a token that close to expiry is not sent');
  });

  it('gives up when the request\'s time is over, without a token (the caller then fails closed)', async () => {
    await assert.rejects(tokens.token(AbortSignal.timeout(20)), /TimeoutError|timeout|aborted/i);
    endpoint.issue('late', 60 * minute);
    await settle();
    assert.equal(await tokens.token(signal()), 'late', 'the acquisition went on for the next request');
  });

  it('rejects every waiting request when the endpoint fails, and asks again for the next', async () => {
    const waiting = Promise.allSettled([tokens.token(signal()), tokens.token(signal())]);
    await settle();
    endpoint.fail();
    assert.deepEqual((await waiting).map((outcome) => outcome.status), ['rejected', 'rejected']);
    const next = tokens.token(signal());
    await settle();
    assert.equal(endpoint.acquisitions, 2);
    endpoint.issue('after', 60 * minute);
    assert.equal(await next, 'after');
  });
});
