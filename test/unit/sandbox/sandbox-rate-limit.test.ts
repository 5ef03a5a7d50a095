import { describe, expect, it } from 'vitest';
import { parseRateLimit, RateLimitError, SlidingWindowLimiter } from '../../../electron/sandbox/sandbox-rate-limit';

describe('SlidingWindowLimiter', () => {
  it('admits `requests` per window and then asks to wait until the oldest leaves it', () => {
    const limiter = new SlidingWindowLimiter({ requests: 3, windowMs: 5000 });
    expect([0, 1000, 2000].map((t) => limiter.take('k', t))).toEqual([0, 0, 0]);
    expect(limiter.take('k', 2500)).toBe(3);
    expect(limiter.take('k', 5000)).toBe(0);
  });

  it('slides: a request admitted late keeps its place after earlier ones leave', () => {
    const limiter = new SlidingWindowLimiter({ requests: 2, windowMs: 1000 });
    limiter.take('k', 0);
    limiter.take('k', 900);
    expect(limiter.take('k', 950)).toBe(1);
    expect(limiter.take('k', 1000)).toBe(0);
    expect(limiter.take('k', 1100)).toBe(1);
  });

  it('counts each key on its own', () => {
    const limiter = new SlidingWindowLimiter({ requests: 1, windowMs: 1000 });
    expect(limiter.take('a', 0)).toBe(0);
    expect(limiter.take('b', 0)).toBe(0);
    expect(limiter.take('a', 10)).toBe(1);
  });

  it('asks for at least one whole second', () => {
    const limiter = new SlidingWindowLimiter({ requests: 1, windowMs: 100 });
    limiter.take('k', 0);
    expect(limiter.take('k', 99)).toBe(1);
  });
});

describe('parseRateLimit', () => {
  it('reads REQUESTS/SECONDS', () => {
    expect(parseRateLimit('50/5')).toEqual({ requests: 50, windowMs: 5000 });
    expect(parseRateLimit('10/0.5')).toEqual({ requests: 10, windowMs: 500 });
  });

  it('reads 0 and off as no limit', () => {
    expect(parseRateLimit('0')).toBeNull();
    expect(parseRateLimit('off')).toBeNull();
    expect(parseRateLimit('0/5')).toBeNull();
  });

  it('refuses anything else, showing the expected form', () => {
    expect(() => parseRateLimit('fast')).toThrow(RateLimitError);
    expect(() => parseRateLimit('5/0')).toThrow(/window > 0/);
    expect(() => parseRateLimit('fast')).toThrow(/REQUESTS\/SECONDS/);
  });
});
