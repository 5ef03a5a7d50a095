/**
 * Client-side rate limiter: keeps a burst (a big roster pull, a push of many batches) under the server's limit
 * instead of running into it and living on 429s. Schoology counts requests per consumer key in a time window, so
 * this is a sliding window over request starts, not a token bucket: at most `requests` starts in any `windowMs`.
 *
 * Waiters are served strictly first come, first served, so a paging loop cannot starve a push that queued earlier.
 * After a 429 the transport calls pause(): every request, queued or new, then waits out the server's Retry-After
 * rather than each one discovering the limit for itself.
 */

export interface RateLimit {
  requests: number;
  windowMs: number;
}

export interface RateLimiterOptions {
  /** Monotonic clock in ms; tests inject one that follows their fake timers. Default performance.now. */
  now?: () => number;
}

interface Waiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

export class RateLimiter {
  /** Null: no window, the limiter only enforces pauses. */
  readonly limit: RateLimit | null;
  private readonly now: () => number;
  /** Start times of the most recent requests, oldest first; never more than `limit.requests` of them. */
  private readonly starts: number[] = [];
  private readonly waiters: Waiter[] = [];
  private pausedUntil = -Infinity;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(limit: RateLimit | null, options: RateLimiterOptions = {}) {
    if (limit && (!(limit.requests >= 1) || !(limit.windowMs > 0))) {
      throw new RangeError(`rate limit needs at least 1 request per positive window, got ${limit.requests}/${limit.windowMs} ms`);
    }
    this.limit = limit;
    this.now = options.now ?? (() => performance.now());
  }

  /**
   * Resolves when one more request may start, and counts it as started. Rejects with the signal's reason if the
   * signal aborts first; the place in the queue is then given up.
   */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.waiters.length === 0 && this.nextStartAt() <= this.now()) {
      this.recordStart();
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          const index = this.waiters.indexOf(waiter);
          if (index >= 0) this.waiters.splice(index, 1);
          reject(signal?.reason);
          // The head of the queue may have been the one leaving; the next one must not wait for a stale timer.
          this.reschedule();
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.waiters.push(waiter);
      this.reschedule();
    });
  }

  /** No request starts for the next `ms` (the server said Retry-After). Extends, never shortens, a running pause. */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
    this.reschedule();
  }

  /** How much longer a server-requested pause holds every request back; 0 when none is running. */
  get pausedForMs(): number {
    return Math.max(0, this.pausedUntil - this.now());
  }

  /** Requests waiting for their turn (for diagnostics and tests). */
  get queued(): number {
    return this.waiters.length;
  }

  /** The earliest moment the next request may start. */
  private nextStartAt(): number {
    let at = this.pausedUntil;
    if (this.limit && this.starts.length >= this.limit.requests) {
      const oldestInWindow = this.starts[this.starts.length - this.limit.requests] ?? -Infinity;
      at = Math.max(at, oldestInWindow + this.limit.windowMs);
    }
    return at;
  }

  private recordStart(): void {
    if (!this.limit) return;
    this.starts.push(this.now());
    if (this.starts.length > this.limit.requests) this.starts.splice(0, this.starts.length - this.limit.requests);
  }

  private release(): void {
    this.timer = null;
    while (this.waiters.length > 0) {
      const wait = this.nextStartAt() - this.now();
      if (wait > 0) {
        this.arm(wait);
        return;
      }
      const waiter = this.waiters.shift() as Waiter;
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      this.recordStart();
      waiter.resolve();
    }
  }

  private reschedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.waiters.length > 0) this.release();
  }

  private arm(ms: number): void {
    // Timers may fire a fraction of a millisecond early against the clock; release() re-checks and re-arms.
    this.timer = setTimeout(() => this.release(), Math.max(1, Math.ceil(ms)));
  }
}
