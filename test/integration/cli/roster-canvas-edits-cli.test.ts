import { cpSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CanvasSandbox } from '../../../electron/sandbox/canvas/canvas-sandbox-server';
import type { SandboxCanvasEnrollment } from '../../../electron/sandbox/canvas/canvas-store';
import { addCanvasAccount, canvasSandboxOf, forgetCanvasKeychain } from './canvas-cli-kit';
import { jsonOf, outcome, removeDir, roster, tempDataDir } from './cli-kit';

/**
 * Edits of a Canvas account through `roster`, as staff make them: in Canvas's roles (the "role" key, `--role`), on a
 * section or on a whole course, pushed by `roster sync` with single requests, and what Canvas then holds. One Canvas
 * sandbox for the file; each test edits people no other test touches, in its own copy of a pulled data folder.
 */
const BIOLOGY = { realm: 'courses/102', id: 102, firstSection: 203, secondSection: 204 } as const;
const ALGEBRA_P3 = { realm: 'sections/201', id: 201 } as const;
const LIVE = new Set(['active', 'invited', 'creation_pending', 'inactive', 'completed']);

let canvas: CanvasSandbox;
let template: string;
let dataDir: string;

beforeAll(async () => {
  canvas = await canvasSandboxOf({ sisImports: false });
  template = tempDataDir();
  await addCanvasAccount(template, canvas);
  const pulled = await roster(template, ['pull', BIOLOGY.realm, ALGEBRA_P3.realm]);
  if (pulled.code !== 0) throw new Error(`pull failed: ${outcome(pulled)}`);
});

afterAll(async () => {
  await forgetCanvasKeychain(canvas);
  await canvas.close();
  removeDir(template);
});

beforeEach(() => {
  dataDir = tempDataDir();
  cpSync(template, dataDir, { recursive: true });
});

afterEach(() => removeDir(dataDir));

const live = (rows: SandboxCanvasEnrollment[]) => rows.filter((e) => LIVE.has(e.workflow_state));
const liveOfUserIn = (section: number, user: number) => live(canvas.store.enrollmentsInSection(section)).filter((e) => e.user_id === user);

async function syncOk(): Promise<void> {
  const sync = await roster(dataDir, ['sync']);
  expect(sync.code, outcome(sync)).toBe(0);
  expect(jsonOf(await roster(dataDir, ['pending', '--json']))).toEqual({ queued: [], rejected: [], conflicts: [] });
}

describe('Canvas edits through roster', () => {
  it('apply enrolls in a Canvas role and state: a TA invited to the section, shown as "TA  3 Invited"', async () => {
    const inP3 = new Set(canvas.store.enrollmentsInSection(ALGEBRA_P3.id).map((e) => e.user_id));
    const newcomer = live(canvas.store.enrollmentsInCourse(BIOLOGY.id)).find((e) => e.type === 'StudentEnrollment' && !inP3.has(e.user_id));
    if (!newcomer) throw new Error('the seed has no Biology student outside Algebra I P3');
    const line = { op: 'enroll', realm: ALGEBRA_P3.realm, uid: String(newcomer.user_id), role: 'ta', status: 3 };
    const applied = await roster(dataDir, ['apply', '-'], { stdin: `${JSON.stringify(line)}\n` });
    expect(applied.code, outcome(applied)).toBe(0);
    await syncOk();
    expect(liveOfUserIn(ALGEBRA_P3.id, newcomer.user_id).map((e) => [e.type, e.workflow_state])).toEqual([['TaEnrollment', 'invited']]);
    const table = await roster(dataDir, ['list', ALGEBRA_P3.realm, '--role', 'ta']);
    expect(table.stdout.split('\n').filter((row) => / TA +3 Invited$/.test(row))).toHaveLength(1);
  });

  it('a role change replaces the enrollment: the person holds only the new role in the section, the old enrollment deleted', async () => {
    const student = live(canvas.store.enrollmentsInSection(ALGEBRA_P3.id)).find(
      (e) => e.type === 'StudentEnrollment' && e.workflow_state === 'active' && canvas.store.enrollmentsOfUser(e.user_id).length === 1,
    );
    if (!student) throw new Error('the seed has no student enrolled only in Algebra I P3');
    const update = await roster(dataDir, ['update', ALGEBRA_P3.realm, String(student.id), '--role', 'designer']);
    expect(update.code, outcome(update)).toBe(0);
    await syncOk();
    expect(liveOfUserIn(ALGEBRA_P3.id, student.user_id).map((e) => [e.type, e.workflow_state])).toEqual([['DesignerEnrollment', 'active']]);
    expect(canvas.store.getEnrollment(student.id)?.workflow_state).toBe('deleted');
  });

  it('a status change through a course changes the enrollment in the section it sits in, adding none to the first section', async () => {
    const inFirst = new Set(canvas.store.enrollmentsInSection(BIOLOGY.firstSection).map((e) => e.user_id));
    const student = live(canvas.store.enrollmentsInSection(BIOLOGY.secondSection)).find(
      (e) => e.type === 'StudentEnrollment' && e.workflow_state === 'active' && !inFirst.has(e.user_id),
    );
    if (!student) throw new Error(`the seed has no active student only in section ${BIOLOGY.secondSection}`);
    const update = await roster(dataDir, ['update', BIOLOGY.realm, String(student.id), '--status', '5']);
    expect(update.code, outcome(update)).toBe(0);
    await syncOk();
    expect(canvas.store.getEnrollment(student.id)?.workflow_state).toBe('inactive');
    expect(canvas.store.enrollmentsOfUser(student.user_id).filter((e) => e.course_id === BIOLOGY.id).map((e) => e.id)).toEqual([student.id]);
  });
});
