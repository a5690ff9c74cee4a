import assert from 'node:assert/strict';
import { MongoNetworkError, MongoServerError } from 'mongodb';
import { ServiceUnavailableError } from '../src/errors';
import { withThrottlingRetry, type ThrottlingRetryPolicy } from '../src/mongo';
import type { RetryTools } from '../src/retry';

const policy: ThrottlingRetryPolicy = { maxTotalWaitMs: 1_000, fallbackWaitMs: 100, jitterRatio: 0.2 };

function throttled(retryAfterMs?: number): MongoServerError {
  const details = "Details='Response status code does not indicate success: TooManyRequests (429) Substatus: 3200'";
  const errmsg = retryAfterMs === undefined ? `Error=16500, ${details}` : `Error=16500, RetryAfterMs=${retryAfterMs}, ${details}`;
  return new MongoServerError({ ok: 0, code: 16500, codeName: 'TooManyRequests', errmsg });
}

/** A collection operation that fails with the given errors, then succeeds. */
function flaky(errors: Error[]): { operation: () => Promise<string>; calls: () => number } {
  let calls = 0;
  return {
    operation: () => {
      const error = errors[calls++];
      return error ? Promise.reject(error) : Promise.resolve('stored');
    },
    calls: () => calls,
  };
}

function recordingTools(random = 0.5): RetryTools & { waits: number[] } {
  const waits: number[] = [];
  return { waits, random: () => random, sleep: (ms) => { waits.push(ms); return Promise.resolve(); } };
}

describe('withThrottlingRetry', () => {
  it('honours RetryAfterMs and adds jitter within the ratio', async () => {
    const tools = recordingTools(0.5);
    const op = flaky([throttled(40), throttled(60)]);
    assert.equal(await withThrottlingRetry(op.operation, policy, tools), 'stored');
    assert.equal(op.calls(), 3);
    assert.deepEqual(tools.waits, [44, 66]);
  });

  it('falls back to its own wait when the error carries no RetryAfterMs', async () => {
    const tools = recordingTools(0);
    const op = flaky([throttled()]);
    assert.equal(await withThrottlingRetry(op.operation, policy, tools), 'stored');
    assert.deepEqual(tools.waits, [policy.fallbackWaitMs]);
  });

  it('stops within its total bound and answers 503 with a Retry-After', async () => {
    const tools = recordingTools(1);
    const op = flaky(Array.from({ length: 50 }, () => throttled(300)));
    await assert.rejects(withThrottlingRetry(op.operation, policy, tools), (error: unknown) => {
      assert.ok(error instanceof ServiceUnavailableError);
      assert.equal(error.retryAfterSeconds, 1);
      return true;
    });
    const total = tools.waits.reduce((sum, wait) => sum + wait, 0);
    assert.ok(total <= policy.maxTotalWaitMs, `waited ${total} ms`);
    assert.deepEqual(tools.waits, [360, 360]);
  });

  it('answers 503 when the server is gone, also for a socket error the driver passes through unwrapped', async () => {
    // What mongodb 7.9 threw when FerretDB was killed in the middle of a burst of writes.
    const ended = Object.assign(new Error('This socket has been ended by the other party'), { code: 'EPIPE' });
    for (const gone of [ended, new MongoNetworkError('connection closed')]) {
      const op = flaky([gone]);
      await assert.rejects(withThrottlingRetry(op.operation, policy, recordingTools()), (error: unknown) => error instanceof ServiceUnavailableError && error.cause === gone);
      assert.equal(op.calls(), 1, 'not retried: the caller gets 503 with Retry-After');
    }
  });

  it('does not retry other errors', async () => {
    const tools = recordingTools();
    const duplicate = new MongoServerError({ ok: 0, code: 11000, errmsg: 'E11000 duplicate key' });
    const op = flaky([duplicate]);
    await assert.rejects(withThrottlingRetry(op.operation, policy, tools), (error) => error === duplicate);
    assert.equal(op.calls(), 1);
    assert.deepEqual(tools.waits, []);
  });
});
