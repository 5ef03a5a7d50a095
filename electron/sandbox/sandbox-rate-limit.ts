/**
 * The sandbox's server-side rate limit: at most `requests` per consumer key in any sliding `windowMs`. A refused
 * request is not counted (it was not processed), and its Retry-After says when the oldest counted request leaves
 * the window — whole seconds, at least 1, as the HTTP header requires.
 */
export interface RateLimit {
  requests: number;
  windowMs: number;
}

export const DEFAULT_RATE_LIMIT: RateLimit = { requests: 50, windowMs: 5000 };

export class RateLimitError extends Error {
  override name = 'RateLimitError';
}

export function checkRateLimit(limit: RateLimit | null): RateLimit | null {
  if (limit === null) return null;
  if (!Number.isSafeInteger(limit.requests) || limit.requests < 1 || !Number.isFinite(limit.windowMs) || limit.windowMs <= 0) {
    throw new RateLimitError(`a rate limit needs a whole number of requests >= 1 and a window > 0 ms, got ${limit.requests}/${limit.windowMs} ms`);
  }
  return { ...limit };
}

/** "50/5" (requests per seconds), or "0" / "off" for no limit: the CLI's --rate-limit. */
export function parseRateLimit(text: string): RateLimit | null {
  const value = text.trim();
  if (value === '0' || value === 'off') return null;
  const match = /^(\d+)\s*\/\s*(\d+(?:\.\d+)?)$/.exec(value);
  if (!match) throw new RateLimitError(`the rate limit must be REQUESTS/SECONDS (e.g. 50/5) or 0 for none, got "${text}"`);
  const requests = Number(match[1]);
  if (requests === 0) return null;
  return checkRateLimit({ requests, windowMs: Number(match[2]) * 1000 });
}

export class SlidingWindowLimiter {
  /** Per key, the times of the counted requests still inside the window, oldest first. */
  private readonly windows = new Map<string, number[]>();

  constructor(private readonly limit: RateLimit) {}

  /** Counts the request and returns 0, or returns the whole seconds to wait without counting it. */
  take(key: string, now: number): number {
    let times = this.windows.get(key);
    if (!times) this.windows.set(key, (times = []));
    const horizon = now - this.limit.windowMs;
    while (times.length > 0 && (times[0] as number) <= horizon) times.shift();
    if (times.length < this.limit.requests) {
      times.push(now);
      return 0;
    }
    const waitMs = (times[0] as number) + this.limit.windowMs - now;
    return Math.max(1, Math.ceil(waitMs / 1000));
  }
}
