import { describe, expect, it } from 'vitest';
import { backoffDelayMs, parseRetryAfter, sleep } from '../../../electron/lms/backoff';

const policy = { baseDelayMs: 100, maxDelayMs: 1000 };

describe('backoffDelayMs', () => {
  it('waits at most the base delay after the first attempt', () => {
    expect(backoffDelayMs(1, policy, () => 0.999999)).toBeCloseTo(100, 3);
  });

  it('doubles the ceiling with every further attempt', () => {
    const ceilings = [1, 2, 3, 4].map((attempt) => backoffDelayMs(attempt, policy, () => 1));
    expect(ceilings).toEqual([100, 200, 400, 800]);
  });

  it('never lets the ceiling grow past maxDelayMs', () => {
    expect(backoffDelayMs(5, policy, () => 1)).toBe(1000);
    expect(backoffDelayMs(40, policy, () => 1)).toBe(1000);
  });

  it('jitters over the full range from zero to the ceiling', () => {
    expect(backoffDelayMs(3, policy, () => 0)).toBe(0);
    expect(backoffDelayMs(3, policy, () => 0.25)).toBe(100);
    expect(backoffDelayMs(3, policy, () => 0.5)).toBe(200);
  });

  it('uses Math.random when no source is given, staying inside the range', () => {
    for (let i = 0; i < 50; i++) {
      const delay = backoffDelayMs(2, policy);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(200);
    }
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-03-01T12:00:00Z');

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter(' 5 ', now)).toBe(5);
    expect(parseRetryAfter('0', now)).toBe(0);
  });

  it('reads an HTTP-date as the seconds until then', () => {
    expect(parseRetryAfter('Sat, 01 Mar 2025 12:01:30 GMT', now)).toBe(90);
  });

  it('rounds a date that is part of a second away up to the next whole second', () => {
    expect(parseRetryAfter('Sat, 01 Mar 2025 12:00:10 GMT', now - 500)).toBe(11);
  });

  it('treats a date in the past as "now"', () => {
    expect(parseRetryAfter('Sat, 01 Mar 2025 11:00:00 GMT', now)).toBe(0);
  });

  it('ignores what it cannot read, so the caller falls back to its own backoff', () => {
    for (const value of [null, undefined, '', 'soon', '-5', '1.5', '2 minutes']) {
      expect(parseRetryAfter(value, now), String(value)).toBeUndefined();
    }
  });
});

describe('sleep', () => {
  it('resolves after the wait', async () => {
    await expect(sleep(1)).resolves.toBeUndefined();
  });

  it('rejects with the abort reason as soon as the signal aborts, without sitting out the wait', async () => {
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal);
    const reason = new Error('user cancelled the sync');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const reason = new Error('already gone');
    await expect(sleep(60_000, AbortSignal.abort(reason))).rejects.toBe(reason);
  });
});
