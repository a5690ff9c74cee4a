import assert from 'node:assert/strict';
import { IssuerKeys, SigningKeysUnavailableError, type IssuerKeysPolicy } from '../src/auth';
import { aSigningKey, config, type TestKey } from './fixtures/test-issuer';

const policy: IssuerKeysPolicy = { refreshAfterMs: 60_000, maxAgeMs: 600_000, unknownKeyCooldownMs: 5_000, fetchTimeoutMs: 1_000 };

/** The issuer's key set endpoint, whose keys and availability a test changes, counting every fetch. */
class KeySetEndpoint {
  keys: TestKey[] = [];
  up = true;
  fetches = 0;
  readonly fetch = (): Promise<unknown> => {
    this.fetches += 1;
    return this.up ? Promise.resolve({ keys: this.keys.map((key) => key.publicJwk) }) : Promise.reject(new Error('connect ETIMEDOUT'));
  };
}

describe('IssuerKeys: the issuer\'s signing keys, cached, rolled over, kept through outages', () => {
  let first: TestKey;
  let second: TestKey;
  let now: number;
  let endpoint: KeySetEndpoint;
  let keys: IssuerKeys;

  before(async () => {
    first = await aSigningKey('first');
    second = await aSigningKey('second');
  });
  beforeEach(() => {
    now = 1_000_000;
    endpoint = new KeySetEndpoint();
    endpoint.keys = [first];
    keys = new IssuerKeys(config.jwksUri, policy, endpoint.fetch, () => now);
  });

  const key = (kid: string) => keys.keyFor({ alg: 'RS256', kid });

  it('fetches once, on first use, and answers from the set after that', async () => {
    assert.equal(endpoint.fetches, 0, 'nothing is fetched before a token needs it');
    await key('first');
    await key('first');
    assert.equal(endpoint.fetches, 1);
  });

  it('fetches again at once for a key id it lacks (a rollover), and then knows the new key', async () => {
    await key('first');
    endpoint.keys = [first, second];
    now += policy.unknownKeyCooldownMs;
    await key('second');
    assert.equal(endpoint.fetches, 2);
    await key('first');
    assert.equal(endpoint.fetches, 2, 'the old key is still held, as the issuer still publishes it');
  });

  it('lets made-up key ids cost at most one fetch per cooldown', async () => {
    await key('first');
    for (let attempt = 0; attempt < 5; attempt++) await assert.rejects(key(`made-up-${attempt}`), /no applicable key|JWKSNoMatchingKey/i);
    assert.equal(endpoint.fetches, 1, 'within the cooldown of the first fetch');
    now += policy.unknownKeyCooldownMs;
    await assert.rejects(key('made-up-again'));
    assert.equal(endpoint.fetches, 2);
  });

  it('refreshes an old set in the background and goes on with it while the endpoint is down', async () => {
    await key('first');
    endpoint.up = false;
    now += policy.refreshAfterMs + 1;
    await key('first');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(endpoint.fetches, 2, 'a refresh was tried');
    now += policy.refreshAfterMs;
    await key('first');
  });

  it('stops trusting a set older than its limit: without a fresh one, keys are unavailable (503), not assumed', async () => {
    await key('first');
    endpoint.up = false;
    now += policy.maxAgeMs;
    await assert.rejects(key('first'), SigningKeysUnavailableError);
    endpoint.up = true;
    await key('first');
  });

  it('fetches once for every request waiting at the same time', async () => {
    await Promise.all(Array.from({ length: 20 }, () => key('first')));
    assert.equal(endpoint.fetches, 1);
  });

  it('counts a key set that is not one as unavailable', async () => {
    const broken = new IssuerKeys(config.jwksUri, policy, () => Promise.resolve({ keys: 'none' }), () => now);
    await assert.rejects(broken.keyFor({ alg: 'RS256', kid: 'first' }), SigningKeysUnavailableError);
  });
});
