import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseXml } from '../../../electron/lms/schoology/xml-codec';
import { startSandbox, type Sandbox } from '../../../electron/sandbox/sandbox-server';
import { call } from './sandbox-http';

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await startSandbox({ rateLimit: null });
});
afterEach(() => sandbox.close());

const P3 = 'sections/3719526';
const NEWCOMER = '2461632';
const create = () => call(sandbox, 'POST', `${P3}/enrollments`, { body: { uid: NEWCOMER, admin: 0, status: 1 } });
const newcomerEnrolled = () => sandbox.store.findEnrollment(P3, NEWCOMER) !== undefined;

describe('injected faults', () => {
  it('error500: answers 500 and processes nothing', async () => {
    sandbox.setFaults('error500=1');
    const reply = await create();
    expect(reply.status).toBe(500);
    expect(newcomerEnrolled()).toBe(false);
    expect(sandbox.requests.at(-1)).toMatchObject({ path: `${P3}/enrollments`, status: 500, fault: 'error500' });
  });

  it('error503: answers 503 and processes nothing', async () => {
    sandbox.setFaults({ error503: 1 });
    expect((await create()).status).toBe(503);
    expect(newcomerEnrolled()).toBe(false);
    expect(sandbox.requests.at(-1)?.fault).toBe('error503');
  });

  it('drop: the connection dies before processing, so the request fails and nothing changed', async () => {
    sandbox.setFaults('drop=1');
    await expect(create()).rejects.toThrow();
    expect(newcomerEnrolled()).toBe(false);
    expect(sandbox.requests.at(-1)).toMatchObject({ status: 0, fault: 'drop' });
  });

  it('drop-after: the change is committed but the connection dies before the reply', async () => {
    sandbox.setFaults('drop-after=1');
    await expect(create()).rejects.toThrow();
    expect(newcomerEnrolled()).toBe(true);
    expect(sandbox.requests.at(-1)).toMatchObject({ status: 201, fault: 'drop-after' });
  });

  it('truncate: a processed request gets half its JSON body, which does not parse', async () => {
    sandbox.setFaults('truncate=1');
    const reply = await call(sandbox, 'GET', `${P3}/enrollments`);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('application/json; charset=UTF-8');
    expect(() => JSON.parse(reply.text) as unknown).toThrow();
    sandbox.setFaults(null);
    const whole = await call(sandbox, 'GET', `${P3}/enrollments`);
    expect(reply.text).toBe(whole.text.slice(0, reply.text.length));
    expect(reply.text.length).toBe(Math.floor(whole.text.length / 2));
  });

  it('truncate: a truncated XML reply is not well-formed', async () => {
    sandbox.setFaults('truncate=1');
    const reply = await call(sandbox, 'GET', `${P3}/enrollments`, { format: 'xml' });
    expect(() => parseXml(reply.text)).toThrow(/not well-formed/);
  });

  it('truncate: the change of a truncated write is committed', async () => {
    sandbox.setFaults('truncate=1');
    const reply = await create();
    expect(reply.data).toBeUndefined();
    expect(newcomerEnrolled()).toBe(true);
  });

  it('html: a 200 HTML error page instead of the reply, nothing processed', async () => {
    sandbox.setFaults('html=1');
    const reply = await create();
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(reply.text).toMatch(/^<!DOCTYPE html>/);
    expect(newcomerEnrolled()).toBe(false);
  });

  it('unwrap: a one-item JSON list arrives as the bare object', async () => {
    sandbox.setFaults('unwrap=1');
    const reply = await call(sandbox, 'GET', `${P3}/enrollments?limit=1`);
    const enrollment = (reply.data as { enrollment: unknown }).enrollment;
    expect(Array.isArray(enrollment)).toBe(false);
    expect(enrollment).toMatchObject({ id: '43807916' });
    expect(sandbox.requests.at(-1)?.fault).toBe('unwrap');
  });

  it('unwrap: a longer list stays an array and no fault is recorded', async () => {
    sandbox.setFaults('unwrap=1');
    const reply = await call(sandbox, 'GET', `${P3}/enrollments?limit=2`);
    expect((reply.data as { enrollment: unknown[] }).enrollment).toHaveLength(2);
    expect(sandbox.requests.at(-1)?.fault).toBeUndefined();
  });

  it('latency: delays each reply (a client timing out first sees no answer)', async () => {
    sandbox.setFaults('latency=400');
    await expect(fetch(`${sandbox.url}/users/45552`, { signal: AbortSignal.timeout(40) })).rejects.toThrow();
  });

  it('replays the same faults for the same seed and request sequence', async () => {
    const run = async (spec: string) => {
      sandbox.setFaults(spec);
      const statuses: number[] = [];
      for (let i = 0; i < 24; i++) statuses.push((await call(sandbox, 'GET', 'users/45552')).status);
      return statuses;
    };
    const first = await run('error500=0.25,error503=0.25,seed=42');
    expect(first).toContain(200);
    expect(first).toContain(500);
    expect(first).toContain(503);
    expect(await run('error500=0.25,error503=0.25,seed=42')).toEqual(first);
    expect(await run('error500=0.25,error503=0.25,seed=43')).not.toEqual(first);
  });

  it('records the fault of each request in the request log', async () => {
    sandbox.setFaults('error503=0.5,seed=7');
    for (let i = 0; i < 10; i++) await call(sandbox, 'GET', 'users/45552');
    const log = sandbox.requests.slice(-10);
    expect(log.some((r) => r.fault === 'error503')).toBe(true);
    expect(log.some((r) => r.fault === undefined)).toBe(true);
    expect(log.every((r) => (r.status === 503) === (r.fault === 'error503'))).toBe(true);
  });

  it('stops injecting after setFaults(null)', async () => {
    sandbox.setFaults('error500=1');
    expect((await call(sandbox, 'GET', 'users/45552')).status).toBe(500);
    sandbox.setFaults(null);
    expect((await call(sandbox, 'GET', 'users/45552')).status).toBe(200);
  });

  it('leaves the web side alone', async () => {
    sandbox.setFaults('drop=1');
    expect((await fetch(`${sandbox.webUrl}/oauth/authorize?oauth_token=none`)).status).toBe(400);
  });

  it('can be set at start, from the same spec text as the CLI', async () => {
    const faulty = await startSandbox({ rateLimit: null, faults: 'error503=1' });
    try {
      expect((await call(faulty, 'GET', 'users/45552')).status).toBe(503);
    } finally {
      await faulty.close();
    }
  });

  it('refuses a spec it cannot read', () => {
    expect(() => sandbox.setFaults('error500=2')).toThrow(/share from 0 to 1/);
  });
});
