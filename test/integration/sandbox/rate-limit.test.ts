import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../../electron/sandbox/sandbox-server';
import { call } from './sandbox-http';

let sandbox: Sandbox | undefined;
let clock = Date.UTC(2026, 8, 1, 12);
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(options: SandboxOptions): Promise<Sandbox> {
  clock = Date.UTC(2026, 8, 1, 12);
  sandbox = await startSandbox({ now: () => clock, ...options });
  return sandbox;
}

const ts = () => Math.floor(clock / 1000);

describe('server-side rate limit', () => {
  it('allows 50 requests per 5 s per consumer key by default and answers the 51st with 429', async () => {
    const sb = await start({});
    const statuses: number[] = [];
    for (let i = 0; i < 51; i++) statuses.push((await call(sb, 'GET', 'users/45552', { timestamp: ts() })).status);
    expect(statuses.slice(0, 50).every((status) => status === 200)).toBe(true);
    expect(statuses[50]).toBe(429);
  });

  it('answers over the limit with 429, a whole-second Retry-After and nothing processed', async () => {
    const sb = await start({ rateLimit: { requests: 2, windowMs: 10_000 } });
    await call(sb, 'GET', 'users/45552', { timestamp: ts() });
    clock += 1500;
    await call(sb, 'GET', 'users/45552', { timestamp: ts() });
    const before = sb.store.countEnrollments();
    const refused = await call(sb, 'POST', 'sections/3719526/enrollments', { body: { uid: '2461632', admin: 0, status: 1 }, timestamp: ts() });
    expect(refused.status).toBe(429);
    // The first request leaves the window 8.5 s from now; Retry-After rounds up to whole seconds.
    expect(refused.headers.get('retry-after')).toBe('9');
    expect(refused.data).toMatch(/Rate limit exceeded/);
    expect(sb.store.countEnrollments()).toBe(before);
    expect(sb.requests.at(-1)).toMatchObject({ method: 'POST', status: 429 });
  });

  it('never says Retry-After: 0, even when the window frees up within the second', async () => {
    const sb = await start({ rateLimit: { requests: 1, windowMs: 300 } });
    await call(sb, 'GET', 'users/45552', { timestamp: ts() });
    expect((await call(sb, 'GET', 'users/45552', { timestamp: ts() })).headers.get('retry-after')).toBe('1');
  });

  it('lets requests through again once the window has slid past the earlier ones', async () => {
    const sb = await start({ rateLimit: { requests: 1, windowMs: 5000 } });
    expect((await call(sb, 'GET', 'users/45552', { timestamp: ts() })).status).toBe(200);
    expect((await call(sb, 'GET', 'users/45552', { timestamp: ts() })).status).toBe(429);
    clock += 5001;
    expect((await call(sb, 'GET', 'users/45552', { timestamp: ts() })).status).toBe(200);
  });

  it('does not count refused requests against the window', async () => {
    const sb = await start({ rateLimit: { requests: 1, windowMs: 5000 } });
    await call(sb, 'GET', 'users/45552', { timestamp: ts() });
    clock += 4000;
    expect((await call(sb, 'GET', 'users/45552', { timestamp: ts() })).status).toBe(429);
    clock += 1001;
    expect((await call(sb, 'GET', 'users/45552', { timestamp: ts() })).status).toBe(200);
  });

  it('can be changed or switched off at runtime', async () => {
    const sb = await start({ rateLimit: { requests: 1, windowMs: 60_000 } });
    await call(sb, 'GET', 'users/45552', { timestamp: ts() });
    expect((await call(sb, 'GET', 'users/45552', { timestamp: ts() })).status).toBe(429);
    sb.setRateLimit(null);
    for (let i = 0; i < 5; i++) expect((await call(sb, 'GET', 'users/45552', { timestamp: ts() })).status).toBe(200);
    sb.setRateLimit({ requests: 2, windowMs: 60_000 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(sb, 'GET', 'users/45552', { timestamp: ts() })).status);
    expect(statuses).toEqual([200, 200, 429]);
  });
});
