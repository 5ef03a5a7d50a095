import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import {
  SchoologyBulkResultSchema,
  SchoologyEnrollmentListSchema,
  SchoologyEnrollmentSchema,
  SchoologyGroupListSchema,
  SchoologySectionListSchema,
  SchoologySectionSchema,
  SchoologyUserSchema,
} from '../../../shared/domain/schoology-wire';
import { parseWire } from '../../../shared/domain/tolerant';
import { messageOf, missingKeys } from '../../support/wire-assertions';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../fixtures/schoology/${name}.json`, import.meta.url), 'utf8'));

const parseList = (data: unknown) => parseWire(SchoologyEnrollmentListSchema, data, 'Schoology enrollment list');
const parseOne = (data: unknown) => parseWire(SchoologyEnrollmentSchema, data, 'Schoology enrollment');
const parseBulk = (data: unknown) => parseWire(SchoologyBulkResultSchema, data, 'Schoology bulk result');

describe('Schoology enrollment list', () => {
  it('parses the documented example', () => {
    const list = parseList(fixture('enrollment-list'));
    expect(list.total).toBe(2);
    expect(list.enrollment.map((e) => e.uid)).toEqual(['45552', '48289']);
    expect(list.links.self).toBe('http://...enrollment_status=1&start=0&limit=20');
  });

  it('outputs admin and status as numbers even though the example mixes 1 and "1"', () => {
    const [strickland, howlett] = parseList(fixture('enrollment-list')).enrollment;
    expect(strickland).toMatchObject({ admin: 1, status: 1, name_title_show: 0 });
    expect(howlett).toMatchObject({ admin: 0, status: 1 });
  });

  it('reads a list sent with every number as a string the same as one sent with every number as a number', () => {
    const fromStrings = parseList(fixture('enrollment-list-all-strings'));
    const fromNumbers = parseList(fixture('enrollment-list-all-numbers'));
    expect(fromStrings).toEqual(fromNumbers);
    expect(fromNumbers.enrollment[1]).toMatchObject({ id: '44783136', uid: '48289', admin: 0, status: 2 });
    expect(fromNumbers.total).toBe(2);
  });

  it('keeps links.next so paging can follow it', () => {
    expect(parseList(fixture('enrollment-list-all-strings')).links.next).toBe('http://.../enrollments?start=2&limit=2');
  });

  it('turns a one-item collection sent as a bare object into a one-item array', () => {
    const list = parseList(fixture('enrollment-list-one-item'));
    expect(Array.isArray(list.enrollment)).toBe(true);
    expect(list.enrollment).toHaveLength(1);
    expect(list.enrollment[0]?.name_display).toBe('James Howlett');
  });

  it('reads a list with no enrollment key (an empty XML list) as empty', () => {
    const list = parseList({ total: '0', links: { self: 'http://.../enrollments' } });
    expect(list.enrollment).toEqual([]);
    expect(list.total).toBe(0);
  });

  it('keeps every key of the documented example', () => {
    const input = fixture('enrollment-list');
    expect(missingKeys(input, parseList(input))).toEqual([]);
  });

  it('names the field path when a status is out of range', () => {
    const input = fixture('enrollment-list') as { enrollment: Array<Record<string, unknown>> };
    input.enrollment[1]!.status = '9';
    expect(messageOf(() => parseList(input))).toBe(
      'Schoology enrollment list: enrollment[1].status: expected 1..5, got "9"',
    );
  });

  it('names the field path when a required uid is missing', () => {
    const input = fixture('enrollment-list') as { enrollment: Array<Record<string, unknown>> };
    delete input.enrollment[0]!.uid;
    expect(messageOf(() => parseList(input))).toBe(
      'Schoology enrollment list: enrollment[0].uid: expected an id (number or numeric string), got nothing',
    );
  });

  it('names the field when total is not a number', () => {
    const input = { ...(fixture('enrollment-list') as object), total: 'lots' };
    expect(messageOf(() => parseList(input))).toBe('Schoology enrollment list: total: expected a whole number, got "lots"');
  });
});

describe('Schoology enrollment record', () => {
  it.each(['enrollment', 'enrollment-created', 'enrollment-accesscode'])('parses the documented %s example', (name) => {
    const record = parseOne(fixture(name));
    expect(record.id).toMatch(/^\d+$/);
    expect([0, 1]).toContain(record.admin);
    expect(record.status).toBe(1);
  });

  it.each(['enrollment', 'enrollment-created', 'enrollment-accesscode'])('keeps every key of the %s example', (name) => {
    const input = fixture(name);
    expect(missingKeys(input, parseOne(input))).toEqual([]);
  });

  it('needs only id, uid, admin and status', () => {
    const record = parseOne({ id: '1', uid: '2', admin: '0', status: '1' });
    expect(record).toEqual({ id: '1', uid: '2', admin: 0, status: 1 });
    expect(record.name_first).toBeUndefined();
  });

  it('keeps unknown extra fields, at the top level and inside links', () => {
    const record = parseOne(fixture('enrollment-extra-fields'));
    expect(record.use_first_name_preferred).toBe('1');
    expect(record.enrollment_source).toBe('sis');
    expect(record.grading_period_ids).toEqual(['435', '13011']);
    expect(record.links?.user).toBe('http://.../users/48289');
  });

  it('accepts the empty strings XML gives for empty elements', () => {
    const record = parseOne({ id: '1', uid: '2', admin: '1', status: '1', school_uid: '', name_title: '', links: '' });
    expect(record.school_uid).toBe('');
    expect(record.links).toBeUndefined();
  });

  it('reads a school_uid an XML parser turned into a number as text', () => {
    expect(parseOne({ id: 1, uid: 2, admin: 0, status: 1, school_uid: 1234 }).school_uid).toBe('1234');
  });

  it('rejects an admin value other than 0 or 1, naming the field', () => {
    expect(messageOf(() => parseOne({ id: '1', uid: '2', admin: '2', status: '1' }))).toBe(
      'Schoology enrollment: admin: expected 0 or 1, got "2"',
    );
  });

  it('rejects a non-numeric id, naming the field', () => {
    expect(messageOf(() => parseOne({ id: 'abc', uid: '2', admin: 0, status: 1 }))).toBe(
      'Schoology enrollment: id: expected an id (number or numeric string), got "abc"',
    );
  });

  it('rejects a name field that is an object, naming the field', () => {
    expect(messageOf(() => parseOne({ id: '1', uid: '2', admin: 0, status: 1, name_last: { x: 1 } }))).toBe(
      'Schoology enrollment: name_last: expected text, got an object',
    );
  });
});

describe('Schoology bulk results', () => {
  const seeds = [
    'bulk-create-result',
    'bulk-multi-realm-result',
    'import-course-grading-period-result',
    'import-course-result',
    'bulk-update-result',
  ];

  it.each(seeds)('parses the documented %s example and keeps every key', (name) => {
    const input = fixture(name);
    const result = parseBulk(input);
    expect(result.enrollments.enrollment).toHaveLength(2);
    expect(result.enrollments.enrollment.every((row) => row.response_code === 200)).toBe(true);
    expect(missingKeys(input, result)).toEqual([]);
  });

  it('reads a numeric uid in a result row as text', () => {
    const rows = parseBulk(fixture('bulk-create-result')).enrollments.enrollment;
    expect(rows.map((row) => row.uid)).toEqual(['248101', '48489']);
    expect(rows[0]?.id).toBe('54302505');
  });

  it('carries realm and realm_id from the multi-realm endpoint', () => {
    const [row] = parseBulk(fixture('bulk-multi-realm-result')).enrollments.enrollment;
    expect(row).toMatchObject({ realm: 'section', realm_id: '3719526' });
  });

  it('carries the codes from the import endpoints, including an empty section_code', () => {
    const [row] = parseBulk(fixture('import-course-result')).enrollments.enrollment;
    expect(row).toMatchObject({ school_uid: 's2', section_school_code: 'SC111', course_code: 'CC106', section_code: '' });
  });

  it('keeps a failed row with its error text beside the rows that succeeded', () => {
    const rows = parseBulk({
      enrollments: {
        enrollment: [
          { response_code: 200, id: '1', uid: 5 },
          { response_code: '404', error: 'User not found', uid: 'nobody' },
        ],
      },
    }).enrollments.enrollment;
    expect(rows[1]).toEqual({ response_code: 404, error: 'User not found', uid: 'nobody' });
  });

  it('turns a one-row result sent as a bare object into a one-row array', () => {
    const rows = parseBulk({ enrollments: { enrollment: { response_code: '200', id: '9' } } }).enrollments.enrollment;
    expect(rows).toEqual([{ response_code: 200, id: '9' }]);
  });

  it('names the row when a response_code is missing', () => {
    expect(messageOf(() => parseBulk({ enrollments: { enrollment: [{ response_code: 200 }, { id: '2' }] } }))).toBe(
      'Schoology bulk result: enrollments.enrollment[1].response_code: expected a whole number, got nothing',
    );
  });
});

describe('Schoology user, section and group', () => {
  it('parses a user and keeps fields it does not model', () => {
    const user = parseWire(
      SchoologyUserSchema,
      { id: 48289, school_uid: 's1', name_first: 'James', name_last: 'Howlett', primary_email: 'j@x.org', gender: 'M' },
      'Schoology user',
    );
    expect(user).toMatchObject({ id: '48289', school_uid: 's1', primary_email: 'j@x.org', gender: 'M' });
  });

  it('reads grading_periods as a list of text ids whether numbers, strings or a single unwrapped value', () => {
    const base = { id: '3719526', section_title: 'Period 1' };
    const read = (grading_periods: unknown) =>
      parseWire(SchoologySectionSchema, { ...base, grading_periods }, 'Schoology section').grading_periods;
    expect(read([435, '13011'])).toEqual(['435', '13011']);
    expect(read('435')).toEqual(['435']);
    expect(read(undefined)).toEqual([]);
  });

  it('parses a section list with one section unwrapped', () => {
    const list = parseWire(
      SchoologySectionListSchema,
      {
        section: {
          id: '3719526',
          course_title: 'English',
          course_code: 'E200',
          course_id: 12,
          section_title: 'Period 1',
          section_code: '34',
          section_school_code: '23',
          active: 1,
          grading_periods: [435],
          meeting_days: ['1', '3'],
        },
        total: '1',
        links: { self: 'http://.../sections' },
      },
      'Schoology section list',
    );
    expect(list.section).toHaveLength(1);
    expect(list.section[0]).toMatchObject({ course_id: '12', active: 1, grading_periods: ['435'], meeting_days: ['1', '3'] });
  });

  it('parses a group list', () => {
    const list = parseWire(
      SchoologyGroupListSchema,
      {
        group: [
          { id: 65371, title: 'Chess club', group_code: 'CHESS' },
          { id: '65372', title: 'Robotics', description: '' },
        ],
        total: 2,
        links: { self: 'http://.../groups' },
      },
      'Schoology group list',
    );
    expect(list.group.map((g) => g.id)).toEqual(['65371', '65372']);
  });

  it('names the field when a section has no title', () => {
    expect(
      messageOf(() =>
        parseWire(SchoologySectionListSchema, { section: [{ id: 1 }], total: 1, links: { self: 'x' } }, 'Schoology section list'),
      ),
    ).toBe('Schoology section list: section[0].section_title: expected text, got nothing');
  });
});
