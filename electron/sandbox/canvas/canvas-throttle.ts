/**
 * Canvas's request throttle (lms-api-notes §2.4; canvas-lms app/middleware/request_throttle.rb and
 * request_throttle/increment_bucket.lua): a leaky bucket per access token.
 *
 * - Each bucket leaks `outflow` units per second and never holds more than `maximum` nor less than 0.
 * - A request reserves `upFront` units on arrival (so parallel requests pay a pre-flight penalty), is refused when
 *   the bucket then stands at or above the high-water mark, and on finishing gives the reservation back and adds
 *   its real cost.
 * - Every response carries X-Rate-Limit-Remaining (hwm − count, negative when over it, as Canvas sends); a served one also
 *   X-Request-Cost. A refused one: 403 text/plain "403 Forbidden (Rate Limit Exceeded)\n" (or 429, as Instructure
 *   answers since 2025-10-08), X-Rate-Limit-Remaining 0.0, no X-Request-Cost.
 * Canvas's cost is CPU plus database seconds; the sandbox's is the fixed `cost` per request, so tests can reason
 * about it exactly under an injected clock.
 */

export interface CanvasThrottle {
  mode: '403' | '429';
  /** High-water mark: at or above it the bucket is full. Instructure hosted: 700. */
  hwm: number;
  /** Units leaked per second. */
  outflow: number;
  /** Reserved on arrival, returned when the request finishes. */
  upFront: number;
  maximum: number;
  /** What a served request adds to the bucket. */
  cost: number;
}

export const DEFAULT_THROTTLE: CanvasThrottle = { mode: '403', hwm: 700, outflow: 10, upFront: 50, maximum: 800, cost: 1 };

export type ThrottleOption = Partial<CanvasThrottle> | null;

export class ThrottleError extends Error {
  override name = 'ThrottleError';
}

export function checkThrottle(option: ThrottleOption | undefined): CanvasThrottle | null {
  if (option === null) return null;
  const throttle = { ...DEFAULT_THROTTLE, ...option };
  if (throttle.mode !== '403' && throttle.mode !== '429') throw new ThrottleError(`throttle mode must be '403' or '429', got ${String(throttle.mode)}`);
  for (const name of ['hwm', 'outflow', 'upFront', 'maximum', 'cost'] as const) {
    if (!Number.isFinite(throttle[name]) || throttle[name] < 0) throw new ThrottleError(`throttle ${name} must be a number >= 0, got ${throttle[name]}`);
  }
  if (throttle.maximum < throttle.hwm) throw new ThrottleError(`throttle maximum (${throttle.maximum}) must be at least the high-water mark (${throttle.hwm})`);
  return throttle;
}

/** Ruby's Float#to_s, which Canvas's headers are written with: whole numbers keep a ".0". */
export function rubyFloat(value: number): string {
  return Number.isInteger(value) ? `${value}.0` : String(value);
}

interface Bucket {
  count: number;
  lastTouched: number;
}

/** One request's hold on its bucket, from arrival to reply. */
export interface Reservation {
  /** True when the request must be refused. */
  throttled: boolean;
  /** Gives the reservation back, adds the cost (none for a refused request) and returns the headers to send. */
  finish(): Record<string, string>;
}

export class LeakyBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    readonly settings: CanvasThrottle,
    private readonly now: () => number,
  ) {}

  /** increment_bucket.lua: leak since the last touch, add, clamp to 0..maximum. */
  private increment(key: string, amount: number): Bucket {
    const now = this.now() / 1000;
    let bucket = this.buckets.get(key);
    if (!bucket) this.buckets.set(key, (bucket = { count: 0, lastTouched: now }));
    if (bucket.count > 0) {
      const loss = this.settings.outflow * (now - bucket.lastTouched);
      if (loss > 0) bucket.count -= loss;
    }
    bucket.count = Math.min(this.settings.maximum, Math.max(0, bucket.count + amount));
    bucket.lastTouched = now;
    return bucket;
  }

  reserve(key: string): Reservation {
    const { upFront, hwm, cost } = this.settings;
    const throttled = this.increment(key, upFront).count >= hwm;
    let finished = false;
    return {
      throttled,
      finish: (): Record<string, string> => {
        if (finished) throw new Error('a throttle reservation was finished twice');
        finished = true;
        const bucket = this.increment(key, (throttled ? 0 : cost) - upFront);
        if (throttled) return { 'X-Rate-Limit-Remaining': '0.0' };
        // Rounded as Canvas's own floats come out (no 17-digit noise from the leak arithmetic).
        const remaining = Math.round((hwm - bucket.count) * 1e6) / 1e6;
        return { 'X-Request-Cost': rubyFloat(cost), 'X-Rate-Limit-Remaining': rubyFloat(remaining) };
      },
    };
  }
}
