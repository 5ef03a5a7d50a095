import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCanvasSandbox, type CanvasSandbox } from '../../../electron/sandbox/canvas/canvas-sandbox-server';
import { call, get, type Json } from './canvas-http';

let sandbox: CanvasSandbox;
beforeEach(async () => {
  sandbox = await startCanvasSandbox({ throttle: null, now: () => Date.UTC(2026, 10, 26, 12) });
});
afterEach(() => sandbox.close());

const bulk = (form: Array<[string, string]>) => call(sandbox, 'POST', 'accounts/1/bulk_enrollment', { form });

describe('POST accounts/:id/bulk_enrollment', () => {
  it('answers a queued Progress whose url moves queued → running → completed, enrolling at the end', async () => {
    const reply = await bulk([['user_ids[]', '5'], ['user_ids[]', '4'], ['course_ids[]', '104'], ['enrollment_type', 'TaEnrollment']]);
    expect(reply.status).toBe(200);
    const progress = reply.data as Json;
    expect(progress).toMatchObject({ workflow_state: 'queued', completion: 0, context_type: 'Account', context_id: 1, url: `${sandbox.url}/api/v1/progress/${String(progress.id)}` });

    const running = await get(sandbox, progress.url as string);
    expect(running.data).toMatchObject({ workflow_state: 'running', completion: 50 });
    expect(sandbox.store.enrollmentsInCourse(104).some((e) => e.user_id === 5)).toBe(false);

    const done = await get(sandbox, progress.url as string);
    expect(done.data).toMatchObject({ workflow_state: 'completed', completion: 100, results: { enrolled: 2, skipped: 0 } });
    const made = sandbox.store.enrollmentsInCourse(104).filter((e) => e.user_id === 5 || e.user_id === 4);
    expect(made.map((e) => [e.user_id, e.type, e.workflow_state, e.course_section_id])).toEqual([
      [5, 'TaEnrollment', 'active', 207],
      [4, 'TaEnrollment', 'active', 207],
    ]);
  });

  it('skips ids that find nobody and says so', async () => {
    const id = ((await bulk([['user_ids[]', '5'], ['user_ids[]', '99999'], ['course_ids[]', '104']])).data as Json).id;
    await get(sandbox, `progress/${String(id)}`);
    expect((await get(sandbox, `progress/${String(id)}`)).data).toMatchObject({ results: { enrolled: 1, skipped: 1 }, message: expect.stringContaining('1 skipped') });
  });

  it('refuses more than 500 user × course pairs with Canvas\'s 400', async () => {
    const users = Array.from({ length: 26 }, (_, i): [string, string] => ['user_ids[]', String(102 + i)]);
    const courses = Array.from({ length: 20 }, (_, i): [string, string] => ['course_ids[]', String(101 + (i % 4))]);
    const reply = await bulk([...users, ...courses]);
    expect(reply.status).toBe(400);
    expect(reply.data).toEqual({ errors: 'Too many users to enroll at once.' });
  });

  it('answers 404 for an unknown progress or account', async () => {
    expect((await get(sandbox, 'progress/777')).status).toBe(404);
    expect((await call(sandbox, 'POST', 'accounts/9/bulk_enrollment', { form: [['user_ids[]', '5'], ['course_ids[]', '104']] })).status).toBe(404);
  });
});
