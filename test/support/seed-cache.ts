import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Cache } from '../../electron/db/cache';
import { SchoologyEnrollmentListSchema, type SchoologyEnrollment } from '../../shared/domain/schoology-wire';
import { enrollmentFromSchoology } from '../../shared/domain/schoology-mapping';

export const ACCOUNT_ID = 'sandbox';
export const SECTION_KEY = 'sections/3719526';
export const SECTION_ID = `${ACCOUNT_ID}/${SECTION_KEY}`;

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'schoology');

/**
 * A small Schoology school in the cache: the people of the seed's enrollment list (Mr. Strickland, admin;
 * James Howlett, s1) plus `extraStudents` generated students in one section, and one more section.
 */
export function seedSchool(cache: Cache, extraStudents = 0): void {
  cache.accounts.save({ id: ACCOUNT_ID, name: 'Schoology · 127.0.0.1', provider: 'schoology', baseUrl: 'http://127.0.0.1/v1', user: { id: '45552', name: 'Mr. Strickland' } });
  const section = { accountId: ACCOUNT_ID, provider: 'schoology' as const, kind: 'section' as const, courseTitle: 'Algebra I', courseCode: 'ALG1', courseSisId: '', gradingPeriods: ['435'], pulledAt: '2026-11-20T08:00:00.000Z' };
  cache.realms.saveMany([
    { ...section, key: SECTION_KEY, remoteId: '3719526', title: 'Algebra I · P3', sectionCode: 'P3', sectionSchoolCode: 'ALG1-P3' },
    { ...section, key: 'sections/4318461', remoteId: '4318461', title: 'Algebra I · P5', sectionCode: 'P5', sectionSchoolCode: 'ALG1-P5' },
  ]);

  const seedList = SchoologyEnrollmentListSchema.parse(JSON.parse(readFileSync(join(FIXTURES, 'enrollment-list.json'), 'utf8')));
  const records: SchoologyEnrollment[] = [...seedList.enrollment];
  for (let i = 0; i < extraStudents; i++) {
    const n = String(i + 1).padStart(3, '0');
    records.push({ ...seedList.enrollment[1]!, id: `5000${n}`, uid: `6000${n}`, school_uid: `s9${n}`, name_first: 'Student', name_last: `Number ${n}`, name_display: `Student Number ${n}`, admin: 0, status: 1 });
  }
  cache.enrollments.replaceRealmSnapshot(SECTION_ID, records.map((record) => enrollmentFromSchoology(record, SECTION_KEY)));
}
