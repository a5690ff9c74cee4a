/**
 * Fixed windows per key, as `rate-limit-by-key` counts calls per renewal period. Keys are the hashed
 * subscription keys the gateway already accepted; windows of keys gone quiet are dropped.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { startedAt: number; calls: number }>();

  constructor(
    private readonly callsPerWindow: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one call; returns 0 when allowed, or the seconds until the key's window resets. */
  take(key: string): number {
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || now - window.startedAt >= this.windowMs) {
      if (this.windows.size > 10_000) this.forgetExpired(now);
      window = { startedAt: now, calls: 0 };
      this.windows.set(key, window);
    }
    if (window.calls >= this.callsPerWindow) return Math.max(1, Math.ceil((window.startedAt + this.windowMs - now) / 1000));
    window.calls++;
    return 0;
  }

  private forgetExpired(now: number): void {
    for (const [key, window] of this.windows) if (now - window.startedAt >= this.windowMs) this.windows.delete(key);
  }
}
