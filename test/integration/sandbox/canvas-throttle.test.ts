import { afterEach, describe, expect, it } from 'vitest';
import { startCanvasSandbox, type CanvasSandbox, type ThrottleOption } from '../../../electron/sandbox/canvas/canvas-sandbox-server';
import { call, get } from './canvas-http';

let sandbox: CanvasSandbox | undefined;
let clock = 0;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(throttle?: ThrottleOption): Promise<CanvasSandbox> {
  clock = Date.UTC(2026, 10, 26, 10);
  sandbox = await startCanvasSandbox({ now: () => clock, ...(throttle === undefined ? {} : { throttle }) });
  return sandbox;
}

/** Three requests fit under a high-water mark of 120 (each reserves 50 on arrival and leaves 30 behind); the fourth does not. */
const SMALL = { hwm: 120, upFront: 50, cost: 30, outflow: 10, maximum: 800 } as const;

describe('the leaky-bucket throttle', () => {
  it('is on by default with Canvas\'s numbers: cost and remaining on every response', async () => {
    const sb = await start();
    const reply = await get(sb, 'users/self');
    expect(reply.headers.get('x-request-cost')).toBe('1.0');
    // 700 high-water mark, minus the request's cost once its up-front reservation is given back.
    expect(reply.headers.get('x-rate-limit-remaining')).toBe('699.0');
  });

  it('puts the headers on errors too: 404, 400 and 401', async () => {
    const sb = await start();
    for (const reply of [await get(sb, 'courses/999/enrollments'), await get(sb, 'courses/101/enrollments?state[]=x'), await get(sb, 'users/self', { authorization: 'Bearer nope' })]) {
      expect(reply.status).toBeGreaterThanOrEqual(400);
      expect(reply.headers.get('x-request-cost')).toBe('1.0');
      expect(reply.headers.get('x-rate-limit-remaining')).toMatch(/^\d+\.\d+$/);
    }
  });

  it('counts down X-Rate-Limit-Remaining per request and refuses at the high-water mark with 403 "Rate Limit Exceeded"', async () => {
    const sb = await start(SMALL);
    const remaining: Array<string | null> = [];
    for (let i = 0; i < 3; i++) {
      const reply = await get(sb, 'users/self');
      expect(reply.status).toBe(200);
      expect(reply.headers.get('x-request-cost')).toBe('30.0');
      remaining.push(reply.headers.get('x-rate-limit-remaining'));
    }
    expect(remaining).toEqual(['90.0', '60.0', '30.0']);
    const refused = await get(sb, 'users/self');
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(refused.text).toBe('403 Forbidden (Rate Limit Exceeded)\n');
    expect(refused.headers.get('x-rate-limit-remaining')).toBe('0.0');
    expect(refused.headers.get('x-request-cost')).toBeNull();
    expect(sb.requests.at(-1)).toMatchObject({ status: 403, throttled: true });
  });

  it('processes nothing it refuses', async () => {
    const sb = await start(SMALL);
    for (let i = 0; i < 3; i++) await get(sb, 'users/self');
    const before = sb.store.countEnrollments();
    const refused = await call(sb, 'POST', 'courses/104/enrollments', { form: [['enrollment[user_id]', '5']] });
    expect(refused.status).toBe(403);
    expect(sb.store.countEnrollments()).toBe(before);
  });

  it('answers 429 instead in mode 429 (Instructure since October 2025)', async () => {
    const sb = await start({ ...SMALL, mode: '429' });
    for (let i = 0; i < 3; i++) await get(sb, 'users/self');
    const refused = await get(sb, 'users/self');
    expect(refused.status).toBe(429);
    expect(refused.text).toBe('429 Too Many Requests (Rate Limit Exceeded)\n');
    expect(refused.headers.get('x-rate-limit-remaining')).toBe('0.0');
    expect(refused.headers.get('x-request-cost')).toBeNull();
  });

  it('leaks `outflow` units a second, so waiting lets requests through again', async () => {
    const sb = await start(SMALL);
    for (let i = 0; i < 3; i++) await get(sb, 'users/self');
    expect((await get(sb, 'users/self')).status).toBe(403);
    clock += 3000;
    const reply = await get(sb, 'users/self');
    expect(reply.status).toBe(200);
    expect(reply.headers.get('x-rate-limit-remaining')).toBe('30.0');
  });

  it('charges parallel requests the up-front reservation of those still in flight', async () => {
    const sb = await start({ hwm: 80, upFront: 50, cost: 0 });
    // Latency holds each request inside the bucket while the other arrives.
    sb.setFaults('latency=150');
    const [first, second] = await Promise.all([get(sb, 'users/self'), get(sb, 'users/self')]);
    expect([first.status, second.status].sort()).toEqual([200, 403]);
    sb.setFaults(null);
    expect((await get(sb, 'users/self')).status).toBe(200);
  });

  it('keeps one bucket per token', async () => {
    const sb = await start(SMALL);
    for (let i = 0; i < 3; i++) await get(sb, 'users/self');
    expect((await get(sb, 'users/self')).status).toBe(403);
    const other = await get(sb, 'users/self', { authorization: 'Bearer someone-else' });
    expect(other.status).toBe(401);
    expect(other.headers.get('x-rate-limit-remaining')).toBe('90.0');
  });

  it('can be switched off (no headers) and changed while running', async () => {
    const sb = await start(null);
    const reply = await get(sb, 'users/self');
    expect(reply.headers.get('x-request-cost')).toBeNull();
    expect(reply.headers.get('x-rate-limit-remaining')).toBeNull();
    sb.setThrottle({ ...SMALL, mode: '429' });
    for (let i = 0; i < 3; i++) await get(sb, 'users/self');
    expect((await get(sb, 'users/self')).status).toBe(429);
  });

  it('refuses settings that make no sense', async () => {
    await expect(startCanvasSandbox({ throttle: { hwm: 900, maximum: 800 } })).rejects.toThrow(/maximum \(800\) must be at least the high-water mark \(900\)/);
    await expect(startCanvasSandbox({ throttle: { mode: '402' as '403' } })).rejects.toThrow(/mode must be '403' or '429'/);
  });
});
