/**
 * The sync engine's conflict check on a Canvas account, which stamps every change of an enrollment with updated_at:
 * a real cache in a temp dir pulled from the Canvas sandbox on 127.0.0.1, the Outbox and the SyncEngine over it
 * (canvas-engine-kit.ts). "Another admin" edits the sandbox's store directly, stamping the change as Canvas would.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SandboxCanvasEnrollment } from '../../../electron/sandbox/canvas/canvas-store';
import type { CanvasState } from '../../../shared/domain/roles';
import { ALGEBRA_P3, CANVAS_ACCOUNT, canvasRequestsSince, canvasWrites, HOWLETT, serverStudent, startCanvasKit, type CanvasKit } from './canvas-engine-kit';

/** When "another admin" makes a change: after the seed's stamps and before anything the sandbox's clock gives out. */
const OTHER_ADMIN_AT = '2026-11-26T09:10:00Z';

let kit: CanvasKit;
let p3: string;
/** Howlett's enrollment in Algebra I P3: an active student in the seed. */
let howlett: string;

beforeEach(async () => {
  // The sandbox stamps its own writes from this clock, a second a call, so no two stamps can meet by chance.
  let tick = Date.UTC(2026, 10, 27, 8);
  kit = await startCanvasKit({ sandbox: { now: () => (tick += 1000) } });
  p3 = kit.realmId(ALGEBRA_P3);
  howlett = String(serverStudent(kit.sandbox, ALGEBRA_P3, HOWLETT)!.id);
});

afterEach(async () => {
  await kit.close();
});

const howlettOnServer = (): SandboxCanvasEnrollment => kit.sandbox.store.getEnrollment(Number(howlett))!;

function updateHowlett(status: 'inactive' | 'completed' | 'active'): string {
  const [result] = kit.outbox.apply([{ kind: 'update', realmId: p3, enrollmentId: howlett, fields: { status } }]);
  return result!.op!.id;
}

/** Another admin's change on Canvas, stamped as Canvas stamps every change. */
function otherAdmin(changes: { workflow_state?: CanvasState; limit_privileges_to_course_section?: boolean }): void {
  kit.sandbox.store.updateEnrollment(Number(howlett), { ...changes, updated_at: OTHER_ADMIN_AT });
}

const writesFrom = (from: number) => canvasWrites(canvasRequestsSince(kit.sandbox, from));
const conflictsOf = (opId: string) => kit.cache.conflicts.listForOp(opId).map(({ field, mine, theirs, resolvedAt }) => ({ field, mine, theirs, resolvedAt }));

describe('conflicts on Canvas, by values and updated_at', () => {
  it('holds a status another admin changed on Canvas, says when, and sends nothing', async () => {
    const opId = updateHowlett('inactive');
    otherAdmin({ workflow_state: 'completed' });
    const from = kit.sandbox.requests.length;
    const report = await kit.engine.sync(CANVAS_ACCOUNT);
    expect(report).toMatchObject({ outcome: 'partial', conflicts: 1, applied: 0 });
    expect(writesFrom(from)).toEqual([]);
    expect(conflictsOf(opId)).toEqual([{ field: 'status', mine: 'inactive', theirs: 'completed', resolvedAt: null }]);
    expect(kit.cache.outbox.get(opId)?.error).toContain(`changed on Canvas at ${OTHER_ADMIN_AT}`);
    expect(howlettOnServer().workflow_state).toBe('completed');
  });

  it('sends my change when another admin touched the enrollment but left the status as I saw it', async () => {
    updateHowlett('inactive');
    otherAdmin({ limit_privileges_to_course_section: true });
    const report = await kit.engine.sync(CANVAS_ACCOUNT);
    expect(report).toMatchObject({ outcome: 'ok', applied: 1, conflicts: 0 });
    expect(howlettOnServer()).toMatchObject({ workflow_state: 'inactive', limit_privileges_to_course_section: true });
  });

  it('sends my change when nothing changed on Canvas', async () => {
    const opId = updateHowlett('inactive');
    expect(kit.cache.outbox.get(opId)?.base?.version).toBe(howlettOnServer().updated_at);
    const report = await kit.engine.sync(CANVAS_ACCOUNT);
    expect(report).toMatchObject({ outcome: 'ok', applied: 1, conflicts: 0 });
    expect(howlettOnServer().workflow_state).toBe('inactive');
    expect(kit.cache.outbox.get(opId)).toBeNull();
  });

  it('holds an edit that did not record the status it was made against once Canvas changed the enrollment', async () => {
    const seen = howlettOnServer().updated_at;
    const op = kit.cache.outbox.enqueue({
      accountId: CANVAS_ACCOUNT, realmId: p3, kind: 'update', enrollmentId: howlett, userId: HOWLETT, fields: { status: 'inactive' }, base: { version: seen },
    });
    otherAdmin({ workflow_state: 'completed' });
    const report = await kit.engine.sync(CANVAS_ACCOUNT);
    expect(report).toMatchObject({ outcome: 'partial', conflicts: 1 });
    expect(conflictsOf(op.id)).toEqual([{ field: 'status', mine: 'inactive', theirs: 'completed', resolvedAt: null }]);
    expect(howlettOnServer().workflow_state).toBe('completed');
  });

  it('applies my value after keep-mine, on the next sync', async () => {
    const opId = updateHowlett('inactive');
    otherAdmin({ workflow_state: 'completed' });
    await kit.engine.sync(CANVAS_ACCOUNT);
    kit.outbox.resolve(opId, 'keep-mine');
    expect(kit.cache.outbox.get(opId)?.base).toEqual({ role: 'student', status: 'completed', version: OTHER_ADMIN_AT });
    const report = await kit.engine.sync(CANVAS_ACCOUNT);
    expect(report).toMatchObject({ outcome: 'ok', applied: 1, conflicts: 0 });
    expect(howlettOnServer().workflow_state).toBe('inactive');
    expect(kit.cache.outbox.get(opId)).toBeNull();
  });

  it('sends a later edit after my own push: the refresh reads back the stamp my push made', async () => {
    updateHowlett('inactive');
    await kit.engine.sync(CANVAS_ACCOUNT);
    const stamped = howlettOnServer().updated_at;
    const opId = updateHowlett('active');
    expect(kit.cache.outbox.get(opId)?.base).toEqual({ role: 'student', status: 'inactive', version: stamped });
    const report = await kit.engine.sync(CANVAS_ACCOUNT);
    expect(report).toMatchObject({ outcome: 'ok', applied: 1, conflicts: 0 });
    expect(howlettOnServer().workflow_state).toBe('active');
  });
});
