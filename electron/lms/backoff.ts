/**
 * How long to wait before trying a failed request again: exponential backoff with full jitter, or what the server
 * asked for in Retry-After. Pure functions plus an abortable sleep, so the policy is testable without a server.
 */

export interface BackoffPolicy {
  /** The ceiling for the first retry; it doubles with every further attempt. */
  baseDelayMs: number;
  /** No ceiling grows past this. */
  maxDelayMs: number;
}

/**
 * The wait after attempt number `attempt` (1 = the first try) failed: a uniformly random point in
 * [0, min(maxDelayMs, baseDelayMs · 2^(attempt−1))). Full jitter rather than a fixed ladder so that many clients
 * failing at the same moment (a district's worth of laptops after an outage) do not come back in lockstep.
 */
export function backoffDelayMs(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return random() * ceiling;
}

/**
 * Retry-After (RFC 9110 §10.2.3) in seconds: either delay-seconds ("120") or an HTTP-date, counted from `nowMs`.
 * A date in the past means "now" (0). Anything else — absent, negative, fractional, garbage — is undefined, so the
 * caller falls back to its own backoff instead of trusting a value it cannot read.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  // Date.parse reads bare numbers ("1.5", "-5") as years; a real HTTP-date always names a day or month.
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - nowMs) / 1000));
}

/** Wait `ms`, or reject with the signal's reason as soon as it aborts (a cancelled sync must not sit out a backoff). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
