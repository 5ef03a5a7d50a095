import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCanvasSandbox, type CanvasSandbox } from '../../../electron/sandbox/canvas/canvas-sandbox-server';
import { call, get } from './canvas-http';

let sandbox: CanvasSandbox;
beforeEach(async () => {
  sandbox = await startCanvasSandbox({ throttle: null });
});
afterEach(() => sandbox.close());

/** Rosa Delgado (user 5) is not in World History (course 104) until a create goes through. */
const create = () => call(sandbox, 'POST', 'courses/104/enrollments', { form: [['enrollment[user_id]', '5']] });
const enrolled = () => sandbox.store.enrollmentsInCourse(104).some((e) => e.user_id === 5);

describe('injected faults', () => {
  it('error500: answers 500 with an error report and processes nothing', async () => {
    sandbox.setFaults('error500=1');
    const reply = await create();
    expect(reply.status).toBe(500);
    expect(reply.data).toMatchObject({ errors: [{ message: 'An error occurred.' }], error_report_id: expect.any(Number) });
    expect(enrolled()).toBe(false);
    expect(sandbox.requests.at(-1)).toMatchObject({ method: 'POST', path: 'courses/104/enrollments', status: 500, fault: 'error500' });
  });

  it('error503: answers 503 and processes nothing', async () => {
    sandbox.setFaults({ error503: 1 });
    expect((await create()).status).toBe(503);
    expect(enrolled()).toBe(false);
  });

  it('drop: the connection dies before processing', async () => {
    sandbox.setFaults('drop=1');
    await expect(create()).rejects.toThrow();
    expect(enrolled()).toBe(false);
    expect(sandbox.requests.at(-1)).toMatchObject({ status: 0, fault: 'drop' });
  });

  it('drop-after: the change is made but the reply never comes', async () => {
    sandbox.setFaults('drop-after=1');
    await expect(create()).rejects.toThrow();
    expect(enrolled()).toBe(true);
    expect(sandbox.requests.at(-1)).toMatchObject({ status: 200, fault: 'drop-after' });
  });

  it('truncate: the change is made and the JSON reply is cut in half', async () => {
    sandbox.setFaults('truncate=1');
    const reply = await create();
    expect(reply.status).toBe(200);
    expect(reply.data).toBeUndefined();
    expect(() => JSON.parse(reply.text) as unknown).toThrow();
    expect(enrolled()).toBe(true);
  });

  it('html: a 200 maintenance page instead of JSON, nothing processed', async () => {
    sandbox.setFaults('html=1');
    const reply = await create();
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(reply.text).toMatch(/^<!DOCTYPE html>/);
    expect(enrolled()).toBe(false);
  });

  it('latency: delays each reply (a client timing out first sees no answer)', async () => {
    sandbox.setFaults('latency=400');
    await expect(fetch(`${sandbox.url}/api/v1/users/self`, { headers: { Authorization: `Bearer ${sandbox.token}` }, signal: AbortSignal.timeout(40) })).rejects.toThrow();
  });

  it('replays the same faults for the same seed and request sequence', async () => {
    const run = async (spec: string) => {
      sandbox.setFaults(spec);
      const statuses: number[] = [];
      for (let i = 0; i < 24; i++) statuses.push((await get(sandbox, 'users/self')).status);
      return statuses;
    };
    const first = await run('error500=0.25,error503=0.25,seed=42');
    expect(first).toEqual(expect.arrayContaining([200, 500, 503]));
    expect(await run('error500=0.25,error503=0.25,seed=42')).toEqual(first);
    expect(await run('error500=0.25,error503=0.25,seed=43')).not.toEqual(first);
  });

  it('can be set at start from the CLI\'s spec text, and switched off', async () => {
    const faulty = await startCanvasSandbox({ throttle: null, faults: 'error503=1' });
    try {
      expect((await get(faulty, 'users/self')).status).toBe(503);
      faulty.setFaults(null);
      expect((await get(faulty, 'users/self')).status).toBe(200);
    } finally {
      await faulty.close();
    }
  });

  it('refuses unwrap, which has no meaning for Canvas\'s always-array lists', async () => {
    expect(() => sandbox.setFaults('unwrap=0.5')).toThrow(/unwrap does not apply to Canvas/);
    await expect(startCanvasSandbox({ faults: { unwrap: 1 } })).rejects.toThrow(/unwrap does not apply to Canvas/);
  });
});
