import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RosterPageSchema, RosterQuerySchema, type RosterPage, type RosterQuery, type RosterSortColumn } from '../../../shared/api';
import { enrollmentFromSchoology } from '../../../shared/domain/schoology-mapping';
import { type SchoologyEnrollment } from '../../../shared/domain/schoology-wire';
import { openCache, type Cache } from '../../../electron/db/cache';
import { Outbox, type Edit } from '../../../electron/sync/outbox';

let dir: string;
let cache: Cache;
const ONE = 'acme/sections/1';
const TWO = 'acme/sections/2';

interface Person {
  id: string;
  uid: string;
  first: string;
  last: string;
  schoolUid: string;
  admin: 0 | 1;
  status: 1 | 2 | 3 | 4 | 5;
}

// Period 1 holds A–D, Art holds E. Names, ids and school uids are chosen so no sort column has ties except where
// a test is about tie-breaking.
const A: Person = { id: '10', uid: '100', first: 'Ann', last: 'Lee', schoolUid: 's100', admin: 0, status: 1 };
const B: Person = { id: '11', uid: '101', first: 'Bob', last: 'Zhang', schoolUid: 'T101', admin: 1, status: 1 };
const C: Person = { id: '12', uid: '1002', first: 'Cara', last: 'Álvarez', schoolUid: 's1002', admin: 0, status: 5 };
const D: Person = { id: '13', uid: '99', first: 'dan', last: 'brown', schoolUid: 's099', admin: 0, status: 3 };
const E: Person = { id: '20', uid: '200', first: 'Eve', last: 'Adams', schoolUid: 's200', admin: 0, status: 1 };
const NAMES: Record<string, string> = { '100': 'A', '101': 'B', '1002': 'C', '99': 'D', '200': 'E' };

function enrollment(p: Person, realmKey: string) {
  const record: SchoologyEnrollment = {
    id: p.id, uid: p.uid, school_uid: p.schoolUid, name_first: p.first, name_last: p.last,
    name_display: `${p.first} ${p.last}`, admin: p.admin, status: p.status,
  };
  return enrollmentFromSchoology(record, realmKey);
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'roster-query-'));
  cache = openCache(join(dir, 'cache.sqlite'));
  cache.accounts.save({ id: 'acme', name: 'Acme', provider: 'schoology', baseUrl: 'https://api.schoology.com/v1' });
  const realm = (remoteId: string, title: string) => ({
    key: `sections/${remoteId}`, accountId: 'acme', provider: 'schoology' as const, kind: 'section' as const, remoteId, title,
    courseTitle: '', courseCode: '', courseSisId: '', sectionCode: '', sectionSchoolCode: '', gradingPeriods: [], pulledAt: null,
  });
  cache.realms.saveMany([realm('1', 'Period 1'), realm('2', 'Art')]);
  cache.enrollments.replaceRealmSnapshot(ONE, [A, B, C, D].map((p) => enrollment(p, 'sections/1')));
  cache.enrollments.replaceRealmSnapshot(TWO, [enrollment(E, 'sections/2')]);
});
afterEach(() => {
  cache.close();
  rmSync(dir, { recursive: true, force: true });
});

function query(q: Partial<RosterQuery>): RosterPage {
  const page = cache.roster.query(RosterQuerySchema.parse({ realmIds: [ONE, TWO], ...q }));
  return RosterPageSchema.parse(page);
}
/** The page as letters (A–E), '?' for people the fixture does not name. */
const letters = (page: RosterPage): string => page.rows.map((r) => NAMES[r.userId] ?? '?').join('');
const row = (page: RosterPage, userId: string) => page.rows.find((r) => r.userId === userId)!;
const enqueue = (op: Parameters<Cache['outbox']['enqueue']>[0]) => cache.outbox.enqueue(op);

describe('filtering', () => {
  it('by status', () => {
    expect(letters(query({ statuses: ['active'] }))).toBe('EAB');
    expect(letters(query({ statuses: ['invited', 'inactive'] }))).toBe('CD');
  });

  it('by role', () => {
    expect(letters(query({ roles: ['teacher'] }))).toBe('B');
    expect(letters(query({ roles: ['student'], statuses: ['active'] }))).toBe('EA');
  });

  it('by search over names, case-insensitively', () => {
    expect(letters(query({ search: 'LEE' }))).toBe('A');
    expect(letters(query({ search: 'Dan' }))).toBe('D');
  });

  it('by search over school uids', () => {
    expect(letters(query({ search: 't10' }))).toBe('B');
  });

  it('by search that ignores accents', () => {
    expect(letters(query({ search: 'alvarez' }))).toBe('C');
  });

  it('by search typed accented or in capitals, whatever the stored name has', () => {
    expect(letters(query({ search: 'ÁLVAREZ' }))).toBe('C');
    expect(letters(query({ search: 'Lée' }))).toBe('A');
  });

  it('by search over names typed "last, first"', () => {
    expect(letters(query({ search: 'zhang, b' }))).toBe('B');
  });

  it('by search that treats % and _ as plain characters', () => {
    expect(query({ search: '%' }).total).toBe(0);
    expect(query({ search: '_' }).total).toBe(0);
  });
});

describe('sorting', () => {
  const orders: Record<RosterSortColumn, { asc: string; desc: string }> = {
    name: { asc: 'ECDAB', desc: 'BADCE' },
    schoolUid: { asc: 'DACEB', desc: 'BECAD' },
    userId: { asc: 'DABEC', desc: 'CEBAD' },
    role: { asc: 'BECDA', desc: 'ECDAB' },
    status: { asc: 'EABDC', desc: 'CDEAB' },
    realm: { asc: 'ECDAB', desc: 'CDABE' },
    pending: { asc: 'ECDAB', desc: 'ECDAB' },
  };
  for (const [column, order] of Object.entries(orders) as [RosterSortColumn, { asc: string; desc: string }][]) {
    for (const direction of ['asc', 'desc'] as const) {
      it(`by ${column} ${direction}, ties broken by name`, () => {
        expect(letters(query({ sort: { column, direction } }))).toBe(order[direction]);
      });
    }
  }
});

describe('paging', () => {
  it('returns the requested slice and the total of all matching rows', () => {
    const first = query({ limit: 2, offset: 0 });
    const second = query({ limit: 2, offset: 2 });
    expect([letters(first), letters(second)]).toEqual(['EC', 'DA']);
    expect([first.total, second.total, second.offset]).toEqual([5, 5, 2]);
  });

  it('still reports the total past the last page', () => {
    expect(query({ offset: 10 })).toEqual({ rows: [], total: 5, offset: 10 });
  });

  it('counts only rows that match the filters', () => {
    expect(query({ statuses: ['active'], limit: 1 }).total).toBe(3);
  });

  it('cuts later pages from the ordered rows, pending enrolls and removals included, exactly as one page of all', () => {
    enqueue({ accountId: 'acme', realmId: ONE, kind: 'enroll', userId: E.uid, fields: { role: 'ta', status: 'invited' } });
    enqueue({ accountId: 'acme', realmId: ONE, kind: 'remove', enrollmentId: B.id });
    for (const sort of [{ column: 'name', direction: 'asc' }, { column: 'status', direction: 'desc' }] as const) {
      const whole = query({ sort, limit: 100 });
      const paged = [0, 2, 4].flatMap((offset) => query({ sort, limit: 2, offset }).rows);
      expect(paged).toEqual(whole.rows);
    }
  });

  it('answers a page after an edit with the edit in it (a write retires the ordered rows)', () => {
    expect(letters(query({ limit: 2, offset: 2 }))).toBe('DA');
    enqueue({ accountId: 'acme', realmId: ONE, kind: 'update', enrollmentId: D.id, fields: { status: 'inactive' }, base: { status: 'completed' } });
    const page = query({ limit: 2, offset: 2 });
    expect(row(page, D.uid)).toMatchObject({ status: 'inactive', pending: { kind: 'update' } });
    cache.enrollments.replaceRealmSnapshot(ONE, [A, B, D].map((p) => enrollment(p, 'sections/1')));
    expect(query({ limit: 2, offset: 2 })).toMatchObject({ total: 4 });
    expect(letters(query({ limit: 2, offset: 2 }))).toBe('AB');
  });

  it('gives the refs of a query in its order, a queued enroll by its op id', () => {
    const op = enqueue({ accountId: 'acme', realmId: ONE, kind: 'enroll', userId: E.uid, fields: { role: 'ta', status: 'invited' } });
    const refs = cache.roster.refs(RosterQuerySchema.parse({ realmIds: [ONE], limit: 100 }));
    expect(refs).toEqual({
      total: 5,
      refs: [op.id, C.id, D.id, A.id, B.id].map((enrollmentId) => ({ realmId: ONE, enrollmentId })),
    });
  });
});

describe('realms', () => {
  it('queries one realm', () => {
    expect(letters(query({ realmIds: [TWO] }))).toBe('E');
  });

  it('queries many realms, each row saying which it belongs to', () => {
    const page = query({ realmIds: [ONE, TWO] });
    expect(row(page, E.uid).realmId).toBe(TWO);
    expect(row(page, A.uid).realmId).toBe(ONE);
  });

  it('marks rows without edits as not pending, with the server values', () => {
    expect(row(query({}), A.uid)).toMatchObject({
      enrollmentId: '10', displayName: 'Ann Lee', sortableName: 'Lee, Ann', schoolUid: 's100',
      role: 'student', status: 'active', server: { role: 'student', status: 'active' }, pending: null,
    });
  });
});

describe('overlay of pending edits', () => {
  it('shows an update’s fields over the server values, marked pending', () => {
    const op = enqueue({ accountId: 'acme', realmId: ONE, kind: 'update', enrollmentId: A.id, fields: { role: 'teacher' }, base: { role: 'student' } });
    expect(row(query({}), A.uid)).toMatchObject({
      role: 'teacher', status: 'active', server: { role: 'student', status: 'active' },
      pending: { opId: op.id, kind: 'update', fields: ['role'], state: 'queued', error: null },
    });
  });

  it('keeps a removed row listed with its server status, marked remove', () => {
    enqueue({ accountId: 'acme', realmId: ONE, kind: 'remove', enrollmentId: B.id });
    const page = query({});
    expect(page.total).toBe(5);
    expect(row(page, B.uid)).toMatchObject({ status: 'active', role: 'teacher', pending: { kind: 'remove', fields: [] } });
  });

  it('adds an enroll as a row without enrollment id, named from the people table', () => {
    // E is cached only in Art's roster; queueing the enroll copies them into people, where the overlay finds them.
    enqueue({ accountId: 'acme', realmId: ONE, kind: 'enroll', userId: E.uid, fields: { role: 'ta', status: 'invited' } });
    expect(cache.db.prepare(`SELECT display_name FROM people WHERE user_id = ?`).pluck().all(E.uid)).toEqual(['Eve Adams']);
    const page = query({ realmIds: [ONE] });
    expect(page.total).toBe(5);
    expect(row(page, E.uid)).toMatchObject({
      realmId: ONE, enrollmentId: null, displayName: 'Eve Adams', schoolUid: 's200', role: 'ta', status: 'invited',
      server: null, pending: { kind: 'enroll', fields: ['role', 'status'], state: 'queued' },
    });
  });

  it('names an enroll of a user known only from another realm’s roster, sorted and searched by that name', () => {
    enqueue({ accountId: 'acme', realmId: ONE, kind: 'enroll', userId: E.uid, fields: { role: 'student', status: 'active' } });
    cache.enrollments.replaceRealmSnapshot(TWO, []); // the roster that knew E is gone; the people row stays
    expect(letters(query({ realmIds: [ONE], search: 'adams' }))).toBe('E');
    expect(letters(query({ realmIds: [ONE] }))).toBe('ECDAB');
    expect(row(query({ realmIds: [ONE] }), E.uid)).toMatchObject({ displayName: 'Eve Adams', sortableName: 'Adams, Eve', schoolUid: 's200' });
  });

  it('names an enrolled person the cache does not know by user id', () => {
    enqueue({ accountId: 'acme', realmId: ONE, kind: 'enroll', userId: '777', fields: { role: 'student', status: 'active' } });
    expect(row(query({ realmIds: [ONE] }), '777')).toMatchObject({ displayName: '777', sortableName: '777', schoolUid: '' });
    expect(cache.db.prepare('SELECT count(*) FROM people').pluck().get()).toBe(0);
  });

  it('names an enroll from a person the app looked up, and enqueue does not overwrite them', () => {
    const looked = enrollment({ ...E, id: '0', first: 'Evelyn' }, 'sections/2');
    cache.enrollments.rememberPerson('acme', looked);
    enqueue({ accountId: 'acme', realmId: ONE, kind: 'enroll', userId: E.uid, fields: { role: 'student', status: 'active' } });
    expect(row(query({ realmIds: [ONE] }), E.uid)).toMatchObject({ displayName: 'Evelyn Adams' });
  });

  it('adds no row for an access-code enrollment', () => {
    enqueue({ accountId: 'acme', realmId: ONE, kind: 'access_code', fields: { accessCode: 'VCVKF-4MJG9' } });
    expect(query({ realmIds: [ONE] }).total).toBe(4);
  });

  it('filters on the overlaid status', () => {
    enqueue({ accountId: 'acme', realmId: ONE, kind: 'update', enrollmentId: C.id, fields: { status: 'active' } });
    expect(letters(query({ statuses: ['active'] }))).toBe('ECAB');
    expect(letters(query({ statuses: ['inactive'] }))).toBe('');
  });

  it('filters on the overlaid role, including enrolls', () => {
    enqueue({ accountId: 'acme', realmId: ONE, kind: 'update', enrollmentId: A.id, fields: { role: 'teacher' } });
    enqueue({ accountId: 'acme', realmId: ONE, kind: 'enroll', userId: E.uid, fields: { role: 'teacher', status: 'active' } });
    const page = query({ realmIds: [ONE], roles: ['teacher'] });
    expect(letters(page)).toBe('EAB');
    expect(page.total).toBe(3);
  });

  it('sorts on the overlaid values', () => {
    enqueue({ accountId: 'acme', realmId: ONE, kind: 'update', enrollmentId: D.id, fields: { role: 'teacher' } });
    expect(letters(query({ sort: { column: 'role', direction: 'asc' } }))).toBe('DBECA');
  });

  it('sorts by pending: none, queued, rejected, conflict', () => {
    const rejected = enqueue({ accountId: 'acme', realmId: ONE, kind: 'remove', enrollmentId: A.id });
    const conflict = enqueue({ accountId: 'acme', realmId: ONE, kind: 'update', enrollmentId: D.id, fields: { status: 'active' } });
    enqueue({ accountId: 'acme', realmId: ONE, kind: 'update', enrollmentId: B.id, fields: { status: 'inactive' } });
    cache.outbox.setState(rejected.id, 'rejected', 'Schoology refused: 403');
    cache.outbox.setState(conflict.id, 'conflict');
    expect(letters(query({ sort: { column: 'pending', direction: 'asc' } }))).toBe('ECBAD');
    expect(letters(query({ sort: { column: 'pending', direction: 'desc' } }))).toBe('DABEC');
  });

  it('shows a rejected edit with its error', () => {
    const op = enqueue({ accountId: 'acme', realmId: ONE, kind: 'update', enrollmentId: A.id, fields: { status: 'inactive' } });
    cache.outbox.setState(op.id, 'rejected', 'Schoology refused: 403');
    expect(row(query({}), A.uid).pending).toEqual({ opId: op.id, kind: 'update', fields: ['status'], state: 'rejected', error: 'Schoology refused: 403' });
  });

  it('shows an edit in flight as pending (queued): it is not made until the LMS confirmed it', () => {
    const op = enqueue({ accountId: 'acme', realmId: ONE, kind: 'update', enrollmentId: A.id, fields: { role: 'teacher' } });
    cache.outbox.setState(op.id, 'in_flight');
    expect(row(query({}), A.uid)).toMatchObject({ role: 'teacher', pending: { opId: op.id, kind: 'update', state: 'queued' } });
  });

  it('sorts an edit in flight with the queued ones', () => {
    const op = enqueue({ accountId: 'acme', realmId: ONE, kind: 'update', enrollmentId: A.id, fields: { role: 'teacher' } });
    cache.outbox.setState(op.id, 'in_flight');
    expect(letters(query({ realmIds: [ONE], sort: { column: 'pending', direction: 'desc' } }))).toBe('ACDB');
  });

  it('shows the newest of several edits to one enrollment', () => {
    enqueue({ accountId: 'acme', realmId: ONE, kind: 'update', enrollmentId: A.id, fields: { role: 'teacher' } });
    const newest = enqueue({ accountId: 'acme', realmId: ONE, kind: 'remove', enrollmentId: A.id });
    const page = query({});
    expect(page.total).toBe(5);
    expect(row(page, A.uid)).toMatchObject({ role: 'student', pending: { opId: newest.id, kind: 'remove' } });
  });

  it('ignores edits to realms that were not asked for', () => {
    enqueue({ accountId: 'acme', realmId: TWO, kind: 'enroll', userId: A.uid, fields: { role: 'student', status: 'active' } });
    expect(query({ realmIds: [ONE] }).total).toBe(4);
  });
});

describe('overlay of edits made through the outbox', () => {
  let outbox: Outbox;
  beforeEach(() => {
    outbox = new Outbox(cache);
  });
  const apply = (...edits: Edit[]) => outbox.apply(edits);
  const rowsOf = (page: RosterPage, userId: string) => page.rows.filter((r) => r.userId === userId);

  it('shows exactly one row per person after coalescing', () => {
    const [enroll] = apply({ kind: 'enroll', realmId: ONE, userId: E.uid, fields: { role: 'student', status: 'active' } });
    apply(
      { kind: 'update', realmId: ONE, enrollmentId: enroll!.op!.id, fields: { status: 'invited' } },
      { kind: 'remove', realmId: ONE, enrollmentId: A.id },
      { kind: 'enroll', realmId: ONE, userId: A.uid, fields: { role: 'teacher', status: 'active' } },
    );
    const page = query({ realmIds: [ONE] });
    expect(page.total).toBe(5);
    expect(rowsOf(page, E.uid)).toMatchObject([{ enrollmentId: null, status: 'invited', pending: { kind: 'enroll' } }]);
    expect(rowsOf(page, A.uid)).toMatchObject([{ enrollmentId: A.id, role: 'teacher', pending: { kind: 'update', fields: ['role'] } }]);
  });

  it('shows one row for a person with an op in flight and a newer one queued, carrying the newer op', () => {
    const [first] = apply({ kind: 'update', realmId: ONE, enrollmentId: A.id, fields: { status: 'inactive' } });
    outbox.markInFlight([first!.op!.id]);
    const [second] = apply({ kind: 'update', realmId: ONE, enrollmentId: A.id, fields: { role: 'teacher' } });
    expect(rowsOf(query({}), A.uid)).toMatchObject([
      { role: 'teacher', status: 'inactive', pending: { opId: second!.op!.id, state: 'queued', fields: ['role', 'status'] } },
    ]);
  });

  it('shows one row for an enroll in flight followed by its removal, marked remove', () => {
    const [first] = apply({ kind: 'enroll', realmId: ONE, userId: E.uid, fields: { role: 'ta', status: 'invited' } });
    outbox.markInFlight([first!.op!.id]);
    apply({ kind: 'remove', realmId: ONE, enrollmentId: first!.op!.id });
    const page = query({ realmIds: [ONE] });
    expect(page.total).toBe(5);
    expect(rowsOf(page, E.uid)).toMatchObject([{ enrollmentId: null, role: 'teacher', status: 'invited', server: null, pending: { kind: 'remove' } }]);
  });

  it('keeps showing an edit whose enrollment the last pull no longer found', () => {
    apply({ kind: 'update', realmId: ONE, enrollmentId: A.id, fields: { status: 'inactive' } });
    cache.enrollments.replaceRealmSnapshot(ONE, [B, C, D].map((p) => enrollment(p, 'sections/1')));
    const page = query({ realmIds: [ONE] });
    expect(page.total).toBe(4);
    expect(rowsOf(page, A.uid)).toMatchObject([{ enrollmentId: A.id, displayName: 'Ann Lee', status: 'inactive', server: null, pending: { kind: 'update' } }]);
  });

  it('shows an applied enroll as a plain server row', () => {
    const [enroll] = apply({ kind: 'enroll', realmId: ONE, userId: E.uid, fields: { role: 'student', status: 'active' } });
    outbox.markInFlight([enroll!.op!.id]);
    outbox.settleApplied(enroll!.op!.id, { enrollmentId: '9001' });
    expect(rowsOf(query({ realmIds: [ONE] }), E.uid)).toMatchObject([
      { enrollmentId: '9001', displayName: 'Eve Adams', server: { role: 'student', status: 'active' }, pending: null },
    ]);
  });

  it('counts as many pending edits per realm as the roster marks rows pending', () => {
    const [first] = apply(
      { kind: 'update', realmId: ONE, enrollmentId: A.id, fields: { status: 'inactive' } },
      { kind: 'enroll', realmId: ONE, userId: E.uid, fields: { role: 'student', status: 'active' } },
      { kind: 'update', realmId: ONE, enrollmentId: B.id, fields: { status: 'inactive' } },
    );
    outbox.markInFlight([first!.op!.id]);
    apply({ kind: 'update', realmId: ONE, enrollmentId: A.id, fields: { role: 'teacher' } });
    expect(cache.outbox.listByRealm(ONE)).toHaveLength(4);
    const marked = query({ realmIds: [ONE] }).rows.filter((r) => r.pending !== null).length;
    expect(marked).toBe(3);
    expect(cache.realms.get(ONE)!.pendingCount).toBe(marked);
  });
});
