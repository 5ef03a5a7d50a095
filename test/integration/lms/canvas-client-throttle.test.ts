/**
 * Canvas throttling both ways against the sandbox's leaky bucket (lms-api-notes §2.4): the client paces itself
 * from X-Rate-Limit-Remaining so that Canvas refuses nothing, and when the server does refuse — the legacy
 * 403 "Rate Limit Exceeded" or the newer 429 — the request is retried with backoff and succeeds. A plain 403 is a
 * permission error and is not retried.
 *
 * The sandbox's bucket is scaled down (high-water 300, drained at 500 units a second, each request costing 40) so a
 * few dozen requests overflow it within a second; the client is told the same outflow and up-front cost.
 */
import { describe, expect, it } from 'vitest';
import { CanvasProvider } from '../../../electron/lms/canvas/canvas-provider';
import type { PushBatch, PushItem } from '../../../electron/lms/provider';
import type { CanvasSandbox } from '../../../electron/sandbox/canvas/canvas-sandbox-server';
import { canvasClientFor, canvasSandboxFor } from './canvas-kit';

const BUCKET = { hwm: 300, outflow: 500, upFront: 50, maximum: 400, cost: 40 } as const;
const PACING = { upFrontCost: 50, outflowPerSecond: 500, lowWater: 20 } as const;
/** Pacing off: nothing but the server's refusals slows the client down. */
const NO_PACING = { ...PACING, lowWater: -Infinity } as const;
/** Backoff long enough for the bucket to drain between attempts. */
const PATIENT = { baseDelayMs: 50, maxDelayMs: 400, maxAttempts: 8 } as const;

/** A pull of a course in pages of 5 and a push of 12 enrollments, at the same time: ~25 requests. */
async function workload(sandbox: CanvasSandbox, provider: CanvasProvider): Promise<{ pulled: number; applied: number; items: PushItem[] }> {
  const students = sandbox.store.enrollmentsInSection(201).filter((e) => e.type === 'StudentEnrollment').slice(0, 12);
  const items = students.map((e, i): PushItem => ({ kind: 'upsert', opId: `op${i}`, realmKey: 'sections/204', userId: String(e.user_id), fields: { role: 'student', status: 'active' } }));
  const pull = (async () => {
    let count = 0;
    for await (const page of provider.pullRealm('courses/101')) count += page.length;
    return count;
  })();
  const push = provider.pushBatch({ kind: 'upsert', items } as PushBatch);
  const [pulled, results] = await Promise.all([pull, push]);
  return { pulled, applied: results.filter((r) => r.outcome === 'applied').length, items };
}

const rosterSize = (sandbox: CanvasSandbox) =>
  sandbox.store.enrollmentsInCourse(101).filter((e) => e.workflow_state !== 'deleted' && e.workflow_state !== 'rejected').length;

describe('Canvas throttle: pacing before the server refuses', () => {
  it.each(['403', '429'] as const)('keeps under the bucket so that no request is refused (mode %s)', async (mode) => {
    const sandbox = await canvasSandboxFor({ perPageMax: 5, throttle: { mode, ...BUCKET } });
    const before = rosterSize(sandbox);
    const provider = new CanvasProvider(canvasClientFor(sandbox, { throttle: PACING }));
    const { pulled, applied, items } = await workload(sandbox, provider);
    expect(sandbox.requests.length).toBeGreaterThan(20);
    expect(sandbox.requests.filter((r) => r.throttled)).toEqual([]);
    expect(pulled).toBe(before);
    expect(applied).toBe(items.length);
  });
});

describe('Canvas throttle: refusals retried', () => {
  /**
   * Pacing off and one request at a time, on a sandbox clock that moves 20 ms with every request sent: the bucket
   * drains 10 units per attempt whatever the machine's speed, so after each served request (+40) the next few are
   * refused until it has drained, every time — at most 5 refusals in a row, well within 8 attempts.
   */
  it.each([
    ['403', 403],
    ['429', 429],
  ] as const)('retries refused requests (mode %s) until every one succeeds, making nothing twice', async (mode, status) => {
    let clock = Date.UTC(2026, 10, 26, 8);
    const sandbox = await canvasSandboxFor({ perPageMax: 5, now: () => clock, throttle: { mode, ...BUCKET } });
    const ticking: typeof globalThis.fetch = (input, init) => {
      clock += 20;
      return globalThis.fetch(input, init);
    };
    const before = rosterSize(sandbox);
    const client = canvasClientFor(sandbox, { throttle: { ...NO_PACING, maxConcurrent: 1 }, transport: { ...PATIENT, baseDelayMs: 1, maxDelayMs: 10, fetch: ticking } });
    const provider = new CanvasProvider(client);
    let pulled = 0;
    for await (const page of provider.pullRealm('courses/101')) pulled += page.length;
    const students = sandbox.store.enrollmentsInSection(201).filter((e) => e.type === 'StudentEnrollment').slice(0, 12);
    const items = students.map((e, i): PushItem => ({ kind: 'upsert', opId: `op${i}`, realmKey: 'sections/204', userId: String(e.user_id), fields: { role: 'student', status: 'active' } }));
    const results = await provider.pushBatch({ kind: 'upsert', items } as PushBatch);
    const refused = sandbox.requests.filter((r) => r.throttled);
    expect(refused.length).toBeGreaterThan(10);
    expect(refused.every((r) => r.status === status)).toBe(true);
    expect(refused.some((r) => r.method === 'POST') && refused.some((r) => r.method === 'GET')).toBe(true);
    expect(pulled).toBe(before);
    expect(results.every((r) => r.outcome === 'applied')).toBe(true);
    for (const e of students) {
      expect(sandbox.store.enrollmentsInSection(204).filter((x) => x.user_id === e.user_id && x.type === 'StudentEnrollment')).toHaveLength(1);
    }
  });

  it('gives up with a rate-limited LmsError when the refusals outlast the retries', async () => {
    const sandbox = await canvasSandboxFor({ throttle: { mode: '403', hwm: 10, upFront: 50, maximum: 100 } });
    const client = canvasClientFor(sandbox, { throttle: NO_PACING, transport: { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 3 } });
    await expect(client.self()).rejects.toMatchObject({ kind: 'rate-limited', status: 403, transient: true });
    expect(sandbox.requests).toHaveLength(3);
  });

  it('does not retry a plain 403: it is a permission error', async () => {
    const sandbox = await canvasSandboxFor({ sisImports: false, throttle: { mode: '403', ...BUCKET } });
    const client = canvasClientFor(sandbox, { throttle: PACING, transport: PATIENT });
    await expect(client.createSisImport('1', 'course_id,user_id,role,section_id,status\r\n')).rejects.toMatchObject({ kind: 'forbidden', status: 403 });
    expect(sandbox.requests).toHaveLength(1);
  });
});
