import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import {
  CANVAS_STATES,
  CANVAS_TYPES,
  ROLES,
  STATUSES,
  UnmappableValueError,
  roleFromCanvas,
  roleFromSchoology,
  roleLabel,
  roleToCanvas,
  roleToSchoology,
  statusFromCanvas,
  statusFromSchoology,
  statusLabel,
  statusToCanvas,
  statusToSchoology,
  type SchoologyStatus,
  type Status,
} from '../../../shared/domain/roles';
import { SchoologyEnrollmentListSchema, SchoologyEnrollmentSchema } from '../../../shared/domain/schoology-wire';
import { CanvasEnrollmentListSchema, CanvasEnrollmentSchema } from '../../../shared/domain/canvas-wire';
import { enrollmentFromSchoology, schoologyWriteFields, sortableName } from '../../../shared/domain/schoology-mapping';
import { canvasWriteFields, enrollmentFromCanvas, splitSortableName } from '../../../shared/domain/canvas-mapping';
import { parseWire } from '../../../shared/domain/tolerant';

const fixture = (path: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../fixtures/${path}.json`, import.meta.url), 'utf8'));

const schoologySeed = () =>
  parseWire(SchoologyEnrollmentListSchema, fixture('schoology/enrollment-list'), 'Schoology enrollment list').enrollment;
const schoologyRecord = (data: object) => parseWire(SchoologyEnrollmentSchema, data, 'Schoology enrollment');
const canvasRecord = (data: unknown) => parseWire(CanvasEnrollmentSchema, data, 'Canvas enrollment');

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('roles table: Schoology admin flag', () => {
  it('reads admin 1 as teacher and 0 as student', () => {
    expect(roleFromSchoology(1)).toBe('teacher');
    expect(roleFromSchoology(0)).toBe('student');
  });

  it('writes teacher, ta and designer as admin 1', () => {
    expect((['teacher', 'ta', 'designer'] as const).map(roleToSchoology)).toEqual([1, 1, 1]);
  });

  it('writes student and observer as admin 0', () => {
    expect(roleToSchoology('student')).toBe(0);
    expect(roleToSchoology('observer')).toBe(0);
  });

  it('loses TA, designer and observer on a Schoology round trip (documented as lossy)', () => {
    expect(ROLES.map((role) => roleFromSchoology(roleToSchoology(role)))).toEqual([
      'teacher',
      'teacher',
      'teacher',
      'student',
      'student',
    ]);
  });
});

describe('roles table: Schoology status', () => {
  it('reads 1..5 as active, completed, invited, requested, inactive', () => {
    expect(([1, 2, 3, 4, 5] as SchoologyStatus[]).map(statusFromSchoology)).toEqual([
      'active',
      'completed',
      'invited',
      'requested',
      'inactive',
    ]);
  });

  it('writes every status it can hold back to the same code', () => {
    for (const code of [1, 2, 3, 4, 5] as SchoologyStatus[]) expect(statusToSchoology(statusFromSchoology(code))).toBe(code);
  });

  it('writes creation_pending as 3 Invite pending', () => {
    expect(statusToSchoology('creation_pending')).toBe(3);
  });

  it.each(['rejected', 'deleted'] as Status[])('refuses to write %s to Schoology with an UnmappableValueError', (status) => {
    const error = thrown(() => statusToSchoology(status));
    expect(error).toBeInstanceOf(UnmappableValueError);
    expect(error).toMatchObject({ provider: 'schoology', field: 'status', value: status });
    expect((error as Error).message).toMatch(new RegExp(`^status "${status}" cannot be written to schoology: `));
  });
});

describe('roles table: Canvas type and state', () => {
  it('reads each of the five enrollment types as its role', () => {
    expect(CANVAS_TYPES.slice(0, 5).map(roleFromCanvas)).toEqual(['teacher', 'ta', 'designer', 'student', 'observer']);
  });

  it("reads Canvas's test student (StudentViewEnrollment) as a student", () => {
    expect(roleFromCanvas('StudentViewEnrollment')).toBe('student');
  });

  it('writes each role back to its base enrollment type, never to the test-student type', () => {
    for (const type of CANVAS_TYPES.slice(0, 5)) expect(roleToCanvas(roleFromCanvas(type))).toBe(type);
    expect(roleToCanvas('student')).toBe('StudentEnrollment');
  });

  it('reads every Canvas state as the status of the same name and writes it back unchanged', () => {
    for (const state of CANVAS_STATES) {
      expect(statusFromCanvas(state)).toBe(state);
      expect(statusToCanvas(statusFromCanvas(state))).toBe(state);
    }
  });

  it('refuses to write requested to Canvas with an UnmappableValueError', () => {
    const error = thrown(() => statusToCanvas('requested'));
    expect(error).toBeInstanceOf(UnmappableValueError);
    expect(error).toMatchObject({ provider: 'canvas', field: 'status', value: 'requested' });
    expect((error as Error).message).toBe('status "requested" cannot be written to canvas: Canvas has no request-pending state');
  });
});

describe('labels', () => {
  it('uses Schoology\'s own words for statuses', () => {
    expect(STATUSES.map((s) => statusLabel('schoology', s))).toEqual([
      'Active',
      'Invite pending',
      'Invite pending',
      'Request pending',
      'Archived',
      'Expired',
      'rejected',
      'deleted',
    ]);
  });

  it('uses Canvas\'s words for statuses', () => {
    expect(STATUSES.map((s) => statusLabel('canvas', s))).toEqual([
      'Active',
      'Invited',
      'Pending creation',
      'Requested',
      'Inactive',
      'Concluded',
      'Rejected',
      'Deleted',
    ]);
  });

  it('shows only Admin or Member for Schoology roles', () => {
    expect(ROLES.map((r) => roleLabel('schoology', r))).toEqual(['Admin', 'Admin', 'Admin', 'Member', 'Member']);
  });

  it('shows the Canvas role names', () => {
    expect(ROLES.map((r) => roleLabel('canvas', r))).toEqual(['Teacher', 'TA', 'Designer', 'Student', 'Observer']);
  });
});

describe('enrollmentFromSchoology', () => {
  it('maps uid 45552 "Mr. Strickland" (admin 1) to an active teacher with no school uid', () => {
    const [record] = schoologySeed();
    const enrollment = enrollmentFromSchoology(record!, 'sections/3719526');
    expect(enrollment).toMatchObject({
      provider: 'schoology',
      id: '43807916',
      realmKey: 'sections/3719526',
      userId: '45552',
      schoolUid: '',
      role: 'teacher',
      status: 'active',
      pictureUrl: 'http://../images/avatar1.png',
      name: {
        title: '',
        first: 'Mr.',
        firstPreferred: '',
        middle: '',
        last: 'Strickland',
        display: 'Mr. Strickland',
        sortable: 'Strickland, Mr.',
      },
    });
  });

  it('maps uid 48289 "James Howlett" (school_uid s1, admin 0) to an active student', () => {
    const [, record] = schoologySeed();
    const enrollment = enrollmentFromSchoology(record!, 'sections/3719526');
    expect(enrollment).toMatchObject({
      id: '44783136',
      userId: '48289',
      schoolUid: 's1',
      role: 'student',
      status: 'active',
      name: { first: 'James', last: 'Howlett', display: 'James Howlett', sortable: 'Howlett, James' },
    });
  });

  it('keeps the parsed wire record, untouched, as the source', () => {
    const [record] = schoologySeed();
    expect(enrollmentFromSchoology(record!, 'sections/1').source).toEqual({ provider: 'schoology', record });
  });

  it('maps each Schoology status code', () => {
    const statuses = ([1, 2, 3, 4, 5] as const).map(
      (status) => enrollmentFromSchoology(schoologyRecord({ id: 1, uid: 2, admin: 0, status }), 'groups/65371').status,
    );
    expect(statuses).toEqual(['active', 'completed', 'invited', 'requested', 'inactive']);
  });

  it('builds the display name when name_display is empty, showing title and middle only when flagged', () => {
    const record = schoologyRecord({
      id: 1,
      uid: 2,
      admin: 1,
      status: 1,
      name_title: 'Dr.',
      name_title_show: '1',
      name_first: 'Bruce',
      name_middle: 'Robert',
      name_middle_show: '0',
      name_last: 'Banner',
      name_display: '',
    });
    expect(enrollmentFromSchoology(record, 'sections/1').name.display).toBe('Dr. Bruce Banner');
  });

  it('prefers the preferred first name when building a display name', () => {
    const record = schoologyRecord({ id: 1, uid: 2, admin: 0, status: 1, name_first: 'James', name_first_preferred: 'Logan', name_last: 'Howlett' });
    expect(enrollmentFromSchoology(record, 'sections/1').name).toMatchObject({
      display: 'Logan Howlett',
      firstPreferred: 'Logan',
      sortable: 'Howlett, James',
    });
  });

  it('fills missing name, school uid and picture fields with empty strings', () => {
    const enrollment = enrollmentFromSchoology(schoologyRecord({ id: 1, uid: 2, admin: 0, status: 1 }), 'sections/1');
    expect(enrollment.name).toEqual({ title: '', first: '', firstPreferred: '', middle: '', last: '', display: '', sortable: '' });
    expect(enrollment.schoolUid).toBe('');
    expect(enrollment.pictureUrl).toBe('');
  });
});

describe('sortableName', () => {
  it('is "Last, First", or whichever part exists', () => {
    expect(sortableName('James', 'Howlett')).toBe('Howlett, James');
    expect(sortableName('', 'Howlett')).toBe('Howlett');
    expect(sortableName('James', '')).toBe('James');
  });
});

describe('schoologyWriteFields', () => {
  it('sends only the fields being changed', () => {
    expect(schoologyWriteFields({})).toEqual({});
    expect(schoologyWriteFields({ role: 'ta' })).toEqual({ admin: 1 });
    expect(schoologyWriteFields({ status: 'completed' })).toEqual({ status: 2 });
  });

  it('maps role and status together', () => {
    expect(schoologyWriteFields({ role: 'student', status: 'inactive' })).toEqual({ admin: 0, status: 5 });
  });

  it('refuses a status Schoology cannot hold', () => {
    expect(thrown(() => schoologyWriteFields({ status: 'deleted' }))).toBeInstanceOf(UnmappableValueError);
  });
});

describe('enrollmentFromCanvas', () => {
  it('maps the documented Enrollment object', () => {
    const record = canvasRecord(fixture('canvas/enrollment'));
    expect(enrollmentFromCanvas(record, 'courses/1')).toEqual({
      provider: 'canvas',
      id: '1',
      realmKey: 'courses/1',
      userId: '1',
      schoolUid: 'SHEL93921',
      name: { title: '', first: 'Student', firstPreferred: '', middle: '', last: '1', display: 'Student 1', sortable: '1, Student' },
      role: 'student',
      status: 'active',
      pictureUrl: '',
      source: { provider: 'canvas', record },
    });
  });

  it('maps a teacher and an invited student from a page', () => {
    const list = parseWire(CanvasEnrollmentListSchema, fixture('canvas/enrollment-list'), 'Canvas enrollment list');
    const [teacher, student] = list.map((record) => enrollmentFromCanvas(record, 'courses/12'));
    expect(teacher).toMatchObject({ userId: '45', role: 'teacher', status: 'active', name: { first: 'Grace', last: 'Hopper' } });
    expect(student).toMatchObject({ userId: '46', role: 'student', status: 'invited', name: { display: 'Ada Lovelace' } });
  });

  it('falls back to the embedded user\'s sis_user_id when the enrollment has none', () => {
    const [, record] = parseWire(CanvasEnrollmentListSchema, fixture('canvas/enrollment-list'), 'Canvas enrollment list');
    expect(record?.sis_user_id).toBeNull();
    expect(enrollmentFromCanvas(record!, 'courses/12').schoolUid).toBe('S0046');
  });

  it('maps a custom role to its base type and leaves the custom name in the source', () => {
    const record = canvasRecord({ id: 1, user_id: 2, type: 'TaEnrollment', role: 'Lab Assistant', enrollment_state: 'inactive' });
    const enrollment = enrollmentFromCanvas(record, 'sections/31');
    expect(enrollment).toMatchObject({ role: 'ta', status: 'inactive' });
    expect(enrollment.source.record.role).toBe('Lab Assistant');
  });

  it('uses the avatar as the picture when Canvas includes it', () => {
    const record = canvasRecord({
      id: 1,
      user_id: 2,
      type: 'ObserverEnrollment',
      enrollment_state: 'active',
      user: { id: 2, name: 'Pat', avatar_url: 'https://x/a.png' },
    });
    expect(enrollmentFromCanvas(record, 'courses/1')).toMatchObject({ role: 'observer', pictureUrl: 'https://x/a.png' });
  });

  it('derives "Last, First" from the name when sortable_name is missing', () => {
    const record = canvasRecord({
      id: 1,
      user_id: 2,
      type: 'StudentEnrollment',
      enrollment_state: 'active',
      user: { id: 2, name: 'Mary Ann Evans' },
    });
    expect(enrollmentFromCanvas(record, 'courses/1').name).toMatchObject({ first: 'Mary Ann', last: 'Evans', sortable: 'Evans, Mary Ann' });
  });

  it('leaves names and school uid empty when no user is embedded', () => {
    const enrollment = enrollmentFromCanvas(
      canvasRecord({ id: 1, user_id: 2, type: 'DesignerEnrollment', enrollment_state: 'completed' }),
      'courses/1',
    );
    expect(enrollment).toMatchObject({ role: 'designer', status: 'completed', schoolUid: '', pictureUrl: '' });
    expect(enrollment.name).toEqual({ title: '', first: '', firstPreferred: '', middle: '', last: '', display: '', sortable: '' });
  });
});

describe('splitSortableName', () => {
  it('splits "Last, First" at the first comma', () => {
    expect(splitSortableName('1, Student')).toEqual({ first: 'Student', last: '1' });
    expect(splitSortableName('Hopper, Grace Brewster')).toEqual({ first: 'Grace Brewster', last: 'Hopper' });
  });

  it('treats a name without a comma as the surname', () => {
    expect(splitSortableName('Cher')).toEqual({ first: '', last: 'Cher' });
  });
});

describe('canvasWriteFields', () => {
  it('sends only the fields being changed', () => {
    expect(canvasWriteFields({})).toEqual({});
    expect(canvasWriteFields({ role: 'observer' })).toEqual({ type: 'ObserverEnrollment' });
    expect(canvasWriteFields({ status: 'inactive' })).toEqual({ enrollment_state: 'inactive' });
  });

  it('maps role and status together', () => {
    expect(canvasWriteFields({ role: 'teacher', status: 'active' })).toEqual({ type: 'TeacherEnrollment', enrollment_state: 'active' });
  });

  it('refuses a status Canvas cannot hold', () => {
    expect(thrown(() => canvasWriteFields({ status: 'requested' }))).toBeInstanceOf(UnmappableValueError);
  });
});
