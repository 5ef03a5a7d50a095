/**
 * Pacing for Canvas's request throttle, so a pull or a push slows down before Canvas starts refusing instead of
 * living on refusals.
 *
 * Canvas's throttle (lms-api-notes §2.4; canvas-lms app/middleware/request_throttle.rb, doc/api/throttling.md) is a
 * leaky bucket per access token: each request adds its cost (CPU + DB seconds, usually well under 1 unit) plus an
 * up-front "pre-flight" charge of 50 units while it runs, credited back when it ends; the bucket drains at 10 units
 * a second (the outflow); once the count reaches the high-water mark (600 in the code, 700 on Instructure's hosted
 * Canvas) every request is refused until it drains. Every answer says how much room is left,
 * X-Rate-Limit-Remaining = hwm − count.
 *
 * So before each request we estimate the room left now — the last remaining seen, plus what drained since at the
 * outflow, minus the pre-flight charge of each request still in flight — and start only when the room after this
 * request's own pre-flight charge stays above a low-water mark; otherwise we wait deficit ÷ outflow, the time the
 * bucket needs to drain that much. Counting the in-flight charges twice (the server's figure already holds some of
 * them) errs on the side of waiting. At most `maxConcurrent` requests run at once (4: parallel requests are what
 * trips the pre-flight penalty, UMich canvas-course-manager-next PR #210).
 *
 * The throttle is the transport's limiter, asked before every attempt and redirect hop (outside the attempt's
 * timeout), and it wraps the transport's fetch to read each answer's headers and to free the slot.
 */
import { RateLimiter } from '../rate-limiter';
import type { TransportResponse } from '../transport';

export interface CanvasThrottleOptions {
  /** request_throttle.rb's up_front_cost; default 50. */
  upFrontCost?: number;
  /** Units drained per second; default 10 (request_throttle.rb and Instructure's hosted value). */
  outflowPerSecond?: number;
  /** Room kept free after a request's pre-flight charge; default 100 (two pre-flight charges of slack). */
  lowWater?: number;
  /** Requests in flight at once; default 4. */
  maxConcurrent?: number;
  /** Monotonic clock in ms; default performance.now. */
  now?: () => number;
}

/** Canvas's legacy throttle answer: 403 with the text "403 Forbidden (Rate Limit Exceeded)" (request_throttle.rb). */
export function isRateLimitRefusal(response: Pick<TransportResponse, 'status' | 'body'>): boolean {
  return response.status === 403 && /rate limit exceeded/i.test(response.body.slice(0, 2000));
}

export class CanvasThrottle extends RateLimiter {
  readonly upFrontCost: number;
  readonly outflowPerSecond: number;
  readonly lowWater: number;
  readonly maxConcurrent: number;
  private readonly clock: () => number;
  /** Last X-Rate-Limit-Remaining seen, and when; null until an answer carried one (no throttle applies yet). */
  private remaining: number | null = null;
  private observedAt = 0;
  private running = 0;
  private readonly wakers = new Set<() => void>();

  constructor(options: CanvasThrottleOptions = {}) {
    const now = options.now ?? (() => performance.now());
    super(null, { now });
    this.clock = now;
    this.upFrontCost = options.upFrontCost ?? 50;
    this.outflowPerSecond = options.outflowPerSecond ?? 10;
    this.lowWater = options.lowWater ?? 100;
    this.maxConcurrent = Math.max(1, Math.floor(options.maxConcurrent ?? 4));
    if (!(this.outflowPerSecond > 0)) throw new RangeError(`outflow must be positive, got ${this.outflowPerSecond}`);
  }

  /** Requests started and not yet answered. */
  get inFlight(): number {
    return this.running;
  }

  /** The room estimated to be left in the bucket now; null when Canvas has not said. */
  estimatedRemaining(): number | null {
    if (this.remaining === null) return null;
    const drained = ((this.clock() - this.observedAt) / 1000) * this.outflowPerSecond;
    return this.remaining + drained - this.running * this.upFrontCost;
  }

  /**
   * How long the next request should wait before it starts: 0 to go now, Infinity when every slot is taken (it
   * waits for one to free), else the time the bucket needs to drain the deficit below the low-water mark.
   */
  delayMs(): number {
    if (this.running >= this.maxConcurrent) return Infinity;
    const room = this.estimatedRemaining();
    if (room === null) return 0;
    const deficit = this.lowWater + this.upFrontCost - room;
    return deficit > 0 ? (deficit / this.outflowPerSecond) * 1000 : 0;
  }

  /** Notes an answer's X-Rate-Limit-Remaining (absent on answers the throttle does not apply to). */
  observe(headers: Headers): void {
    const value = Number.parseFloat(headers.get('x-rate-limit-remaining') ?? '');
    if (!Number.isFinite(value)) return;
    this.remaining = value;
    this.observedAt = this.clock();
    this.wake();
  }

  /** Waits for the transport's own pauses, then for room and a free slot; takes the slot. */
  override async acquire(signal?: AbortSignal): Promise<void> {
    await super.acquire(signal);
    for (;;) {
      const wait = this.delayMs();
      if (wait <= 0) {
        this.running++;
        return;
      }
      await this.nap(wait, signal);
    }
  }

  /** Frees a slot taken by acquire(). */
  finished(): void {
    this.running = Math.max(0, this.running - 1);
    this.wake();
  }

  /** The transport's fetch, reading every answer's headers and freeing the slot once the answer has arrived. */
  wrapFetch(inner: typeof globalThis.fetch): typeof globalThis.fetch {
    return async (input, init) => {
      try {
        const response = await inner(input, init);
        this.observe(response.headers);
        return response;
      } finally {
        this.finished();
      }
    };
  }

  /** Sleeps `ms` (or until a slot frees or new headers arrive, when the estimate may have changed). */
  private nap(ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const done = (): void => {
        clearTimeout(timer);
        this.wakers.delete(done);
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = (): void => {
        clearTimeout(timer);
        this.wakers.delete(done);
        reject(signal?.reason);
      };
      const timer = Number.isFinite(ms) ? setTimeout(done, Math.max(1, Math.ceil(ms))) : undefined;
      this.wakers.add(done);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private wake(): void {
    for (const waker of [...this.wakers]) waker();
  }
}
