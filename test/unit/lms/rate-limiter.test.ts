import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RateLimiter } from '../../../electron/lms/rate-limiter';

/**
 * The limiter's clock and timers run on vitest's fake timers, so windows of a second are checked exactly and
 * instantly. The real-time behaviour against a server is covered by test/integration/lms/transport.test.ts.
 */
beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});

afterEach(() => {
  vi.useRealTimers();
});

const clock = { now: () => Date.now() };

/** Acquire and report whether the start has been granted yet. */
function track(limiter: RateLimiter, signal?: AbortSignal): { granted: boolean; rejected: unknown; promise: Promise<void> } {
  const state = { granted: false, rejected: undefined as unknown, promise: Promise.resolve() };
  state.promise = limiter.acquire(signal).then(
    () => {
      state.granted = true;
    },
    (reason: unknown) => {
      state.rejected = reason;
    },
  );
  return state;
}

describe('RateLimiter', () => {
  it('lets as many requests start at once as the window allows', async () => {
    const limiter = new RateLimiter({ requests: 3, windowMs: 1000 }, clock);
    const starts = [track(limiter), track(limiter), track(limiter)];
    await vi.advanceTimersByTimeAsync(0);
    expect(starts.map((s) => s.granted)).toEqual([true, true, true]);
  });

  it('holds the next request until the oldest start has left the window', async () => {
    const limiter = new RateLimiter({ requests: 3, windowMs: 1000 }, clock);
    for (let i = 0; i < 3; i++) track(limiter);
    const fourth = track(limiter);
    await vi.advanceTimersByTimeAsync(999);
    expect(fourth.granted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(fourth.granted).toBe(true);
  });

  it('slides the window over start times instead of resetting it at fixed boundaries', async () => {
    const limiter = new RateLimiter({ requests: 2, windowMs: 1000 }, clock);
    track(limiter); // t=0
    await vi.advanceTimersByTimeAsync(600);
    track(limiter); // t=600
    const third = track(limiter); // may start at t=1000 (the t=0 start leaves)
    const fourth = track(limiter); // may start at t=1600 (the t=600 start leaves)
    await vi.advanceTimersByTimeAsync(400);
    expect([third.granted, fourth.granted]).toEqual([true, false]);
    await vi.advanceTimersByTimeAsync(599);
    expect(fourth.granted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(fourth.granted).toBe(true);
  });

  it('serves waiters first come, first served', async () => {
    const limiter = new RateLimiter({ requests: 1, windowMs: 100 }, clock);
    const order: number[] = [];
    const all = [0, 1, 2, 3, 4].map((n) => limiter.acquire().then(() => order.push(n)));
    await vi.advanceTimersByTimeAsync(1000);
    await Promise.all(all);
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });

  it('does not let a newcomer take a freed start ahead of requests already queued', async () => {
    const limiter = new RateLimiter({ requests: 1, windowMs: 100 }, clock);
    const order: string[] = [];
    void limiter.acquire().then(() => order.push('first'));
    void limiter.acquire().then(() => order.push('queued'));
    // The window has moved on but the queue's timer has not fired yet: the freed start belongs to 'queued'.
    vi.setSystemTime(150);
    void limiter.acquire().then(() => order.push('newcomer'));
    await vi.advanceTimersByTimeAsync(0);
    expect(order).toEqual(['first', 'queued']);
    await vi.advanceTimersByTimeAsync(100);
    expect(order).toEqual(['first', 'queued', 'newcomer']);
  });

  it('rejects an aborted acquire with the abort reason and hands its turn to the next waiter', async () => {
    const limiter = new RateLimiter({ requests: 1, windowMs: 100 }, clock);
    track(limiter);
    const controller = new AbortController();
    const cancelled = track(limiter, controller.signal);
    const next = track(limiter);
    expect(limiter.queued).toBe(2);
    const reason = new Error('sync cancelled');
    controller.abort(reason);
    await vi.advanceTimersByTimeAsync(0);
    expect(cancelled.rejected).toBe(reason);
    expect(limiter.queued).toBe(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(next.granted).toBe(true);
    expect(cancelled.granted).toBe(false);
  });

  it('rejects at once when the signal is already aborted, without using up a start', async () => {
    const limiter = new RateLimiter({ requests: 1, windowMs: 100 }, clock);
    const reason = new Error('gone');
    await expect(limiter.acquire(AbortSignal.abort(reason))).rejects.toBe(reason);
    const real = track(limiter);
    await vi.advanceTimersByTimeAsync(0);
    expect(real.granted).toBe(true);
  });

  it('holds every request, queued or new, for the length of a pause', async () => {
    const limiter = new RateLimiter(null, clock);
    limiter.pause(1000);
    const waiting = track(limiter);
    await vi.advanceTimersByTimeAsync(500);
    const latecomer = track(limiter);
    expect(limiter.pausedForMs).toBe(500);
    await vi.advanceTimersByTimeAsync(499);
    expect([waiting.granted, latecomer.granted]).toEqual([false, false]);
    await vi.advanceTimersByTimeAsync(1);
    expect([waiting.granted, latecomer.granted]).toEqual([true, true]);
    expect(limiter.pausedForMs).toBe(0);
  });

  it('extends a running pause but never shortens it', async () => {
    const limiter = new RateLimiter(null, clock);
    limiter.pause(1000);
    limiter.pause(200);
    expect(limiter.pausedForMs).toBe(1000);
    limiter.pause(3000);
    expect(limiter.pausedForMs).toBe(3000);
  });

  it('without a window lets any number of requests start at once', async () => {
    const limiter = new RateLimiter(null, clock);
    const starts = Array.from({ length: 100 }, () => track(limiter));
    await vi.advanceTimersByTimeAsync(0);
    expect(starts.every((s) => s.granted)).toBe(true);
  });

  it('refuses a limit that could never let a request through', () => {
    expect(() => new RateLimiter({ requests: 0, windowMs: 1000 })).toThrow(RangeError);
    expect(() => new RateLimiter({ requests: 5, windowMs: 0 })).toThrow(RangeError);
  });
});
