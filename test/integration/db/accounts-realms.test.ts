import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RealmSchema } from '../../../shared/api';
import { type Realm } from '../../../shared/domain/realm';
import { enrollmentFromSchoology } from '../../../shared/domain/schoology-mapping';
import { type SchoologyEnrollment } from '../../../shared/domain/schoology-wire';
import { openCache, type Cache } from '../../../electron/db/cache';
import { realmIdOf } from '../../../electron/db/realms-repo';

let dir: string;
let cache: Cache;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'roster-accounts-'));
  cache = openCache(join(dir, 'cache.sqlite'));
});
afterEach(() => {
  cache.close();
  rmSync(dir, { recursive: true, force: true });
});

const account = { id: 'acme', name: 'Schoology · acme.example.org', provider: 'schoology', baseUrl: 'https://api.schoology.com/v1' } as const;

function section(remoteId: string, title: string): Realm {
  return {
    key: `sections/${remoteId}`, accountId: account.id, provider: 'schoology', kind: 'section', remoteId, title,
    courseTitle: 'Biology', courseCode: 'B1', courseSisId: '', sectionCode: remoteId, sectionSchoolCode: `S-${remoteId}`,
    gradingPeriods: ['435'], pulledAt: null,
  };
}

function student(id: string, uid: string, realmKey: string) {
  const record: SchoologyEnrollment = { id, uid, name_first: 'Ann', name_last: `Lee${uid}`, name_display: `Ann Lee${uid}`, admin: 0, status: 1 };
  return enrollmentFromSchoology(record, realmKey);
}

describe('accounts', () => {
  it('has no column that could hold a secret', () => {
    const columns = cache.db.prepare(`SELECT name FROM pragma_table_info('accounts')`).pluck().all() as string[];
    expect(columns.sort()).toEqual(['base_url', 'created_at', 'id', 'name', 'provider', 'user_id', 'user_name']);
    for (const column of columns) expect(column).not.toMatch(/token|secret|password|passwd|key|credential|auth|cookie/i);
  });

  it('round-trips an account, its user arriving later', () => {
    cache.accounts.save(account);
    expect(cache.accounts.get('acme')).toMatchObject({ ...account, user: null });
    cache.accounts.setUser('acme', { id: '45552', name: 'Mr. Strickland' });
    expect(cache.accounts.list()).toMatchObject([{ id: 'acme', user: { id: '45552', name: 'Mr. Strickland' } }]);
  });

  it('removing an account removes its realms, rosters and people', () => {
    cache.accounts.save(account);
    const realmId = cache.realms.save(section('1', 'Period 1'));
    cache.enrollments.replaceRealmSnapshot(realmId, [student('10', '100', 'sections/1')]);
    cache.enrollments.rememberPerson('acme', student('11', '101', 'sections/1'));
    expect(cache.db.prepare('SELECT count(*) FROM people').pluck().get()).toBe(1);
    expect(cache.accounts.remove('acme')).toBe(true);
    expect(cache.realms.list()).toEqual([]);
    expect(cache.db.prepare('SELECT count(*) FROM enrollments').pluck().get()).toBe(0);
    expect(cache.db.prepare('SELECT count(*) FROM people').pluck().get()).toBe(0);
  });
});

describe('queued edits', () => {
  beforeEach(() => {
    cache.accounts.save(account);
    cache.realms.saveMany([section('1', 'Period 1')]);
  });
  const one = realmIdOf('acme', 'sections/1');

  it('survive the removal of their realm row', () => {
    cache.enrollments.replaceRealmSnapshot(one, [student('10', '100', 'sections/1')]);
    const op = cache.outbox.enqueue({ accountId: 'acme', realmId: one, kind: 'remove', enrollmentId: '10' });
    expect(cache.realms.remove(one)).toBe(true);
    expect(cache.outbox.listByAccount('acme')).toMatchObject([{ id: op.id, realmId: one, userId: '100' }]);
  });

  it('go with their account, conflicts included', () => {
    const op = cache.outbox.enqueue({ accountId: 'acme', realmId: one, kind: 'enroll', userId: '102', fields: { role: 'student', status: 'active' } });
    cache.conflicts.record(op.id, 'role', 'student', 'teacher');
    cache.accounts.remove('acme');
    expect(cache.db.prepare('SELECT count(*) FROM outbox').pluck().get()).toBe(0);
    expect(cache.db.prepare('SELECT count(*) FROM conflicts').pluck().get()).toBe(0);
  });
});

describe('realm listing', () => {
  beforeEach(() => {
    cache.accounts.save(account);
    cache.realms.saveMany([section('1', 'Period 1'), section('2', 'Period 2')]);
  });

  it('lists realms in the RealmSchema shape', () => {
    const realms = cache.realms.list('acme');
    expect(realms.map((r) => r.id)).toEqual([realmIdOf('acme', 'sections/1'), realmIdOf('acme', 'sections/2')]);
    for (const realm of realms) expect(RealmSchema.parse(realm)).toEqual(realm);
    expect(realms[0]).toMatchObject({ sectionSchoolCode: 'S-1', gradingPeriods: ['435'], pulledAt: null });
  });

  it('counts each realm’s cached enrollments and pending edits', () => {
    const one = realmIdOf('acme', 'sections/1');
    cache.enrollments.replaceRealmSnapshot(one, [student('10', '100', 'sections/1'), student('11', '101', 'sections/1')]);
    cache.outbox.enqueue({ accountId: 'acme', realmId: one, kind: 'remove', enrollmentId: '10' });
    cache.outbox.enqueue({ accountId: 'acme', realmId: one, kind: 'enroll', userId: '102', fields: { role: 'student', status: 'active' } });
    // A second op of the same person (e.g. one in flight, a newer one queued) is still one pending row.
    cache.outbox.enqueue({ accountId: 'acme', realmId: one, kind: 'enroll', userId: '102', fields: { role: 'teacher', status: 'active' } });
    const [first, second] = cache.realms.list('acme');
    expect(first).toMatchObject({ enrollmentCount: 2, pendingCount: 2 });
    expect(first!.pulledAt).not.toBeNull();
    expect(second).toMatchObject({ enrollmentCount: 0, pendingCount: 0, pulledAt: null });
  });

  it('re-saving a realm from the LMS list keeps its roster and pull time', () => {
    const one = realmIdOf('acme', 'sections/1');
    cache.enrollments.replaceRealmSnapshot(one, [student('10', '100', 'sections/1')]);
    const pulledAt = cache.realms.get(one)!.pulledAt;
    cache.realms.save({ ...section('1', 'Period 1 (renamed)') });
    expect(cache.realms.get(one)).toMatchObject({ title: 'Period 1 (renamed)', enrollmentCount: 1, pulledAt });
  });

  it('refuses a realm of an unknown account with a message naming it', () => {
    expect(() => cache.realms.save({ ...section('9', 'X'), accountId: 'nobody' })).toThrow(/account "nobody" is not in the offline cache/);
  });
});
