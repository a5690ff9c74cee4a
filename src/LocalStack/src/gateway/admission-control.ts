/** How much work the gateway lets into the chain behind it at once, and how long the rest may wait. */
export interface AdmissionLimits {
  /** Requests forwarded and not yet answered, over all backends. */
  readonly maxConcurrent: number;
  /** Requests waiting for one of those places; beyond this they are refused at once. */
  readonly maxQueued: number;
  /** How long a request may wait for a place before it is refused. */
  readonly maxQueueWaitMs: number;
}

/** A place in the chain: call it exactly once, when the backend has answered (or failed). */
export type Release = () => void;

interface Waiter {
  readonly admit: (release: Release) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * Admission control at the front, so that overload is refused where it enters instead of piling up
 * inside the chain: past a few dozen requests in flight a 2-core machine only makes every request slower,
 * until the PatientTests API's call to the Audit API runs past its timeout (measured before this existed:
 * 51 of 3 641 requests failed that way with 50 Locust users). With a bounded number in flight, each
 * admitted request finishes in bounded time; a short FIFO queue absorbs bursts, and what does not fit, or
 * waits too long, gets a 503 with Retry-After at once. API Management has `limit-concurrency` for this;
 * in Azure, Flex Consumption's per-instance concurrency and scale-out play the same part.
 */
export class AdmissionControl {
  private inFlight = 0;
  private readonly queue: Waiter[] = [];

  constructor(private readonly limits: AdmissionLimits) {}

  /** Resolves with a release when the request may go on, or with undefined when it is refused. */
  admit(abandoned?: AbortSignal): Promise<Release | undefined> {
    if (this.inFlight < this.limits.maxConcurrent) return Promise.resolve(this.take());
    if (this.queue.length >= this.limits.maxQueued) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        admit: (release) => { resolve(release); },
        timer: setTimeout(() => {
          this.remove(waiter);
          resolve(undefined);
        }, this.limits.maxQueueWaitMs),
      };
      this.queue.push(waiter);
      // A caller that hung up gives its place in the queue back.
      abandoned?.addEventListener('abort', () => {
        if (this.remove(waiter)) resolve(undefined);
      }, { once: true });
    });
  }

  /** Requests in flight and waiting, for tests and diagnostics. */
  get load(): { readonly inFlight: number; readonly queued: number } {
    return { inFlight: this.inFlight, queued: this.queue.length };
  }

  private take(): Release {
    this.inFlight += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight -= 1;
      const next = this.queue.shift();
      if (next) {
        clearTimeout(next.timer);
        next.admit(this.take());
      }
    };
  }

  private remove(waiter: Waiter): boolean {
    const index = this.queue.indexOf(waiter);
    if (index === -1) return false;
    this.queue.splice(index, 1);
    clearTimeout(waiter.timer);
    return true;
  }
}
