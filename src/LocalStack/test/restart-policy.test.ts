import assert from 'node:assert/strict';
import { RestartPolicy } from '../src/supervision/restart-policy';

describe('restart policy', () => {
  const settings = { maxRestarts: 3, windowMs: 60_000, initialDelayMs: 100, maxDelayMs: 300 };

  it('backs off exponentially up to the cap, and gives up after maxRestarts within the window', () => {
    let now = 0;
    const policy = new RestartPolicy(settings, () => now);
    assert.deepEqual(policy.failed(), { restart: true, delayMs: 100, attempt: 1 });
    now += 1_000;
    assert.deepEqual(policy.failed(), { restart: true, delayMs: 200, attempt: 2 });
    now += 1_000;
    assert.deepEqual(policy.failed(), { restart: true, delayMs: 300, attempt: 3 });
    now += 1_000;
    assert.deepEqual(policy.failed(), { restart: false, failures: 4 });
  });

  it('forgets failures older than the window: a process that crashes now and then is always restarted', () => {
    let now = 0;
    const policy = new RestartPolicy(settings, () => now);
    for (let crash = 0; crash < 10; crash += 1) {
      assert.deepEqual(policy.failed(), { restart: true, delayMs: 100, attempt: 1 });
      now += settings.windowMs;
    }
  });
});
