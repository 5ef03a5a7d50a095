import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCache, type Cache } from '../../../electron/db/cache';
import { Outbox } from '../../../electron/sync/outbox';
import { enrollmentFromSchoology } from '../../../shared/domain/schoology-mapping';
import { type SchoologyEnrollment } from '../../../shared/domain/schoology-wire';

export const ACCOUNT = 'acme';
export const ONE = 'acme/sections/1';
export const ART = 'acme/sections/2';

/** Period 1: Ann (student, active), Bob (teacher, active), Cara (student, archived). Art: Eve (student, active). */
export const ANN = { id: '10', uid: '100' } as const;
export const BOB = { id: '11', uid: '101' } as const;
export const CARA = { id: '12', uid: '102' } as const;
export const EVE = { id: '20', uid: '200' } as const;

const record = (id: string, uid: string, first: string, last: string, admin: 0 | 1, status: 1 | 5): SchoologyEnrollment => ({
  id, uid, school_uid: `s${uid}`, name_first: first, name_last: last, name_display: `${first} ${last}`, admin, status,
});

export interface Fixture {
  dir: string;
  file: string;
  cache: Cache;
  outbox: Outbox;
  close(): void;
}

/** A small Schoology school in a real cache file in a temp dir, with an Outbox over it. */
export function openFixture(): Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'roster-outbox-'));
  const file = join(dir, 'cache.sqlite');
  const cache = openCache(file);
  cache.accounts.save({ id: ACCOUNT, name: 'Acme', provider: 'schoology', baseUrl: 'https://api.schoology.com/v1' });
  const realm = (remoteId: string, title: string) => ({
    key: `sections/${remoteId}`, accountId: ACCOUNT, provider: 'schoology' as const, kind: 'section' as const, remoteId, title,
    courseTitle: '', courseCode: '', courseSisId: '', sectionCode: '', sectionSchoolCode: '', gradingPeriods: [], pulledAt: null,
  });
  cache.realms.saveMany([realm('1', 'Period 1'), realm('2', 'Art')]);
  cache.enrollments.replaceRealmSnapshot(
    ONE,
    [
      record(ANN.id, ANN.uid, 'Ann', 'Lee', 0, 1),
      record(BOB.id, BOB.uid, 'Bob', 'Zhang', 1, 1),
      record(CARA.id, CARA.uid, 'Cara', 'Diaz', 0, 5),
    ].map((r) => enrollmentFromSchoology(r, 'sections/1')),
  );
  cache.enrollments.replaceRealmSnapshot(ART, [enrollmentFromSchoology(record(EVE.id, EVE.uid, 'Eve', 'Adams', 0, 1), 'sections/2')]);
  return {
    dir,
    file,
    cache,
    outbox: new Outbox(cache),
    close: () => {
      cache.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
