/**
 * The sync engine pushing to Canvas (issue 8): a pulled cache, edits queued through the outbox, one sync. Every family
 * runs twice, as the provider chooses for the account: with SIS-import rights the batches go as SIS imports (one
 * enrollments.csv per batch, polled to the end), without them as single requests. The outbox, coalescing and
 * per-op results behave the same either way.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SyncEngine } from '../../../electron/sync/engine';
import {
  ALGEBRA_P3,
  ALGEBRA_P5,
  BIOLOGY_P1,
  BIOLOGY_P4,
  CANVAS_ACCOUNT,
  canvasDuplicates,
  canvasEngineProvider,
  canvasProviderBeforePush,
  canvasQueue,
  canvasRequestsSince,
  canvasServerRoster,
  canvasWrites,
  cachedStudents,
  ENGLISH_P6_NO_SIS,
  flip,
  HOWLETT,
  newcomersFor,
  outboxSize,
  personIn,
  sectionIdOf,
  startCanvasKit,
  PUSH_MODES,
  type CanvasKit,
} from './canvas-engine-kit';

let kit: CanvasKit | undefined;

afterEach(async () => {
  await kit?.close();
  kit = undefined;
});

/** The Biology course: its sections are BIOLOGY_P1 and BIOLOGY_P4. */
const BIOLOGY_COURSE = 'courses/102';

const isImport = (line: string) => line === 'POST accounts/1/sis_imports';

describe.each(PUSH_MODES)('pushing Canvas edits through the engine with $mode', ({ sisImports }) => {
  it('pulls, then pushes an enroll, a role change, a status change and a remove, and the cache ends as the server', async () => {
    const k = (kit = await startCanvasKit({ sandbox: { sisImports } }));
    const [newcomer] = newcomersFor(k.sandbox, BIOLOGY_P1, 1);
    const [toTa, toFlip, toRemove] = cachedStudents(k, BIOLOGY_P4);
    k.outbox.apply([
      { kind: 'enroll', realmId: k.realmId(BIOLOGY_P1), userId: newcomer!, fields: { role: 'student', status: 'active' } },
      { kind: 'update', realmId: k.realmId(BIOLOGY_P4), enrollmentId: toTa!.enrollmentId, fields: { role: 'ta' } },
      { kind: 'update', realmId: k.realmId(BIOLOGY_P4), enrollmentId: toFlip!.enrollmentId, fields: { status: flip(toFlip!.status) } },
      { kind: 'remove', realmId: k.realmId(BIOLOGY_P4), enrollmentId: toRemove!.enrollmentId },
    ]);
    const from = k.sandbox.requests.length;
    const report = await k.engine.sync(CANVAS_ACCOUNT);
    expect(report, report.message ?? undefined).toMatchObject({ outcome: 'ok', applied: 4, rejected: 0, conflicts: 0 });
    const writes = canvasWrites(canvasRequestsSince(k.sandbox, from));
    // One import for the upserts' batch, one for the removes'.
    if (sisImports) expect(writes).toEqual(['POST accounts/1/sis_imports', 'POST accounts/1/sis_imports']);
    else expect(writes.some(isImport)).toBe(false);

    expect(personIn(k.sandbox, BIOLOGY_P1, newcomer!)).toEqual(['StudentEnrollment:active']);
    expect(personIn(k.sandbox, BIOLOGY_P4, toTa!.userId)).toEqual([`TaEnrollment:${toTa!.status}`]);
    expect(personIn(k.sandbox, BIOLOGY_P4, toFlip!.userId)).toEqual([`StudentEnrollment:${flip(toFlip!.status)}`]);
    expect(personIn(k.sandbox, BIOLOGY_P4, toRemove!.userId)).toEqual([]);
    expect(outboxSize(k)).toBe(0);

    const cached = (key: string, userId: string) => k.cache.enrollments.listByRealm(k.realmId(key)).filter((e) => e.userId === userId).map((e) => `${e.role}:${e.status}`);
    expect(cached(BIOLOGY_P1, newcomer!)).toEqual(['student:active']);
    expect(cached(BIOLOGY_P4, toTa!.userId)).toEqual([`ta:${toTa!.status}`]);
    expect(cached(BIOLOGY_P4, toFlip!.userId)).toEqual([`student:${flip(toFlip!.status)}`]);
    expect(cached(BIOLOGY_P4, toRemove!.userId)).toEqual([]);
    expect(canvasDuplicates(k.sandbox)).toEqual([]);
  });

  it('changes, through the course, the enrollment in the section it sits in, and the section shows it after the sync', async () => {
    const k = (kit = await startCanvasKit({ sandbox: { sisImports } }));
    const [student] = cachedStudents(k, BIOLOGY_P4);
    const status = flip(student!.status);
    k.outbox.apply([{ kind: 'update', realmId: k.realmId(BIOLOGY_COURSE), enrollmentId: student!.enrollmentId, fields: { status } }]);
    expect(await k.engine.sync(CANVAS_ACCOUNT)).toMatchObject({ outcome: 'ok', applied: 1 });
    // Canvas enrolls a course-wide create into the first section: the change must not become a second enrollment there.
    expect(personIn(k.sandbox, BIOLOGY_P4, student!.userId)).toEqual([`StudentEnrollment:${status}`]);
    expect(canvasDuplicates(k.sandbox)).toEqual([]);
    const inSection = k.cache.enrollments.listByRealm(k.realmId(BIOLOGY_P4)).find((e) => e.enrollmentId === student!.enrollmentId);
    expect(inSection?.status).toBe(status);
  });

  it('merges the edits of one person into one op and one change on the server', async () => {
    const k = (kit = await startCanvasKit({ sandbox: { sisImports } }));
    const [newcomer] = newcomersFor(k.sandbox, ALGEBRA_P5, 1);
    const [first] = k.outbox.apply([{ kind: 'enroll', realmId: k.realmId(ALGEBRA_P5), userId: newcomer!, fields: { role: 'student', status: 'active' } }]);
    const [second] = k.outbox.apply([{ kind: 'enroll', realmId: k.realmId(ALGEBRA_P5), userId: newcomer!, fields: { role: 'ta', status: 'inactive' } }]);
    expect(second).toMatchObject({ outcome: 'merged', op: { id: first!.op!.id } });
    expect(outboxSize(k)).toBe(1);
    const from = k.sandbox.requests.length;
    expect(await k.engine.sync(CANVAS_ACCOUNT)).toMatchObject({ outcome: 'ok', applied: 1, requests: { writes: 1 } });
    expect(personIn(k.sandbox, ALGEBRA_P5, newcomer!)).toEqual(['TaEnrollment:inactive']);
    if (sisImports) expect(canvasWrites(canvasRequestsSince(k.sandbox, from))).toEqual(['POST accounts/1/sis_imports']);
  });

  it('pushes a queue of more than 50 edits in batches of at most 50, every one applied once', async () => {
    const k = (kit = await startCanvasKit({ sandbox: { sisImports } }));
    const { edits, intended } = canvasQueue(k, 45, 12, 6);
    k.outbox.apply(edits);
    const from = k.sandbox.requests.length;
    const report = await k.engine.sync(CANVAS_ACCOUNT);
    expect(report, report.message ?? undefined).toMatchObject({ outcome: 'ok', applied: 63, rejected: 0, requests: { writes: 3 } });
    // 57 upserts in two batches (50 + 7), 6 removes in a third: one import each (students without a SIS id among
    // them go as single requests beside it).
    if (sisImports) expect(canvasWrites(canvasRequestsSince(k.sandbox, from)).filter(isImport)).toHaveLength(3);
    for (const [key, roster] of intended) expect(canvasServerRoster(k.sandbox, key), key).toEqual(roster);
    expect(canvasDuplicates(k.sandbox)).toEqual([]);
    expect(outboxSize(k)).toBe(0);
  });

  it('keeps edits made while the batch is on its way, and pushes them in the next sync', async () => {
    const k = (kit = await startCanvasKit({ sandbox: { sisImports } }));
    const [early, late] = newcomersFor(k.sandbox, BIOLOGY_P1, 2);
    const [student] = cachedStudents(k, BIOLOGY_P4);
    k.outbox.apply([{ kind: 'enroll', realmId: k.realmId(BIOLOGY_P1), userId: early!, fields: { role: 'student', status: 'active' } }]);
    const editing = canvasProviderBeforePush(k.sandbox, (_batch, n) => {
      if (n !== 1) return;
      // The batch is in flight: the user changes the same person again and edits someone else.
      k.outbox.apply([
        { kind: 'enroll', realmId: k.realmId(BIOLOGY_P1), userId: early!, fields: { role: 'ta', status: 'active' } },
        { kind: 'enroll', realmId: k.realmId(BIOLOGY_P1), userId: late!, fields: { role: 'student', status: 'inactive' } },
        { kind: 'update', realmId: k.realmId(BIOLOGY_P4), enrollmentId: student!.enrollmentId, fields: { status: flip(student!.status) } },
      ]);
    });
    const engine = new SyncEngine({ cache: k.cache, outbox: k.outbox, provider: async () => editing });
    expect(await engine.sync(CANVAS_ACCOUNT)).toMatchObject({ outcome: 'ok', applied: 1 });
    expect(outboxSize(k)).toBe(3);
    expect(await k.engine.sync(CANVAS_ACCOUNT)).toMatchObject({ outcome: 'ok', applied: 3 });
    expect(personIn(k.sandbox, BIOLOGY_P1, early!)).toEqual(['TaEnrollment:active']);
    expect(personIn(k.sandbox, BIOLOGY_P1, late!)).toEqual(['StudentEnrollment:inactive']);
    expect(personIn(k.sandbox, BIOLOGY_P4, student!.userId)).toEqual([`StudentEnrollment:${flip(student!.status)}`]);
    expect(outboxSize(k)).toBe(0);
    expect(canvasDuplicates(k.sandbox)).toEqual([]);
  });

  it('rejects an enroll of someone Canvas does not know with its answer, and applies the rest of the batch', async () => {
    const k = (kit = await startCanvasKit({ sandbox: { sisImports } }));
    const [bad] = k.outbox.apply([{ kind: 'enroll', realmId: k.realmId(ALGEBRA_P3), userId: '999999', fields: { role: 'student', status: 'active' } }]);
    const [newcomer] = newcomersFor(k.sandbox, ALGEBRA_P3, 1);
    k.outbox.apply([{ kind: 'enroll', realmId: k.realmId(ALGEBRA_P3), userId: newcomer!, fields: { role: 'student', status: 'active' } }]);
    const report = await k.engine.sync(CANVAS_ACCOUNT);
    expect(report).toMatchObject({ outcome: 'partial', applied: 1, rejected: 1 });
    expect(k.cache.outbox.get(bad!.op!.id)).toMatchObject({ state: 'rejected', error: expect.stringMatching(/404|not exist|not found/i) });
    expect(personIn(k.sandbox, ALGEBRA_P3, newcomer!)).toEqual(['StudentEnrollment:active']);
  });
});

describe('pushing through SIS imports where rows cannot say everything', () => {
  it('sends what a SIS row cannot express (an invitation, a section without a SIS id) as single requests in the same sync', async () => {
    const k = (kit = await startCanvasKit());
    const [invitee] = newcomersFor(k.sandbox, BIOLOGY_P1, 1);
    const [unlisted] = newcomersFor(k.sandbox, ENGLISH_P6_NO_SIS, 1);
    const [plain] = newcomersFor(k.sandbox, BIOLOGY_P4, 1);
    k.outbox.apply([
      { kind: 'enroll', realmId: k.realmId(BIOLOGY_P1), userId: invitee!, fields: { role: 'student', status: 'invited' } },
      { kind: 'enroll', realmId: k.realmId(ENGLISH_P6_NO_SIS), userId: unlisted!, fields: { role: 'student', status: 'active' } },
      { kind: 'enroll', realmId: k.realmId(BIOLOGY_P4), userId: plain!, fields: { role: 'student', status: 'active' } },
    ]);
    const from = k.sandbox.requests.length;
    expect(await k.engine.sync(CANVAS_ACCOUNT)).toMatchObject({ outcome: 'ok', applied: 3, requests: { writes: 1 } });
    expect(canvasWrites(canvasRequestsSince(k.sandbox, from))).toEqual([
      'POST accounts/1/sis_imports',
      `POST sections/${sectionIdOf(BIOLOGY_P1)}/enrollments`,
      `POST sections/${sectionIdOf(ENGLISH_P6_NO_SIS)}/enrollments`,
    ]);
    expect(personIn(k.sandbox, BIOLOGY_P1, invitee!)).toEqual(['StudentEnrollment:invited']);
    expect(personIn(k.sandbox, ENGLISH_P6_NO_SIS, unlisted!)).toEqual(['StudentEnrollment:active']);
    expect(personIn(k.sandbox, BIOLOGY_P4, plain!)).toEqual(['StudentEnrollment:active']);
  });

  it('maps a bad row of the import to its op as rejected, with the row Canvas named, while the other rows apply', async () => {
    const k = (kit = await startCanvasKit());
    // A SIS id typed by hand with a trailing space: Canvas reads the row's user_id trimmed, and finds no one.
    const stray = k.sandbox.store.addUser({ ...k.sandbox.store.getUser(Number(HOWLETT))!, id: 950, sis_user_id: 'S950 ', integration_id: null, login_id: 'stray950@sandbox-district.example.org' });
    // Enrolled elsewhere, so the provider finds that SIS id on an enrollment and writes it into the row.
    const { id: _taken, ...seat } = k.sandbox.store.enrollmentsInSection(sectionIdOf(ALGEBRA_P5)).find((e) => e.type === 'StudentEnrollment')!;
    k.sandbox.store.insertEnrollment({ ...seat, user_id: stray.id });
    const [before, after] = newcomersFor(k.sandbox, BIOLOGY_P1, 2);
    const results = k.outbox.apply([
      { kind: 'enroll', realmId: k.realmId(BIOLOGY_P1), userId: before!, fields: { role: 'student', status: 'active' } },
      { kind: 'enroll', realmId: k.realmId(BIOLOGY_P1), userId: String(stray.id), fields: { role: 'student', status: 'active' } },
      { kind: 'enroll', realmId: k.realmId(BIOLOGY_P1), userId: after!, fields: { role: 'ta', status: 'active' } },
    ]);
    const report = await k.engine.sync(CANVAS_ACCOUNT);
    expect(report).toMatchObject({ outcome: 'partial', applied: 2, rejected: 1, requests: { writes: 1 } });
    expect(k.cache.outbox.get(results[1]!.op!.id)).toMatchObject({
      state: 'rejected',
      error: expect.stringMatching(/Canvas SIS import \d+: User not found for enrollment.*row 3/),
    });
    expect(personIn(k.sandbox, BIOLOGY_P1, before!)).toEqual(['StudentEnrollment:active']);
    expect(personIn(k.sandbox, BIOLOGY_P1, after!)).toEqual(['TaEnrollment:active']);
    expect(personIn(k.sandbox, BIOLOGY_P1, String(stray.id))).toEqual([]);
    expect(outboxSize(k)).toBe(1);
  });

  it('asks Canvas for SIS rights once per provider, not per sync', async () => {
    const k = (kit = await startCanvasKit());
    const provider = canvasEngineProvider(k.sandbox);
    const engine = new SyncEngine({ cache: k.cache, outbox: k.outbox, provider: async () => provider });
    for (const key of [ALGEBRA_P3, BIOLOGY_P4]) {
      const [student] = cachedStudents(k, key);
      k.outbox.apply([{ kind: 'update', realmId: k.realmId(key), enrollmentId: student!.enrollmentId, fields: { status: flip(student!.status) } }]);
      expect(await engine.sync(CANVAS_ACCOUNT)).toMatchObject({ outcome: 'ok', applied: 1 });
    }
    expect(k.sandbox.requests.filter((r) => r.path.endsWith('/permissions'))).toHaveLength(1);
  });
});
