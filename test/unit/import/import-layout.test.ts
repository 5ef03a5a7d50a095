import { describe, expect, it } from 'vitest';
import { RosterApiError, type RealmSummary } from '../../../shared/api';
import { layoutOf, type FileRow, type Layout } from '../../../electron/import/import-layout';

const P3: RealmSummary = {
  id: 'school/sections/3719526',
  accountId: 'school',
  key: 'sections/3719526',
  provider: 'schoology',
  kind: 'section',
  remoteId: '3719526',
  title: 'Algebra I · P3',
  courseTitle: 'Algebra I',
  courseCode: 'ALG1',
  courseSisId: '',
  sectionCode: 'P3',
  sectionSchoolCode: 'ALG1-P3',
  gradingPeriods: [],
  pulledAt: '2026-11-20T08:00:00.000Z',
  enrollmentCount: 2,
  pendingCount: 0,
};
const ROBOTICS: RealmSummary = { ...P3, id: 'school/groups/65371', key: 'groups/65371', kind: 'group', remoteId: '65371', title: 'Robotics Club', courseTitle: '', courseCode: '', sectionCode: '', sectionSchoolCode: '' };
const CANVAS: RealmSummary = { ...P3, provider: 'canvas', kind: 'course' };

const PLAIN_HEADER = ['Realm', 'Course code', 'Section code', 'Section school code', 'User ID', 'School ID', 'First name', 'Last name', 'Name', 'Role', 'Status', 'Pending'];

const layout = (header: string[], realm: RealmSummary = P3): Layout => layoutOf({ line: 1, cells: header }, realm, 'roster.csv');
const read = (l: Layout, cells: string[], line = 2): FileRow => l.read({ line, cells });

/** A plain-export row of P3 with the given cells replaced. */
function plainRow(values: Partial<Record<(typeof PLAIN_HEADER)[number], string>>): string[] {
  const row: Record<string, string> = {
    Realm: 'Algebra I · P3', 'Course code': 'ALG1', 'Section code': 'P3', 'Section school code': 'ALG1-P3', 'User ID': '48289', 'School ID': 's1',
    'First name': 'James', 'Last name': 'Howlett', Name: 'James Howlett', Role: 'Member', Status: 'Active', Pending: '', ...values,
  };
  return PLAIN_HEADER.map((name) => row[name] ?? '');
}

function layoutFailure(header: string[], realm: RealmSummary = P3): RosterApiError {
  try {
    layout(header, realm);
  } catch (error) {
    if (error instanceof RosterApiError) return error;
    throw error;
  }
  throw new Error('a layout was recognised; expected a failure');
}

describe('recognising the layout from the header', () => {
  it("recognises this app's plain export", () => {
    expect(layout(PLAIN_HEADER).name).toBe('plain');
  });

  it('matches header names trimmed and case-insensitively', () => {
    const l = layout(['  user id ', 'ROLE', 'status']);
    expect(l.name).toBe('plain');
    expect(read(l, ['48289', 'admin', 'EXPIRED'])).toMatchObject({ person: { by: 'userId', userId: '48289' }, role: 'teacher', status: 'completed', issues: [] });
  });

  it("recognises Schoology's course-enrollment layout", () => {
    expect(layout(['Course Code', 'Section School Code', 'User Unique ID', 'Enrollment Type', 'Grading Periods']).name).toBe('schoology');
  });

  it('names the headers it expected when the file has neither layout', () => {
    const error = layoutFailure(['Student', 'Grade']);
    expect(error.code).toBe('invalid_file');
    expect(error.message).toBe(
      "roster.csv line 1 is not a roster header (it has: Student, Grade); expected this app's plain export (User ID or School ID, optionally Role and Status) or Schoology's course-enrollment layout (Course Code, Section Code or Section School Code, User Unique ID, optionally Enrollment Type).",
    );
  });

  it('asks for the codes a Schoology course-enrollment file needs to name its section', () => {
    expect(layoutFailure(['User Unique ID', 'Enrollment Type']).message).toContain('not Course Code and Section Code (or Section School Code)');
  });

  it("reads a group's Schoology import with only User Unique ID and Enrollment Type", () => {
    const l = layout(['User Unique ID', 'Enrollment Type'], ROBOTICS);
    expect(read(l, ['s1', '1'])).toMatchObject({ person: { by: 'schoolUid', schoolUid: 's1' }, role: 'teacher', issues: [] });
  });

  it("refuses Schoology's layout for a realm of another LMS", () => {
    expect(layoutFailure(['Course Code', 'Section Code', 'User Unique ID'], CANVAS).message).toContain("is in Schoology's import layout, but Algebra I · P3 is a canvas realm");
  });
});

describe('a row of the plain layout', () => {
  const plain = layout(PLAIN_HEADER);

  it('names its person by User ID, carrying the School ID to check it', () => {
    expect(read(plain, plainRow({}))).toEqual({
      line: 2,
      person: { by: 'userId', userId: '48289', schoolUid: 's1' },
      role: 'student',
      status: 'active',
      pendingRemoval: false,
      issues: [],
      elsewhere: false,
    });
  });

  it('names its person by School ID when the User ID is blank', () => {
    expect(read(plain, plainRow({ 'User ID': '' })).person).toEqual({ by: 'schoolUid', schoolUid: 's1', column: 'School ID' });
  });

  it('is a problem without User ID and School ID', () => {
    expect(read(plain, plainRow({ 'User ID': '', 'School ID': '' })).issues).toEqual(['no User ID or School ID']);
  });

  it('leaves role and status unsaid when their cells are blank', () => {
    expect(read(plain, plainRow({ Role: '', Status: ' ' }))).toMatchObject({ role: null, status: null, issues: [] });
  });

  it("reads Schoology's words and the unified words it can hold", () => {
    const cases: Array<[string, string, string, string]> = [
      ['Admin', 'Invite pending', 'teacher', 'invited'],
      ['member', 'request pending', 'student', 'requested'],
      ['teacher', 'completed', 'teacher', 'completed'],
      ['Student', 'Archived', 'student', 'inactive'],
      ['Member', 'creation_pending', 'student', 'invited'],
      ['Member', '2', 'student', 'completed'],
    ];
    for (const [role, status, unifiedRole, unifiedStatus] of cases) {
      expect(read(plain, plainRow({ Role: role, Status: status })), `${role}, ${status}`).toMatchObject({ role: unifiedRole, status: unifiedStatus, issues: [] });
    }
  });

  it('is a problem for a role Schoology cannot hold, offering its words', () => {
    expect(read(plain, plainRow({ Role: 'TA' })).issues).toEqual(['role "TA" is not a Schoology role; use Admin or Member']);
  });

  it('is a problem for a status Schoology cannot hold, offering its words in its order', () => {
    expect(read(plain, plainRow({ Status: 'Rejected' })).issues).toEqual([
      'status "Rejected" is not a Schoology status; use Active, Expired, Invite pending, Request pending or Archived',
    ]);
  });

  it('reports a bad role and a bad status of one row together', () => {
    expect(read(plain, plainRow({ Role: 'Owner', Status: 'Gone' })).issues).toHaveLength(2);
  });

  it("is a problem when it is another realm's row, naming both", () => {
    const row = read(plain, plainRow({ Realm: 'Biology · P2', 'Course code': 'BIO', 'Section code': 'P2', 'Section school code': 'BIO-P2' }), 7);
    expect(row).toMatchObject({ issues: ['row is for Biology · P2, not Algebra I · P3'], elsewhere: true });
  });

  it('is the realm when its section school code matches, even under an older title', () => {
    expect(read(plain, plainRow({ Realm: 'Algebra 1 · Period 3' })).issues).toEqual([]);
  });

  it('compares the title when the row has no codes', () => {
    const l = layout(['Realm', 'User ID']);
    expect(read(l, ['Algebra I · P3', '48289']).issues).toEqual([]);
    expect(read(l, ['Robotics Club', '48289']).issues).toEqual(['row is for Robotics Club, not Algebra I · P3']);
  });

  it('is a problem when it has more or fewer cells than the header', () => {
    expect(read(plain, ['Algebra I · P3', 'ALG1', 'P3', 'ALG1-P3', '48289']).issues).toEqual(['the row has 5 cells, the header 12 (a missing or extra comma?)']);
  });

  it('notes a person the export marked as queued for removal', () => {
    expect(read(plain, plainRow({ Pending: 'to remove' })).pendingRemoval).toBe(true);
  });

  it("reads back a cell a spreadsheet export prefixed with ' to keep it from running as a formula", () => {
    expect(read(plain, plainRow({ 'School ID': "'-s1" })).person).toEqual({ by: 'userId', userId: '48289', schoolUid: '-s1' });
  });
});

describe("a row of Schoology's layout", () => {
  const schoology = layout(['Course Code', 'Section Code', 'Section School Code', 'User Unique ID', 'Enrollment Type']);

  it('names its person by User Unique ID, with Enrollment Type 1 admin and 2 member', () => {
    expect(read(schoology, ['ALG1', 'P3', 'ALG1-P3', 's1', '1'])).toMatchObject({ person: { by: 'schoolUid', schoolUid: 's1', column: 'User Unique ID' }, role: 'teacher', status: null, issues: [] });
    expect(read(schoology, ['ALG1', 'P3', '', 's1', '2']).role).toBe('student');
    expect(read(schoology, ['ALG1', '', 'ALG1-P3', 's1', 'Admin']).role).toBe('teacher');
    expect(read(schoology, ['ALG1', 'P3', 'ALG1-P3', 's1', '']).role).toBeNull();
  });

  it('is a problem for another Enrollment Type', () => {
    expect(read(schoology, ['ALG1', 'P3', 'ALG1-P3', 's1', '3']).issues).toEqual(['Enrollment Type "3" is not 1 (admin) or 2 (member)']);
  });

  it('matches the codes case-sensitively, as Schoology does', () => {
    expect(read(schoology, ['alg1', 'P3', 'ALG1-P3', 's1', '2'])).toMatchObject({
      issues: ['row is for course alg1, section ALG1-P3, not Algebra I · P3 (course ALG1, section ALG1-P3; codes are case-sensitive)'],
      elsewhere: true,
    });
  });

  it('is a problem without the codes or the User Unique ID', () => {
    expect(read(schoology, ['', 'P3', 'ALG1-P3', 's1', '2']).issues).toEqual(['no Course Code']);
    expect(read(schoology, ['ALG1', '', '', 's1', '2']).issues).toEqual(['no Section Code or Section School Code']);
    expect(read(schoology, ['ALG1', 'P3', 'ALG1-P3', '', '2']).issues).toEqual(['no User Unique ID']);
  });
});
