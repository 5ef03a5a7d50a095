import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Enrollment } from '../../../shared/domain/enrollment';
import { enrollmentFromSchoology } from '../../../shared/domain/schoology-mapping';
import { type SchoologyEnrollment } from '../../../shared/domain/schoology-wire';
import { openCache, type Cache } from '../../../electron/db/cache';
import { nameKeysOf, nameSortKey } from '../../../electron/db/enrollments-repo';

let dir: string;
let cache: Cache;
const ONE = 'acme/sections/1';
const TWO = 'acme/sections/2';

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'roster-ingest-'));
  cache = openCache(join(dir, 'cache.sqlite'));
  cache.accounts.save({ id: 'acme', name: 'Acme', provider: 'schoology', baseUrl: 'https://api.schoology.com/v1' });
  for (const remoteId of ['1', '2']) {
    cache.realms.save({
      key: `sections/${remoteId}`, accountId: 'acme', provider: 'schoology', kind: 'section', remoteId, title: `Period ${remoteId}`,
      courseTitle: 'Biology', courseCode: 'B1', courseSisId: '', sectionCode: remoteId, sectionSchoolCode: '', gradingPeriods: [], pulledAt: null,
    });
  }
});
afterEach(() => {
  cache.close();
  rmSync(dir, { recursive: true, force: true });
});

function record(id: string, uid: string, last: string, extra: Record<string, unknown> = {}): SchoologyEnrollment {
  return { id, uid, school_uid: `s${uid}`, name_first: 'Ann', name_last: last, name_display: `Ann ${last}`, admin: 0, status: 1, ...extra };
}
const enrollment = (realmKey: string, id: string, uid: string, last = `Lee${uid}`, extra: Record<string, unknown> = {}): Enrollment =>
  enrollmentFromSchoology(record(id, uid, last, extra), realmKey);
const ids = (realmId: string): string[] => cache.enrollments.listByRealm(realmId).map((e) => e.enrollmentId).sort();

describe('replacing a realm snapshot', () => {
  it('drops enrollments that vanished from the server and adds new ones', () => {
    cache.enrollments.replaceRealmSnapshot(ONE, [enrollment('sections/1', '10', '100'), enrollment('sections/1', '11', '101')]);
    cache.enrollments.replaceRealmSnapshot(ONE, [enrollment('sections/1', '11', '101'), enrollment('sections/1', '12', '102')]);
    expect(ids(ONE)).toEqual(['11', '12']);
  });

  it('leaves other realms alone', () => {
    cache.enrollments.replaceRealmSnapshot(TWO, [enrollment('sections/2', '20', '100')]);
    cache.enrollments.replaceRealmSnapshot(ONE, [enrollment('sections/1', '10', '100')]);
    cache.enrollments.replaceRealmSnapshot(ONE, []);
    expect(ids(TWO)).toEqual(['20']);
    expect(ids(ONE)).toEqual([]);
  });

  it('keeps the raw provider record, undocumented fields included', () => {
    const raw = record('10', '100', 'Lee', { enrollment_source: 'sis', grading_period_ids: ['435'], links: { self: 'http://x/10', user: 'http://x/u' } });
    cache.enrollments.replaceRealmSnapshot(ONE, [enrollmentFromSchoology(raw, 'sections/1')]);
    expect(cache.enrollments.get(ONE, '10')!.source).toEqual(raw);
    const stored = cache.db.prepare(`SELECT source FROM enrollments WHERE enrollment_id = '10'`).pluck().get() as string;
    expect(JSON.parse(stored)).toEqual(raw);
  });

  it('keeps the normalised columns beside the raw record', () => {
    cache.enrollments.replaceRealmSnapshot(ONE, [enrollment('sections/1', '10', '100', 'Müller')]);
    expect(cache.enrollments.get(ONE, '10')).toMatchObject({
      userId: '100', schoolUid: 's100', displayName: 'Ann Müller', sortableName: 'Müller, Ann', role: 'student', status: 'active',
    });
    expect(cache.db.prepare(`SELECT sort_key FROM enrollments`).pluck().get()).toBe('muller, ann');
  });

  it('keeps the search key of every searched name and the school uid, folded, without repeats', () => {
    cache.enrollments.replaceRealmSnapshot(ONE, [enrollment('sections/1', '10', '100', 'Müller', { name_first_preferred: 'Annie' })]);
    // First name and surname are inside the display name already; "Müller, Ann" is searched through the sort key.
    expect(cache.db.prepare(`SELECT search_key FROM enrollments`).pluck().get()).toBe('ann muller\nannie\ns100');
  });

  it('keeps a sortable name in the search key when it is not "Last, First"', () => {
    const keys = nameKeysOf({ display: 'Logan', sortable: 'Howlett, James', first: 'Logan', firstPreferred: '', last: 'Howlett', schoolUid: 'X' });
    expect(keys).toEqual({ sortKey: 'howlett, james', searchKey: 'howlett, james\nlogan\nhowlett\nx' });
  });

  it('folds the sort key with the search key exactly as nameSortKey folds the sortable name alone', () => {
    const names = [
      ['Lee, Ann', 'Ann Lee'], ['Müller, Ann', 'Ann Müller'], ['ΟΔΥΣΣΕΥΣ', 'Οδυσσέας Ελύτης'], ['İnce, Ali', 'Ali İnce'],
      ['', 'Nameless'], ['Lee, Ann', 'LEE, ANN'], ['Ångström, Åsa', 'Åsa Ångström'],
    ];
    for (const [sortable, display] of names) {
      const keys = nameKeysOf({ display: display!, sortable: sortable!, first: 'Ann', firstPreferred: '', last: 'Lee', schoolUid: 'S1' });
      expect(keys.sortKey).toBe(nameSortKey(sortable!));
    }
  });

  it('is all-or-nothing: an ingest that throws midway leaves the previous snapshot', () => {
    cache.enrollments.replaceRealmSnapshot(ONE, [enrollment('sections/1', '10', '100'), enrollment('sections/1', '11', '101')]);
    const bad = [enrollment('sections/1', '12', '102'), enrollment('sections/2', '13', '103'), enrollment('sections/1', '14', '104')];
    expect(() => cache.enrollments.replaceRealmSnapshot(ONE, bad)).toThrow(/Enrollment 13 belongs to realm "sections\/2"/);
    expect(ids(ONE)).toEqual(['10', '11']);
    expect(cache.enrollments.getPerson('acme', '102')).toBeNull();
  });

  it('is all-or-nothing across realms committed together', () => {
    const broken = { ...enrollment('sections/2', '21', '201'), role: 'principal' } as unknown as Enrollment;
    expect(() =>
      cache.enrollments.replaceRealmSnapshots([
        { realmId: ONE, enrollments: [enrollment('sections/1', '10', '100')] },
        { realmId: TWO, enrollments: [enrollment('sections/2', '20', '200'), broken] },
      ]),
    ).toThrow();
    expect(ids(ONE)).toEqual([]);
    expect(ids(TWO)).toEqual([]);
  });

  it('refuses a realm the cache does not know, naming it', () => {
    expect(() => cache.enrollments.replaceRealmSnapshot('acme/sections/404', [])).toThrow(/Realm "acme\/sections\/404" is not in the offline cache/);
  });

  it('keeps the last copy when a paged pull returns the same enrollment twice', () => {
    cache.enrollments.replaceRealmSnapshot(ONE, [enrollment('sections/1', '10', '100', 'Old'), enrollment('sections/1', '10', '100', 'New')]);
    expect(cache.enrollments.listByRealm(ONE).map((e) => e.displayName)).toEqual(['Ann New']);
  });

  it('stamps the realm with the pull time and its enrollment count', () => {
    const result = cache.enrollments.replaceRealmSnapshot(ONE, [enrollment('sections/1', '10', '100')]);
    expect(result).toEqual({ realmId: ONE, count: 1 });
    expect(cache.realms.get(ONE)).toMatchObject({ enrollmentCount: 1, pulledAt: expect.any(String) });
  });
});

describe('people', () => {
  const peopleRows = (): number => cache.db.prepare('SELECT count(*) FROM people').pluck().get() as number;

  it('are not written by a snapshot ingest: the enrollment rows carry the names', () => {
    cache.enrollments.replaceRealmSnapshot(ONE, [enrollment('sections/1', '10', '100', 'Lee')]);
    cache.enrollments.replaceRealmSnapshots([{ realmId: TWO, enrollments: [enrollment('sections/2', '20', '200')] }]);
    expect(peopleRows()).toBe(0);
  });

  it('are found in a cached roster when the people directory does not hold them', () => {
    cache.enrollments.replaceRealmSnapshot(ONE, [enrollment('sections/1', '10', '100', 'Müller')]);
    expect(cache.enrollments.getPerson('acme', '100')).toEqual({
      accountId: 'acme', userId: '100', schoolUid: 's100', title: '', first: 'Ann', firstPreferred: '', middle: '',
      last: 'Müller', displayName: 'Ann Müller', sortableName: 'Müller, Ann', pictureUrl: expect.any(String),
    });
    expect(cache.enrollments.getPerson('acme', '404')).toBeNull();
    expect(cache.enrollments.getPerson('other', '100')).toBeNull();
  });

  it('are upserted by rememberPerson, which getPerson prefers over a roster copy', () => {
    cache.enrollments.replaceRealmSnapshot(ONE, [enrollment('sections/1', '10', '100', 'Lee')]);
    const looked = enrollment('sections/1', '10', '100', 'Park', { name_title: 'Dr.', name_middle: 'Jo' });
    cache.enrollments.rememberPerson('acme', looked);
    expect(cache.enrollments.getPerson('acme', '100')).toMatchObject({ last: 'Park', displayName: 'Ann Park', title: 'Dr.', middle: 'Jo' });
    cache.enrollments.rememberPerson('acme', { ...looked, name: { ...looked.name, last: 'Kim', display: 'Ann Kim' } });
    expect(cache.enrollments.getPerson('acme', '100')).toMatchObject({ last: 'Kim', displayName: 'Ann Kim' });
    expect(peopleRows()).toBe(1);
    expect(cache.db.prepare(`SELECT sort_key FROM people`).pluck().get()).toBe(nameSortKey(looked.name.sortable));
  });

  it('remembered for a user no roster holds are found too, and go with their account', () => {
    cache.enrollments.rememberPerson('acme', enrollment('sections/1', '10', '300', 'Nox'));
    expect(cache.enrollments.getPerson('acme', '300')).toMatchObject({ schoolUid: 's300', displayName: 'Ann Nox' });
    cache.accounts.remove('acme');
    expect(cache.enrollments.getPerson('acme', '300')).toBeNull();
    expect(peopleRows()).toBe(0);
  });
});

describe('a paged snapshot writer', () => {
  it('shows nothing of a pull until commit, then the whole of it', () => {
    cache.enrollments.replaceRealmSnapshot(ONE, [enrollment('sections/1', '10', '100')]);
    const writer = cache.enrollments.beginRealmSnapshot(ONE);
    writer.addPage([enrollment('sections/1', '11', '101')]);
    writer.addPage([enrollment('sections/1', '12', '102')]);
    expect(ids(ONE)).toEqual(['10']);
    expect(writer.commit()).toEqual({ realmId: ONE, count: 2 });
    expect(ids(ONE)).toEqual(['11', '12']);
  });

  it('leaves the cache as it was when aborted', () => {
    cache.enrollments.replaceRealmSnapshot(ONE, [enrollment('sections/1', '10', '100')]);
    const writer = cache.enrollments.beginRealmSnapshot(ONE);
    writer.addPage([enrollment('sections/1', '11', '101')]);
    writer.abort();
    expect(ids(ONE)).toEqual(['10']);
    expect(() => writer.commit()).toThrow(/already committed or aborted/);
  });

  it('keeps the previous snapshot when a late page is bad', () => {
    cache.enrollments.replaceRealmSnapshot(ONE, [enrollment('sections/1', '10', '100')]);
    const writer = cache.enrollments.beginRealmSnapshot(ONE);
    writer.addPage([enrollment('sections/1', '11', '101')]);
    writer.addPage([{ ...enrollment('sections/1', '12', '102'), status: 'gone' } as unknown as Enrollment]);
    expect(() => writer.commit()).toThrow();
    expect(ids(ONE)).toEqual(['10']);
  });
});
