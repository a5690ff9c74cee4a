/**
 * Fixed windows per key, as `rate-limit-by-key` counts calls per renewal period. Keys are the policy's
 * counter-key resolved for the request (ours: the subscription's id, of a key the gateway already accepted);
 * windows of keys gone quiet are dropped.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { startedAt: number; calls: number }>();

  constructor(
    private readonly callsPerWindow: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Counts one call: `retryAfterSeconds` is 0 when it is allowed, else the seconds until the key's window
   * resets; `remaining` is the calls the key has left in its window after this one.
   */
  take(key: string): { readonly retryAfterSeconds: number; readonly remaining: number } {
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || now - window.startedAt >= this.windowMs) {
      if (this.windows.size > 10_000) this.forgetExpired(now);
      window = { startedAt: now, calls: 0 };
      this.windows.set(key, window);
    }
    if (window.calls >= this.callsPerWindow) return { retryAfterSeconds: Math.max(1, Math.ceil((window.startedAt + this.windowMs - now) / 1000)), remaining: 0 };
    window.calls++;
    return { retryAfterSeconds: 0, remaining: this.callsPerWindow - window.calls };
  }

  private forgetExpired(now: number): void {
    for (const [key, window] of this.windows) if (now - window.startedAt >= this.windowMs) this.windows.delete(key);
  }
}
