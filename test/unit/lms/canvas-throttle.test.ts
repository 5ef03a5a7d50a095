import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CanvasThrottle, isRateLimitRefusal } from '../../../electron/lms/canvas/canvas-throttle';

/**
 * Pacing from X-Rate-Limit-Remaining with an injected clock (and vitest's fake timers for the waits): the numbers
 * are request_throttle.rb's (lms-api-notes §2.4) — 50 up-front per request in flight, 10 units drained a second —
 * and a low-water mark of 100.
 */
let clock = 0;
beforeEach(() => {
  clock = 0;
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

const throttle = (options = {}) => new CanvasThrottle({ now: () => clock, ...options });
const remaining = (value: string) => new Headers({ 'X-Rate-Limit-Remaining': value });

describe('CanvasThrottle pacing', () => {
  it('lets requests go at once before Canvas has said how much room is left', () => {
    expect(throttle().delayMs()).toBe(0);
  });

  it('lets a request go while the room after its up-front cost stays above the low-water mark', () => {
    const t = throttle();
    t.observe(remaining('150.0'));
    expect(t.delayMs()).toBe(0);
  });

  it('waits the deficit divided by the outflow when the room runs low', () => {
    const t = throttle();
    t.observe(remaining('90.5'));
    // needs 100 + 50 = 150, has 90.5: 59.5 units at 10 a second.
    expect(t.delayMs()).toBeCloseTo(5950);
  });

  it('counts what drained since the last answer', () => {
    const t = throttle();
    t.observe(remaining('90'));
    clock = 3000; // 30 units drained
    expect(t.delayMs()).toBeCloseTo(3000);
    clock = 6000;
    expect(t.delayMs()).toBe(0);
  });

  it('counts each request in flight at its up-front cost', async () => {
    const t = throttle();
    t.observe(remaining('250'));
    await t.acquire();
    await t.acquire();
    // 250 − 2 × 50 = 150 left: exactly the 100 + 50 a third request needs.
    expect(t.estimatedRemaining()).toBe(150);
    expect(t.delayMs()).toBe(0);
    await t.acquire();
    // 100 left, 150 needed: 50 units at 10 a second.
    expect(t.delayMs()).toBeCloseTo(5000);
  });

  it('after a refusal (remaining 0.0) waits for the bucket to drain to the mark', () => {
    const t = throttle();
    t.observe(remaining('0.0'));
    expect(t.delayMs()).toBe(15_000);
  });

  it('follows the outflow it is given', () => {
    const t = throttle({ outflowPerSecond: 100, lowWater: 20, upFrontCost: 10 });
    t.observe(remaining('0'));
    expect(t.delayMs()).toBeCloseTo(300);
  });

  it('ignores answers without the header (the throttle does not apply to them)', () => {
    const t = throttle();
    t.observe(remaining('10'));
    t.observe(new Headers());
    expect(t.delayMs()).toBeGreaterThan(0);
  });
});

describe('CanvasThrottle slots', () => {
  it('runs at most maxConcurrent requests and starts the next when one finishes', async () => {
    const t = throttle({ maxConcurrent: 2 });
    await t.acquire();
    await t.acquire();
    expect(t.delayMs()).toBe(Infinity);
    let third = false;
    const waiting = t.acquire().then(() => {
      third = true;
    });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(third).toBe(false);
    t.finished();
    await waiting;
    expect(third).toBe(true);
    expect(t.inFlight).toBe(2);
  });

  it('holds a request back until the bucket has drained, then lets it go', async () => {
    const t = throttle();
    t.observe(remaining('130'));
    let started = false;
    const waiting = t.acquire().then(() => {
      started = true;
    });
    clock = 1000;
    await vi.advanceTimersByTimeAsync(1000);
    expect(started).toBe(false);
    clock = 2000;
    await vi.advanceTimersByTimeAsync(1000);
    await waiting;
    expect(started).toBe(true);
  });

  it('gives up a wait when the caller aborts', async () => {
    const t = throttle();
    t.observe(remaining('0'));
    const controller = new AbortController();
    const waiting = t.acquire(controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    expect(t.inFlight).toBe(0);
  });

  it('frees the slot and reads the headers of every answer through the fetch it wraps', async () => {
    const t = throttle();
    const fetch = t.wrapFetch(async () => new Response('[]', { headers: { 'X-Rate-Limit-Remaining': '42.0' } }));
    await t.acquire();
    await fetch('http://127.0.0.1/api/v1/courses');
    expect(t.inFlight).toBe(0);
    expect(t.estimatedRemaining()).toBe(42);
  });

  it('frees the slot when the fetch fails', async () => {
    const t = throttle();
    const fetch = t.wrapFetch(async () => {
      throw new TypeError('fetch failed');
    });
    await t.acquire();
    await expect(fetch('http://127.0.0.1/')).rejects.toThrow('fetch failed');
    expect(t.inFlight).toBe(0);
  });
});

describe('isRateLimitRefusal', () => {
  it("is Canvas's 403 with the text Rate Limit Exceeded", () => {
    expect(isRateLimitRefusal({ status: 403, body: '403 Forbidden (Rate Limit Exceeded)\n' })).toBe(true);
  });

  it('is not a plain 403, which is a permission error', () => {
    expect(isRateLimitRefusal({ status: 403, body: '{"status":"unauthorized","errors":[{"message":"user not authorized to perform that action"}]}' })).toBe(false);
  });

  it('is not another status with the same words', () => {
    expect(isRateLimitRefusal({ status: 400, body: 'Rate Limit Exceeded' })).toBe(false);
  });
});
