/** When to restart a process that stopped unexpectedly, and when to stop trying. */
export interface RestartPolicySettings {
  /** Restarts allowed within `windowMs`; one more failure in that window and the supervisor gives up. */
  readonly maxRestarts: number;
  readonly windowMs: number;
  /** Wait before the first restart; each further failure in the window doubles it, up to `maxDelayMs`. */
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

export const defaultRestartPolicy: RestartPolicySettings = { maxRestarts: 5, windowMs: 60_000, initialDelayMs: 250, maxDelayMs: 8_000 };

export type RestartDecision =
  | { readonly restart: true; readonly delayMs: number; readonly attempt: number }
  | { readonly restart: false; readonly failures: number };

/**
 * Exponential backoff with a give-up window, as process supervisors do (systemd's StartLimitBurst and
 * StartLimitIntervalSec, Kubernetes' CrashLoopBackOff): a process that crashes once comes back at once;
 * one that keeps crashing is given more time each round, and after `maxRestarts` within the window it is
 * left stopped, so a broken build or a port taken by someone else ends the stack with a clear reason
 * instead of a restart loop.
 */
export class RestartPolicy {
  private failures: number[] = [];

  constructor(private readonly settings: RestartPolicySettings, private readonly now: () => number = Date.now) {}

  /** Records a failure (an unexpected exit, or a restart that failed) and says what to do. */
  failed(): RestartDecision {
    const now = this.now();
    this.failures = [...this.failures.filter((at) => now - at < this.settings.windowMs), now];
    const count = this.failures.length;
    if (count > this.settings.maxRestarts) return { restart: false, failures: count };
    const delayMs = Math.min(this.settings.maxDelayMs, this.settings.initialDelayMs * 2 ** (count - 1));
    return { restart: true, delayMs, attempt: count };
  }
}
