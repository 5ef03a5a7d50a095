import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { CanvasEnrollmentListSchema, CanvasEnrollmentSchema } from '../../../shared/domain/canvas-wire';
import { parseWire } from '../../../shared/domain/tolerant';
import { messageOf, missingKeys } from '../../support/wire-assertions';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../fixtures/canvas/${name}.json`, import.meta.url), 'utf8'));

const parseOne = (data: unknown) => parseWire(CanvasEnrollmentSchema, data, 'Canvas enrollment');
const parseList = (data: unknown) => parseWire(CanvasEnrollmentListSchema, data, 'Canvas enrollment list');

const minimal = { id: 10, user_id: 20, type: 'StudentEnrollment', enrollment_state: 'active' };

describe('Canvas enrollment', () => {
  it('parses the documented Enrollment object', () => {
    const record = parseOne(fixture('enrollment'));
    expect(record).toMatchObject({
      type: 'StudentEnrollment',
      enrollment_state: 'active',
      role: 'StudentEnrollment',
      sis_user_id: 'SHEL93921',
      limit_privileges_to_course_section: true,
      total_activity_time: 260,
      has_grading_periods: true,
      current_grading_period_title: 'Fall Grading Period',
      current_period_unposted_final_grade: 'B',
      override_score: 99.99,
    });
  });

  it('keeps every key of the documented Enrollment object', () => {
    const input = fixture('enrollment');
    expect(missingKeys(input, parseOne(input))).toEqual([]);
  });

  it('outputs every id as text, including nested ones', () => {
    const record = parseOne(fixture('enrollment'));
    expect(record).toMatchObject({
      id: '1',
      course_id: '1',
      course_section_id: '1',
      sis_import_id: '83',
      root_account_id: '1',
      user_id: '1',
      role_id: '1',
      current_grading_period_id: '5',
    });
    expect(record.user?.id).toBe('3');
  });

  it('accepts ids as numbers or numeric strings alike', () => {
    expect(parseOne({ ...minimal, id: '10', user_id: '20' })).toEqual(parseOne(minimal));
  });

  it('keeps null where Canvas sends null', () => {
    const record = parseOne(fixture('enrollment'));
    expect(record.associated_user_id).toBeNull();
    expect(record.grades?.current_grade).toBeNull();
  });

  it('reads the "" Canvas sends for an absent unposted score as null, and keeps "" grades as text', () => {
    const record = parseOne(fixture('enrollment'));
    expect(record.unposted_current_score).toBeNull();
    expect(record.unposted_final_score).toBeNull();
    expect(record.unposted_current_grade).toBe('');
  });

  it('needs only id, user_id, type and enrollment_state', () => {
    expect(parseOne(minimal)).toEqual({ id: '10', user_id: '20', type: 'StudentEnrollment', enrollment_state: 'active' });
  });

  it('keeps a custom role name next to its base type', () => {
    const record = parseOne({ ...minimal, type: 'TaEnrollment', role: 'Lab Assistant', role_id: 19 });
    expect(record).toMatchObject({ type: 'TaEnrollment', role: 'Lab Assistant', role_id: '19' });
  });

  it('keeps unknown extra fields at the top level and inside user and grades', () => {
    const record = parseOne({
      ...minimal,
      _requester: 'x',
      uuid: 'abc',
      user: { id: 3, name: 'Student 1', pronouns: 'they/them' },
      grades: { current_points: 12 },
    });
    expect(record._requester).toBe('x');
    expect(record.uuid).toBe('abc');
    expect(record.user?.pronouns).toBe('they/them');
    expect(record.grades?.current_points).toBe(12);
  });

  it('rejects an unknown enrollment type, naming the field and the allowed values', () => {
    expect(messageOf(() => parseOne({ ...minimal, type: 'PrincipalEnrollment' }))).toBe(
      'Canvas enrollment: type: expected one of TeacherEnrollment, TaEnrollment, DesignerEnrollment, StudentEnrollment, ObserverEnrollment, StudentViewEnrollment, got "PrincipalEnrollment"',
    );
  });

  it('rejects an unknown enrollment_state, naming the field', () => {
    expect(messageOf(() => parseOne({ ...minimal, enrollment_state: 'frozen' }))).toMatch(
      /^Canvas enrollment: enrollment_state: expected one of active, .*, got "frozen"$/,
    );
  });

  it('names the nested field when the embedded user is malformed', () => {
    expect(messageOf(() => parseOne({ ...minimal, user: { id: 3 } }))).toBe(
      'Canvas enrollment: user.name: expected string, got nothing',
    );
  });

  it('rejects a score that is not a number, naming the nested field', () => {
    expect(messageOf(() => parseOne({ ...minimal, grades: { current_score: 'A' } }))).toBe(
      'Canvas enrollment: grades.current_score: expected a number, "" or null, got "A"',
    );
  });
});

describe('Canvas enrollment list', () => {
  it('parses a page (a bare JSON array)', () => {
    const list = parseList(fixture('enrollment-list'));
    expect(list.map((e) => [e.id, e.type, e.enrollment_state])).toEqual([
      ['7', 'TeacherEnrollment', 'active'],
      ['8', 'StudentEnrollment', 'invited'],
    ]);
  });

  it('keeps every key of every item', () => {
    const input = fixture('enrollment-list');
    expect(missingKeys(input, parseList(input))).toEqual([]);
  });

  it('turns a single enrollment object into a one-item list', () => {
    const list = parseList(fixture('enrollment'));
    expect(list).toHaveLength(1);
    expect(list[0]?.id).toBe('1');
  });

  it('reads an empty page as an empty list', () => {
    expect(parseList([])).toEqual([]);
  });

  it('names the item index when one item is malformed', () => {
    const input = fixture('enrollment-list') as Array<Record<string, unknown>>;
    input[1]!.user_id = 'me';
    expect(messageOf(() => parseList(input))).toBe(
      'Canvas enrollment list: [1].user_id: expected an id (number or numeric string), got "me"',
    );
  });
});
