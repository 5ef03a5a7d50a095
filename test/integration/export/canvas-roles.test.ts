import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RosterApiError } from '../../../shared/api';
import { enrollmentFromCanvas } from '../../../shared/domain/canvas-mapping';
import { CanvasEnrollmentSchema } from '../../../shared/domain/canvas-wire';
import type { CanvasState, CanvasType } from '../../../shared/domain/roles';
import { openCache, type Cache } from '../../../electron/db/cache';
import { realmIdOf } from '../../../electron/db/realms-repo';
import { exportOf, rowsOf, unzipped } from './export-kit';

/**
 * The roles and statuses only Canvas has (TA, designer, observer; rejected, deleted, creation pending), as the
 * interchange formats carry them: a Canvas course cached from records shaped like Canvas's own (the API docs' example
 * enrollment), since the sandbox LMS speaks Schoology, whose roles are only admin and member.
 */
const ACCOUNT = 'canvas-school';
const KEY = 'courses/1201';
const COURSE = realmIdOf(ACCOUNT, KEY);
const EXAMPLE = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'canvas', 'enrollment.json'), 'utf8')) as Record<string, unknown>;

interface Seat {
  id: string;
  userId: string;
  sis: string | null;
  name: string;
  type: CanvasType;
  state: CanvasState;
}

const TEACHER: Seat = { id: '9001', userId: '301', sis: 'T301', name: 'Ada Park', type: 'TeacherEnrollment', state: 'active' };
const TA: Seat = { id: '9002', userId: '302', sis: 'T302', name: 'Ben Cole', type: 'TaEnrollment', state: 'active' };
const DESIGNER: Seat = { id: '9003', userId: '303', sis: 'D303', name: 'Cy Diaz', type: 'DesignerEnrollment', state: 'active' };
const STUDENTS: Seat[] = [
  { id: '9004', userId: '304', sis: '00304', name: 'Dee Evans', type: 'StudentEnrollment', state: 'creation_pending' },
  { id: '9005', userId: '305', sis: 'S305', name: 'Eli Fox', type: 'StudentEnrollment', state: 'rejected' },
  { id: '9006', userId: '306', sis: 'S306', name: 'Fay Gray', type: 'StudentEnrollment', state: 'deleted' },
  { id: '9007', userId: '307', sis: 'S307', name: 'Gus Hale', type: 'StudentEnrollment', state: 'inactive' },
  { id: '9008', userId: '308', sis: 'S308', name: 'Hal Ito', type: 'StudentEnrollment', state: 'completed' },
  { id: '9009', userId: '309', sis: 'S309', name: 'Ivy Jo', type: 'StudentEnrollment', state: 'invited' },
];
const OBSERVER: Seat = { id: '9010', userId: '310', sis: 'P310', name: 'Jan Kim', type: 'ObserverEnrollment', state: 'active' };

let dir: string;
let cache: Cache;

function seat(s: Seat) {
  const [first, last] = s.name.split(' ') as [string, string];
  const record = CanvasEnrollmentSchema.parse({
    ...EXAMPLE,
    id: s.id,
    user_id: s.userId,
    sis_user_id: s.sis,
    type: s.type,
    role: s.type,
    enrollment_state: s.state,
    user: { id: s.userId, name: s.name, sortable_name: `${last}, ${first}`, short_name: first },
  });
  return enrollmentFromCanvas(record, KEY);
}

function seatCourse(seats: Seat[]): void {
  cache.enrollments.replaceRealmSnapshot(COURSE, seats.map(seat));
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'roster-export-canvas-'));
  cache = openCache(join(dir, 'cache.sqlite'));
  cache.accounts.save({ id: ACCOUNT, name: 'Canvas · school.instructure.com', provider: 'canvas', baseUrl: 'https://school.instructure.com/api/v1' });
  cache.realms.saveMany([
    {
      accountId: ACCOUNT,
      key: KEY,
      provider: 'canvas',
      kind: 'course',
      remoteId: '1201',
      title: 'Biology 101',
      courseTitle: 'Biology 101',
      courseCode: 'BIO-101',
      courseSisId: '',
      sectionCode: '',
      sectionSchoolCode: 'BIO-101-A',
      gradingPeriods: [],
      pulledAt: '2026-11-20T08:00:00.000Z',
    },
  ]);
});

afterEach(() => {
  cache.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('OneRoster 1.1 roles', () => {
  it('writes a TA as a teacher who is not primary, a designer as an administrator, and their users likewise', () => {
    seatCourse([TEACHER, TA, DESIGNER, ...STUDENTS]);
    const files = unzipped(exportOf(cache, { realmIds: [COURSE], format: 'oneroster' }));
    const enrollments = new Map(rowsOf(files.get('enrollments.csv')!).map((row) => [row.userSourcedId, row]));
    expect(enrollments.get(TEACHER.userId)).toMatchObject({ role: 'teacher', primary: '' });
    expect(enrollments.get(TA.userId)).toMatchObject({ role: 'teacher', primary: 'false' });
    expect(enrollments.get(DESIGNER.userId)).toMatchObject({ role: 'administrator', primary: '' });
    for (const student of STUDENTS) expect(enrollments.get(student.userId)?.role).toBe('student');

    const users = new Map(rowsOf(files.get('users.csv')!).map((row) => [row.sourcedId, row]));
    expect(users.get(TA.userId)?.role).toBe('teacher');
    expect(users.get(DESIGNER.userId)?.role).toBe('administrator');
    expect(users.get(STUDENTS[0]!.userId)).toMatchObject({ role: 'student', username: '00304', identifier: '00304', givenName: 'Dee', familyName: 'Evans' });
  });

  it("keeps a person active while Canvas has them active, invited or pending creation, and marks the rest to be deleted", () => {
    seatCourse([TEACHER, ...STUDENTS]);
    const rows = rowsOf(unzipped(exportOf(cache, { realmIds: [COURSE], format: 'oneroster' })).get('enrollments.csv')!);
    const status = new Map(rows.map((row) => [row.userSourcedId, row.status]));
    expect(Object.fromEntries(STUDENTS.map((s) => [s.state, status.get(s.userId)]))).toEqual({
      creation_pending: 'active',
      rejected: 'tobedeleted',
      deleted: 'tobedeleted',
      inactive: 'tobedeleted',
      completed: 'tobedeleted',
      invited: 'active',
    });
    expect(new Set(rows.map((row) => row.role))).toEqual(new Set(['teacher', 'student']));
  });

  it('refuses an observer, who has no OneRoster 1.1 enrollment role, naming the row', () => {
    seatCourse([TEACHER, OBSERVER]);
    let error: unknown;
    try {
      exportOf(cache, { realmIds: [COURSE], format: 'oneroster' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RosterApiError);
    expect(error).toMatchObject({
      code: 'cannot_export',
      message: expect.stringMatching(/^enrollments\.csv row \d, line \d \(Jan Kim, courses\/1201\): Jan Kim is an observer, which has no OneRoster 1\.1 enrollment role/),
    });
  });
});

describe('Canvas SIS Import roles and statuses', () => {
  it("writes Canvas's own roles, observers included, and maps each state to the import's four", () => {
    seatCourse([TEACHER, TA, DESIGNER, OBSERVER, ...STUDENTS]);
    const rows = rowsOf(exportOf(cache, { realmIds: [COURSE], format: 'canvas-sis' }).content);
    const bySis = new Map(rows.map((row) => [row.user_id, row]));
    expect(bySis.get('T301')).toEqual({ course_id: 'BIO-101', user_id: 'T301', role: 'teacher', section_id: 'BIO-101-A', status: 'active' });
    expect(bySis.get('T302')?.role).toBe('ta');
    expect(bySis.get('D303')?.role).toBe('designer');
    expect(bySis.get('P310')?.role).toBe('observer');
    expect(Object.fromEntries(STUDENTS.map((s) => [s.state, bySis.get(s.sis!)?.status]))).toEqual({
      creation_pending: 'active',
      rejected: 'deleted',
      deleted: 'deleted',
      inactive: 'inactive',
      completed: 'completed',
      invited: 'active',
    });
    // A school ID with leading zeros stays text.
    expect(bySis.has('00304')).toBe(true);
  });
});
