/**
 * The sync engine against a misbehaving Canvas (issue 8): server errors, replies lost after the commit, Canvas's
 * throttle refusing (the legacy 403 and the newer 429), each with SIS imports and with single requests; and a sync
 * killed after it posted a SIS import, before it read the result. Every family ends with exactly the intended
 * rosters, nobody enrolled twice, and an empty outbox.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { sisEnrollmentsCsv } from '../../../electron/lms/canvas/canvas-sis-import';
import { sisRowsFor } from '../../../electron/lms/canvas/canvas-sis-rows';
import { CanvasDirectory } from '../../../electron/lms/canvas/canvas-directory';
import type { PushItem } from '../../../electron/lms/provider';
import type { FaultSpec } from '../../../electron/sandbox/sandbox-faults';
import type { ThrottleOption } from '../../../electron/sandbox/canvas/canvas-sandbox-server';
import {
  BIOLOGY_P1,
  BIOLOGY_P4,
  CANVAS_ACCOUNT,
  canvasDuplicates,
  canvasEngineClient,
  canvasQueue,
  canvasRequestsSince,
  canvasServerRoster,
  canvasWrites,
  cachedStudents,
  flip,
  newcomersFor,
  outboxSize,
  personIn,
  startCanvasKit,
  syncUntilEmpty,
  PUSH_MODES,
  type CanvasKit,
} from './canvas-engine-kit';

let kit: CanvasKit | undefined;

afterEach(async () => {
  await kit?.close();
  kit = undefined;
});

function expectIntended(k: CanvasKit, intended: Map<string, string[]>): void {
  for (const [key, roster] of intended) expect(canvasServerRoster(k.sandbox, key), key).toEqual(roster);
  expect(canvasDuplicates(k.sandbox)).toEqual([]);
  expect(outboxSize(k)).toBe(0);
}

const FAULTS: Array<[string, FaultSpec]> = [
  ['error503', { error503: 0.3, seed: 21 }],
  ['drop-after', { 'drop-after': 0.3, seed: 22 }],
];

/** The bucket scaled down so a few requests overflow it (as in canvas-client-throttle.test.ts). */
const BUCKET = { hwm: 300, outflow: 500, upFront: 50, maximum: 400, cost: 40 } as const;
/** Client pacing off and one request at a time: only the server's refusals slow it, every time the same way. */
const UNPACED = { upFrontCost: 50, outflowPerSecond: 500, lowWater: -Infinity, maxConcurrent: 1 } as const;
const PATIENT = { baseDelayMs: 1, maxDelayMs: 10, maxAttempts: 12 } as const;

describe.each(PUSH_MODES)('a Canvas sync through trouble, with $mode', ({ sisImports }) => {
  it.each(FAULTS)('with %s faults ends with exactly the intended rosters, nobody twice, an empty outbox', async (kind, spec) => {
    const k = (kit = await startCanvasKit({ sandbox: { sisImports } }));
    const { edits, intended } = canvasQueue(k, 20, 8, 4);
    k.outbox.apply(edits);
    k.sandbox.setFaults(spec);
    const reports = await syncUntilEmpty(k, 6);
    k.sandbox.setFaults(null);
    expect(reports.at(-1)?.outcome, `${kind}: ${reports.map((r) => r.message).join(' | ')}`).toBe('ok');
    expect(k.sandbox.requests.some((r) => r.fault === kind)).toBe(true);
    expectIntended(k, intended);
  });

  it.each([
    ['403', 403],
    ['429', 429],
  ] as const)('with the throttle refusing (%s) retries until every edit is applied once', async (mode, status) => {
    // The sandbox clock moves 20 ms with every request, so the bucket drains the same whatever the machine's speed.
    const ticking: typeof globalThis.fetch = (input, init) => {
      kit?.advance(20);
      return globalThis.fetch(input, init);
    };
    const k = (kit = await startCanvasKit({ sandbox: { sisImports }, client: { throttle: UNPACED, transport: { ...PATIENT, fetch: ticking } } }));
    const { edits, intended } = canvasQueue(k, 20, 8, 4);
    k.outbox.apply(edits);
    k.sandbox.setThrottle({ mode, ...BUCKET } satisfies ThrottleOption);
    // A refusal that outlasts the retries ends a sync as offline with the edits kept; the next one goes on.
    const reports = await syncUntilEmpty(k, 4);
    expect(reports.at(-1)?.outcome, reports.map((r) => r.message).join(' | ')).toBe('ok');
    const refused = k.sandbox.requests.filter((r) => r.throttled);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((r) => r.status === status)).toBe(true);
    expectIntended(k, intended);
  });
});

describe('a sync killed after posting a SIS import, before reading its result', () => {
  /**
   * What the killed run did: its ops marked in flight, their rows made and posted as one import, and then nothing —
   * no poll, no result written. The next process's engine recovers the ops and checks them against the server.
   */
  async function killedAfterPost(k: CanvasKit): Promise<{ newcomer: string; flipped: { userId: string; status: string } }> {
    const [newcomer] = newcomersFor(k.sandbox, BIOLOGY_P1, 1);
    const [student] = cachedStudents(k, BIOLOGY_P4).filter((e) => k.sandbox.store.getUser(Number(e.userId))?.sis_user_id);
    const [enroll, update] = k.outbox.apply([
      { kind: 'enroll', realmId: k.realmId(BIOLOGY_P1), userId: newcomer!, fields: { role: 'student', status: 'active' } },
      { kind: 'update', realmId: k.realmId(BIOLOGY_P4), enrollmentId: student!.enrollmentId, fields: { status: flip(student!.status) } },
    ]);
    k.outbox.markInFlight([enroll!.op!.id, update!.op!.id]);
    const items: PushItem[] = [
      { kind: 'upsert', opId: enroll!.op!.id, realmKey: BIOLOGY_P1, userId: newcomer!, fields: { role: 'student', status: 'active' } },
      { kind: 'upsert', opId: update!.op!.id, realmKey: BIOLOGY_P4, userId: student!.userId, fields: { role: 'student', status: flip(student!.status) } },
    ];
    const client = canvasEngineClient(k.sandbox);
    const plan = await sisRowsFor(items, { client, directory: new CanvasDirectory(client), accountId: '1' });
    expect(plan.rows).toHaveLength(2);
    await client.createSisImport('1', sisEnrollmentsCsv(plan.rows));
    return { newcomer: newcomer!, flipped: { userId: student!.userId, status: flip(student!.status) } };
  }

  it('finds the edits done when Canvas finished the import meanwhile, and sends nothing', async () => {
    const k = (kit = await startCanvasKit());
    const { newcomer, flipped } = await killedAfterPost(k);
    // Canvas's worker runs the import while no one is polling it.
    k.advance(60_000);
    const next = k.secondEngine({ provider: async () => k.newProvider() });
    const from = k.sandbox.requests.length;
    const report = await next.engine.sync(CANVAS_ACCOUNT);
    expect(report, report.message ?? undefined).toMatchObject({ outcome: 'ok', done: 2, applied: 0, requests: { writes: 0 } });
    expect(canvasWrites(canvasRequestsSince(k.sandbox, from))).toEqual([]);
    expect(personIn(k.sandbox, BIOLOGY_P1, newcomer)).toEqual(['StudentEnrollment:active']);
    expect(personIn(k.sandbox, BIOLOGY_P4, flipped.userId)).toEqual([`StudentEnrollment:${flipped.status}`]);
    expect(outboxSize(k)).toBe(0);
  });

  it('sends the rows again when the import has not run yet; the two imports land in order and change nothing twice', async () => {
    const k = (kit = await startCanvasKit());
    const { newcomer, flipped } = await killedAfterPost(k);
    const next = k.secondEngine({ provider: async () => k.newProvider() });
    const from = k.sandbox.requests.length;
    const report = await next.engine.sync(CANVAS_ACCOUNT);
    expect(report, report.message ?? undefined).toMatchObject({ outcome: 'ok', rejected: 0, conflicts: 0 });
    expect(report.applied + report.done).toBe(2);
    expect(canvasWrites(canvasRequestsSince(k.sandbox, from)).length).toBeLessThanOrEqual(1);
    k.advance(60_000);
    await k.engine.sync(CANVAS_ACCOUNT);
    expect(personIn(k.sandbox, BIOLOGY_P1, newcomer)).toEqual(['StudentEnrollment:active']);
    expect(personIn(k.sandbox, BIOLOGY_P4, flipped.userId)).toEqual([`StudentEnrollment:${flipped.status}`]);
    expect(canvasDuplicates(k.sandbox)).toEqual([]);
    expect(outboxSize(k)).toBe(0);
  });
});
