import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readApiLimits } from '../src/gateway/api-policy';
import { RateLimiter } from '../src/gateway/rate-limiter';
import { repositoryRoot } from '../src/stack/repository-root';

describe('APIM policy limits', () => {
  it('are read from the policy file API Management gets', () => {
    assert.deepEqual(readApiLimits(join(repositoryRoot(), 'env', 'policies', 'patient-api.xml')), {
      callsPerWindow: 6000,
      windowSeconds: 60,
      maxBodyBytes: 32768,
      backendTimeoutMs: 30_000,
    });
  });

  it('fail loudly when the policy lacks a limit', () => {
    const folder = mkdtempSync(join(tmpdir(), 'policy-'));
    try {
      const file = join(folder, 'policy.xml');
      writeFileSync(file, '<policies><inbound><base /></inbound><backend><forward-request timeout="30" /></backend></policies>');
      assert.throws(() => readApiLimits(file));
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('RateLimiter', () => {
  it('allows the calls of a window per key, then says how long to wait, and starts afresh', () => {
    let now = 0;
    const limiter = new RateLimiter(2, 60_000, () => now);
    assert.equal(limiter.take('a'), 0);
    assert.equal(limiter.take('a'), 0);
    assert.equal(limiter.take('b'), 0, 'keys are counted apart');
    now = 15_000;
    assert.equal(limiter.take('a'), 45);
    now = 60_000;
    assert.equal(limiter.take('a'), 0);
  });
});
