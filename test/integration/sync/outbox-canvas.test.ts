/**
 * What the outbox does for a Canvas enrollment beyond the Schoology rules (electron/sync/outbox.ts): the version an op
 * records with its base (the enrollment's updated_at as the cache held it when the user made the edit), kept true
 * through coalescing, rebasing and resolving, so the engine can tell whether the server changed the enrollment since
 * (conflict-check.ts); and a role change that Canvas makes by replacing the enrollment.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCache, type Cache } from '../../../electron/db/cache';
import { writeTransaction } from '../../../electron/db/write-transaction';
import { Outbox, type Edit } from '../../../electron/sync/outbox';
import { enrollmentFromCanvas } from '../../../shared/domain/canvas-mapping';
import type { CanvasEnrollment } from '../../../shared/domain/canvas-wire';
import type { CanvasState } from '../../../shared/domain/roles';
import { ANN as SCHOOLOGY_ANN, ONE as SCHOOLOGY_ONE, openFixture } from './outbox-fixture';

const ACCOUNT = 'canvas-school';
const KEY = 'sections/201';
const P3 = `${ACCOUNT}/${KEY}`;
/** Howlett, an active student of Algebra I P3, as the last pull saw him. */
const HOWLETT = { id: '501', userId: '101' } as const;
const SEEN = '2026-11-20T15:00:00Z';
const LATER = '2026-11-26T09:10:00Z';

let dir: string;
let cache: Cache;
let outbox: Outbox;

function record(state: CanvasState, updatedAt: string, type: CanvasEnrollment['type'] = 'StudentEnrollment'): CanvasEnrollment {
  return {
    id: HOWLETT.id,
    user_id: HOWLETT.userId,
    course_id: '101',
    course_section_id: '201',
    type,
    role: type,
    enrollment_state: state,
    created_at: '2026-08-17T14:00:00Z',
    updated_at: updatedAt,
    user: { id: HOWLETT.userId, name: 'James Howlett', sortable_name: 'Howlett, James', short_name: 'James Howlett' },
  };
}

/** The server's roster as a pull (or the engine's check) reads it into the cache. */
function serverHas(state: CanvasState, updatedAt: string, type?: CanvasEnrollment['type']): void {
  cache.enrollments.replaceRealmSnapshot(P3, [enrollmentFromCanvas(record(state, updatedAt, type), KEY)]);
}

const queue = (fields: Extract<Edit, { kind: 'update' }>['fields']) =>
  outbox.apply([{ kind: 'update', realmId: P3, enrollmentId: HOWLETT.id, fields }])[0]!.op!;
const sent = <T extends { id: string }>(op: T): T => {
  outbox.markInFlight([op.id]);
  return op;
};
const opsOf = () => cache.outbox.listByTarget(P3, HOWLETT.userId);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'roster-versions-'));
  cache = openCache(join(dir, 'cache.sqlite'));
  cache.accounts.save({ id: ACCOUNT, name: 'Canvas · sandbox', provider: 'canvas', baseUrl: 'http://127.0.0.1:1/api/v1' });
  cache.realms.saveMany([
    {
      key: KEY, accountId: ACCOUNT, provider: 'canvas', kind: 'section', remoteId: '201', title: 'Algebra I P3', courseTitle: 'Algebra I',
      courseCode: 'ALG-1', courseSisId: '', sectionCode: '', sectionSchoolCode: '', gradingPeriods: [], pulledAt: null,
    },
  ]);
  serverHas('active', SEEN);
  outbox = new Outbox(cache);
});

afterEach(() => {
  cache.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('recording the version the user saw', () => {
  it("records the cached enrollment's updated_at with the values the user saw", () => {
    expect(queue({ status: 'inactive' }).base).toEqual({ role: 'student', status: 'active', version: SEEN });
  });

  it('records it for a bulk edit too (which reads a realm without its records)', () => {
    writeTransaction(cache.db, () => {
      const edits = outbox.bulk();
      edits.edit({ kind: 'update', realmId: P3, enrollmentId: HOWLETT.id, fields: { status: 'inactive' } });
      edits.finish();
    });
    expect(opsOf()[0]!.base).toEqual({ role: 'student', status: 'active', version: SEEN });
  });

  it('records none for a Schoology enrollment, which carries no stamp', () => {
    const f = openFixture();
    try {
      const [result] = f.outbox.apply([{ kind: 'update', realmId: SCHOOLOGY_ONE, enrollmentId: SCHOOLOGY_ANN.id, fields: { status: 'inactive' } }]);
      expect(result!.op!.base).toEqual({ role: 'student', status: 'active' });
    } finally {
      f.close();
    }
  });

  it('records none for an edit made over an op already sent: the server has not stamped that state yet', () => {
    sent(queue({ status: 'inactive' }));
    const second = queue({ role: 'teacher' });
    expect(second.base).toEqual({ role: 'student', status: 'inactive' });
  });

  it('records none for an edit made after a push applied and before the next read: the new stamp is not known', () => {
    const first = sent(queue({ status: 'inactive' }));
    outbox.settleApplied(first.id, {});
    expect(cache.enrollments.get(P3, HOWLETT.id)?.version).toBeNull();
    expect(queue({ role: 'teacher' }).base).toEqual({ role: 'student', status: 'inactive' });
  });
});

describe('coalescing', () => {
  it('keeps the version of the first edit when a second edit merges into it, as it keeps the values', () => {
    const first = queue({ status: 'inactive' });
    serverHas('active', LATER);
    const merged = queue({ role: 'teacher' });
    expect(merged).toMatchObject({ id: first.id, fields: { status: 'inactive', role: 'teacher' }, base: { role: 'student', status: 'active', version: SEEN } });
  });
});

describe('rebasing', () => {
  it('gives the next op the stamp the server holds when the op before it was found done', () => {
    const first = sent(queue({ status: 'inactive' }));
    const second = queue({ role: 'teacher' });
    serverHas('inactive', LATER);
    outbox.settleDone(first.id);
    expect(cache.outbox.get(second.id)?.base).toEqual({ role: 'student', status: 'inactive', version: LATER });
  });

  it('leaves the next op without a version when the op before it was applied by our push', () => {
    const first = sent(queue({ status: 'inactive' }));
    const second = queue({ role: 'teacher' });
    outbox.settleApplied(first.id, {});
    expect(cache.outbox.get(second.id)?.base).toEqual({ role: 'student', status: 'inactive' });
  });

  it('gives the next op the stamp of the cached enrollment when the op before it is discarded', () => {
    const first = sent(queue({ status: 'inactive' }));
    const second = queue({ role: 'teacher' });
    outbox.settleRejected(first.id, 400, 'no');
    outbox.discard(first.id);
    expect(cache.outbox.get(second.id)).toMatchObject({ fields: { role: 'teacher' }, base: { role: 'student', status: 'active', version: SEEN } });
  });
});

describe('holding and resolving', () => {
  it('says when Canvas changed the enrollment in the reason of a held edit', () => {
    const op = queue({ status: 'inactive' });
    outbox.hold(op.id, [{ field: 'status', mine: 'inactive', theirs: 'completed', changedAt: LATER }]);
    expect(cache.outbox.get(op.id)?.error).toBe(`the LMS has status completed (yours: inactive), changed on Canvas at ${LATER}`);
  });

  it("keep-mine re-bases the op on the server's values and stamp, so the next check lets it through", () => {
    const op = queue({ status: 'inactive' });
    serverHas('completed', LATER);
    outbox.hold(op.id, [{ field: 'status', mine: 'inactive', theirs: 'completed', changedAt: LATER }]);
    outbox.resolve(op.id, 'keep-mine');
    expect(cache.outbox.get(op.id)).toMatchObject({ state: 'queued', fields: { status: 'inactive' }, base: { role: 'student', status: 'completed', version: LATER } });
  });

  it("take-theirs re-bases the fields it keeps on the server's stamp", () => {
    const op = queue({ status: 'inactive', role: 'teacher' });
    serverHas('completed', LATER);
    outbox.hold(op.id, [{ field: 'status', mine: 'inactive', theirs: 'completed', changedAt: LATER }]);
    outbox.resolve(op.id, 'take-theirs');
    expect(cache.outbox.get(op.id)).toMatchObject({ state: 'queued', fields: { role: 'teacher' }, base: { role: 'student', status: 'completed', version: LATER } });
  });

  it('keep-mine records no stamp when the cache has moved on from the values in conflict', () => {
    const op = queue({ status: 'inactive' });
    serverHas('completed', LATER);
    outbox.hold(op.id, [{ field: 'status', mine: 'inactive', theirs: 'completed' }]);
    serverHas('invited', '2026-11-26T10:00:00Z');
    outbox.resolve(op.id, 'keep-mine');
    expect(cache.outbox.get(op.id)?.base).toEqual({ role: 'student', status: 'completed' });
  });
});

describe('a role change Canvas made by replacing the enrollment', () => {
  const NEW_ID = '777';

  it("moves the cached row to the enrollment the LMS answered with, the old one's values under the op's", () => {
    const op = sent(queue({ role: 'teacher' }));
    outbox.settleApplied(op.id, { enrollmentId: NEW_ID });
    expect(cache.enrollments.get(P3, HOWLETT.id)).toBeNull();
    expect(cache.enrollments.get(P3, NEW_ID)).toMatchObject({ userId: HOWLETT.userId, role: 'teacher', status: 'active', version: null });
  });

  it("rebases the person's next op onto the new enrollment, so it does not find its enrollment removed", () => {
    const first = sent(queue({ role: 'teacher' }));
    const second = queue({ status: 'inactive' });
    outbox.settleApplied(first.id, { enrollmentId: NEW_ID });
    expect(cache.outbox.get(second.id)).toMatchObject({ kind: 'update', enrollmentId: NEW_ID, fields: { status: 'inactive' }, base: { role: 'teacher', status: 'active' } });
  });
});
