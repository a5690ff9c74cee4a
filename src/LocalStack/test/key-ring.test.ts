import assert from 'node:assert/strict';
import { KeyRing, keyRingOf } from '../src/http/key-ring';

describe('KeyRing', () => {
  const ring = keyRingOf(['first-key-value', 'second-key-value', '']);

  it('accepts any configured key', () => {
    assert.equal(ring.accepts('first-key-value'), true);
    assert.equal(ring.accepts('second-key-value'), true);
  });

  it('rejects a wrong, partial, missing or empty key', () => {
    for (const candidate of ['first-key-valuE', 'first', 'first-key-value ', '', null, undefined]) {
      assert.equal(ring.accepts(candidate), false, String(candidate));
    }
  });

  it('says whose key was presented', () => {
    const subscriptions = new KeyRing([['key-of-first-client', 'first-client'], ['key-of-second-client', 'second-client']]);
    assert.equal(subscriptions.ownerOf('key-of-second-client'), 'second-client');
    assert.equal(subscriptions.ownerOf('key-of-first-client'), 'first-client');
    assert.equal(subscriptions.ownerOf('key-of-third-client'), undefined);
  });
});
