import { realRetryTools, type RetryTools } from './retry-tools';

export interface BackoffPolicy {
  /** How many tries in all, the first included. */
  readonly attempts: number;
  /** Upper bound of the first wait; each further wait may be twice as long as the one before, up to `maxMs`. */
  readonly baseMs: number;
  readonly maxMs: number;
}

/**
 * Reading back what another writer stored, just after losing a unique insert to it. On Cosmos DB with
 * Session consistency (env/cosmos.tf) that writer's write belongs to another session, and a read may be
 * served by a replica that has not seen it yet, for milliseconds: so the winner is read again a few times
 * before the request gives up with a retryable 503.
 */
export const readBackPolicy: BackoffPolicy = { attempts: 6, baseMs: 10, maxMs: 200 };

/**
 * Waits between tries that collided with other callers (a lost race, a read that does not see the winner
 * yet): exponential and with "full jitter", a random wait up to the growing bound, so callers that
 * collided once do not collide again in step, and a replica that lags has time to catch up.
 */
export class Backoff {
  constructor(
    readonly policy: BackoffPolicy,
    private readonly tools: RetryTools = realRetryTools,
  ) {}

  /** The wait after try number `attempt` (1 for the first). */
  pause(attempt: number): Promise<void> {
    const bound = Math.min(this.policy.maxMs, this.policy.baseMs * 2 ** Math.max(0, attempt - 1));
    return this.tools.sleep(Math.round(bound * this.tools.random()));
  }

  /** Reads until something is found, up to `policy.attempts` reads; undefined when the last read still finds nothing. */
  async readUntilFound<T>(read: () => Promise<T | undefined>): Promise<T | undefined> {
    for (let attempt = 1; ; attempt++) {
      const found = await read();
      if (found !== undefined || attempt >= this.policy.attempts) return found;
      await this.pause(attempt);
    }
  }
}
