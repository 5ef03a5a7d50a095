/**
 * The two roster layouts an import reads, recognised by their header, and what each row of them says: who (by LMS user
 * id or school id), which role and status if any, and whether it is about the realm being imported at all.
 *
 * - plain: this app's plain export (electron/export/plain-csv.ts: Realm, Course code, Section code, Section school
 *   code, User ID, School ID, First name, Last name, Name, Role, Status, Pending). It needs User ID or School ID; Role
 *   and Status are optional. It may hold several realms, so the realm columns, when filled, must name this one.
 * - schoology: Schoology's course-enrollment import ("Import Course Enrollments with a CSV/XLS File (Enterprise)",
 *   https://support.schoology.com/hc/en-us/articles/200927478): Course Code, Section Code or Section School Code, User
 *   Unique ID, optional Enrollment Type (1 admin, 2 member) and Grading Periods (ignored here). The codes are
 *   case-sensitive, as Schoology matches them. A group's import ("Import Group Enrollments…", article 201155813) has
 *   User Unique ID and Enrollment Type only. There is no status column: enrolls are active, others keep theirs.
 *
 * Header names are matched trimmed and case-insensitively; columns neither layout knows are ignored.
 */
import { RosterApiError, type ImportLayout, type RealmSummary } from '../../shared/api';
import type { Role, Status } from '../../shared/domain/roles';
import type { CsvRecord } from './csv-table';
import { readEnrollmentType, readRole, readStatus, type Reading } from './import-vocabulary';

/** How a row names its person. */
export type PersonRef =
  | { by: 'userId'; userId: string; /** The row's School ID too, to catch a mistyped one; "" when blank. */ schoolUid: string }
  | { by: 'schoolUid'; schoolUid: string; /** The column's name in the file, for messages. */ column: string };

/** One data row as its layout reads it, before the person is looked up. */
export interface FileRow {
  line: number;
  person: PersonRef | null;
  /** null: the row does not say (blank, or no such column). */
  role: Role | null;
  status: Status | null;
  /** The plain export marks people queued for removal in its Pending column. */
  pendingRemoval: boolean;
  /** What is wrong with the row by itself (bad cells, another realm's row), in the order found. */
  issues: string[];
  /** The row is about another realm (a plain file of several): its person says nothing about this roster. */
  elsewhere: boolean;
}

export interface Layout {
  name: ImportLayout;
  read(record: CsvRecord): FileRow;
}

const fold = (name: string): string => name.trim().toLowerCase().replace(/\s+/g, ' ');

/**
 * A cell as the LMS had it. A spreadsheet export (Excel mode) prefixes ' to cells starting with = + - @ tab or CR so
 * they are not run as formulas (OWASP's CSV injection advice); reading such a file back removes that quote again.
 */
const cellText = (cell: string | undefined): string => {
  const text = (cell ?? '').trim();
  return /^'[=+\-@\t\r]/.test(text) ? text.slice(1) : text;
};

class Columns {
  private readonly index = new Map<string, number>();

  constructor(readonly header: readonly string[]) {
    header.forEach((name, i) => {
      if (!this.index.has(fold(name))) this.index.set(fold(name), i);
    });
  }

  has(name: string): boolean {
    return this.index.has(name);
  }

  /** The row's trimmed cell of the column, "" when the file has no such column or the row is short. */
  cell(cells: readonly string[], name: string): string {
    const at = this.index.get(name);
    return at === undefined ? '' : cellText(cells[at]);
  }
}

function take<T>(reading: Reading<T>, issues: string[]): T | null {
  if (reading.ok) return reading.value;
  issues.push(reading.message);
  return null;
}

/** The row has the header's number of cells; a short or long row has its cells under the wrong columns. */
function countIssue(record: CsvRecord, columns: Columns): string | null {
  const have = record.cells.length;
  const want = columns.header.length;
  return have === want ? null : `the row has ${have} ${have === 1 ? 'cell' : 'cells'}, the header ${want} (a missing or extra comma?)`;
}

function plainLayout(columns: Columns, realm: RealmSummary): Layout {
  // A section school code names one section district-wide; without one, the codes; without codes, the title.
  const otherRealm = (cells: readonly string[]): string | null => {
    const title = columns.cell(cells, 'realm');
    const course = columns.cell(cells, 'course code');
    const section = columns.cell(cells, 'section code');
    const school = columns.cell(cells, 'section school code');
    if (school !== '' && school === realm.sectionSchoolCode) return null;
    const coded = course !== '' || section !== '' || school !== '';
    const differs = coded
      ? [course !== '' && course !== realm.courseCode, section !== '' && section !== realm.sectionCode, school !== '' && school !== realm.sectionSchoolCode].some(Boolean)
      : title !== '' && title !== realm.title;
    if (!differs) return null;
    const named = title || [course, section].filter(Boolean).join(' · ') || school;
    return `row is for ${named}, not ${realm.title}`;
  };

  return {
    name: 'plain',
    read(record) {
      const { cells, line } = record;
      const issues: string[] = [];
      const userId = columns.cell(cells, 'user id');
      const schoolUid = columns.cell(cells, 'school id');
      let person: PersonRef | null = null;
      if (userId !== '') person = { by: 'userId', userId, schoolUid };
      else if (schoolUid !== '') person = { by: 'schoolUid', schoolUid, column: 'School ID' };

      const count = countIssue(record, columns);
      if (count) return { line, person, role: null, status: null, pendingRemoval: false, issues: [count], elsewhere: false };
      const elsewhere = otherRealm(cells);
      if (elsewhere) issues.push(elsewhere);
      if (!person) issues.push(`no ${[columns.has('user id') ? 'User ID' : '', columns.has('school id') ? 'School ID' : ''].filter(Boolean).join(' or ')}`);
      const roleText = columns.cell(cells, 'role');
      const statusText = columns.cell(cells, 'status');
      const role = roleText === '' ? null : take(readRole(realm.provider, roleText), issues);
      const status = statusText === '' ? null : take(readStatus(realm.provider, statusText), issues);
      const pendingRemoval = columns.cell(cells, 'pending').toLowerCase().startsWith('to remove');
      return { line, person, role, status, pendingRemoval, issues, elsewhere: elsewhere !== null };
    },
  };
}

function schoologyLayout(columns: Columns, realm: RealmSummary): Layout {
  const realmCodes = `course ${realm.courseCode}, section ${realm.sectionSchoolCode || realm.sectionCode}`;
  /** Why the row's codes do not name this realm (elsewhere: they name another one), or null when they do. */
  const realmIssue = (cells: readonly string[]): { message: string; elsewhere: boolean } | null => {
    const course = columns.cell(cells, 'course code');
    const section = columns.cell(cells, 'section code');
    const school = columns.cell(cells, 'section school code');
    if (realm.kind !== 'section') {
      const named = [course, school || section].filter(Boolean).join(' · ');
      return named === '' ? null : { message: `row is for the course section ${named}, not the group ${realm.title}`, elsewhere: true };
    }
    if (course === '') return { message: 'no Course Code', elsewhere: false };
    if (section === '' && school === '') return { message: 'no Section Code or Section School Code', elsewhere: false };
    const mismatch = course !== realm.courseCode || (school !== '' && school !== realm.sectionSchoolCode) || (section !== '' && section !== realm.sectionCode);
    if (!mismatch) return null;
    return { message: `row is for course ${course}, section ${school || section}, not ${realm.title} (${realmCodes}; codes are case-sensitive)`, elsewhere: true };
  };

  return {
    name: 'schoology',
    read(record) {
      const { cells, line } = record;
      const schoolUid = columns.cell(cells, 'user unique id');
      const person: PersonRef | null = schoolUid === '' ? null : { by: 'schoolUid', schoolUid, column: 'User Unique ID' };
      const count = countIssue(record, columns);
      if (count) return { line, person, role: null, status: null, pendingRemoval: false, issues: [count], elsewhere: false };
      const codes = realmIssue(cells);
      const issues = codes ? [codes.message] : [];
      if (!person) issues.push('no User Unique ID');
      const typeText = columns.cell(cells, 'enrollment type');
      const role = typeText === '' ? null : take(readEnrollmentType(typeText), issues);
      return { line, person, role, status: null, pendingRemoval: false, issues, elsewhere: codes?.elsewhere ?? false };
    },
  };
}

/** The layout the header names, for importing into `realm`; RosterApiError('invalid_file') when it names neither. */
export function layoutOf(header: CsvRecord, realm: RealmSummary, fileName: string): Layout {
  const columns = new Columns(header.cells);
  if (columns.has('user id') || columns.has('school id')) return plainLayout(columns, realm);
  if (columns.has('user unique id')) {
    if (realm.provider !== 'schoology') {
      throw new RosterApiError('invalid_file', `${fileName} is in Schoology's import layout, but ${realm.title} is a ${realm.provider} realm; import a plain roster CSV (with User ID or School ID) instead.`);
    }
    if (realm.kind === 'section' && (!columns.has('course code') || !(columns.has('section code') || columns.has('section school code')))) {
      throw new RosterApiError(
        'invalid_file',
        `${fileName} has a User Unique ID column but not Course Code and Section Code (or Section School Code), which Schoology's course-enrollment layout needs to name the section; add them, or import a plain roster CSV.`,
      );
    }
    return schoologyLayout(columns, realm);
  }
  const shown = header.cells.map((cell) => cell.trim()).filter(Boolean).slice(0, 12);
  throw new RosterApiError(
    'invalid_file',
    `${fileName} line ${header.line} is not a roster header${shown.length ? ` (it has: ${shown.join(', ')})` : ''}; expected this app's plain export (User ID or School ID, optionally Role and Status) or Schoology's course-enrollment layout (Course Code, Section Code or Section School Code, User Unique ID, optionally Enrollment Type).`,
  );
}
