import assert from 'node:assert/strict';
import { KeyRing } from '../src/host/function-keys';

describe('KeyRing', () => {
  const ring = new KeyRing(['first-key-value', 'second-key-value', '']);

  it('accepts any configured key', () => {
    assert.equal(ring.accepts('first-key-value'), true);
    assert.equal(ring.accepts('second-key-value'), true);
  });

  it('rejects a wrong, partial, missing or empty key', () => {
    for (const candidate of ['first-key-valuE', 'first', 'first-key-value ', '', null, undefined]) {
      assert.equal(ring.accepts(candidate), false, String(candidate));
    }
  });
});
