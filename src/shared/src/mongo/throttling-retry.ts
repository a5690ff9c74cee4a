import type { MongoError } from 'mongodb';
import { ServiceUnavailableError } from '../errors/api-errors';
import { driver } from './driver';
import { isDatabaseUnavailable } from './database-unavailable';
import { realRetryTools, type RetryTools } from '../retry/retry-tools';

/** Cosmos DB answers a request over the provisioned RU/s with this code; the driver does not retry it. */
export const cosmosThrottledCode = 16500;

export interface ThrottlingRetryPolicy {
  /** Upper bound on the sum of all waits for one operation. */
  readonly maxTotalWaitMs: number;
  /** Wait used when the error carries no RetryAfterMs. */
  readonly fallbackWaitMs: number;
  /** Extra random wait, up to this fraction of each wait, so retries of many callers spread out. */
  readonly jitterRatio: number;
}

export const defaultThrottlingRetryPolicy: ThrottlingRetryPolicy = {
  maxTotalWaitMs: 5_000,
  fallbackWaitMs: 100,
  jitterRatio: 0.2,
};

/**
 * Runs one database operation, retrying Cosmos throttling (16500) for as long as the policy's total
 * wait allows and honouring the server's RetryAfterMs. A throttle that outlasts the bound, or a database
 * that cannot serve right now (isDatabaseUnavailable), becomes a 503 for the caller; every other error
 * passes through untouched.
 */
export async function withThrottlingRetry<T>(
  operation: () => Promise<T>,
  policy: ThrottlingRetryPolicy = defaultThrottlingRetryPolicy,
  tools: RetryTools = realRetryTools,
): Promise<T> {
  let waitedMs = 0;
  for (;;) {
    try {
      return await operation();
    } catch (error: unknown) {
      if (isDatabaseUnavailable(error)) {
        throw new ServiceUnavailableError('The database is not reachable right now.', 5, { cause: error });
      }
      if (!isThrottled(error)) throw error;
      const base = retryAfterMs(error) ?? policy.fallbackWaitMs;
      const wait = Math.round(base * (1 + policy.jitterRatio * tools.random()));
      if (waitedMs + wait > policy.maxTotalWaitMs) {
        throw new ServiceUnavailableError('The database is busy; retry shortly.', Math.max(1, Math.ceil(base / 1000)), {
          cause: error,
        });
      }
      waitedMs += wait;
      await tools.sleep(wait);
    }
  }
}

export function isThrottled(error: unknown): error is MongoError {
  return error instanceof driver().MongoError && error.code === cosmosThrottledCode;
}

/** Cosmos puts the wait into the message: `Error=16500, RetryAfterMs=34, Details=...`. */
export function retryAfterMs(error: MongoError): number | undefined {
  const match = /RetryAfterMs=(\d+)/.exec(error.message);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}
