import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RosterApiError, type ExportInput } from '../../../shared/api';
import { Outbox } from '../../../electron/sync/outbox';
import {
  ACCOUNT,
  EXPORTED_AT,
  HOWLETT,
  P3,
  P3_KEY,
  P5,
  ROBOTICS,
  STRICKLAND,
  addLmsMember,
  allBut,
  exportOf,
  lmsEnrollments,
  pulledSchool,
  recordsOf,
  rowsOf,
  unzipped,
  type School,
} from './export-kit';

/**
 * Every export format over the sandbox LMS's small school, pulled into a real cache: each file parsed back with
 * csv-parse (and unzipped with fflate) and checked against what the LMS holds.
 */
const LEADING_ZERO = { uid: '99000417', schoolUid: '000417', first: 'Zoë', last: 'Zero' } as const;
const FORMULA = '=HYPERLINK("http://x")';
const HOSTILE = { uid: '99000666', schoolUid: 's99000666', first: FORMULA, last: 'Formula' } as const;

const ONEROSTER_HEADERS = {
  'enrollments.csv': 'sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate',
  'users.csv':
    'sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password',
  'classes.csv':
    'sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods',
  'manifest.csv': 'propertyName,value',
} as const;

/** Schoology status numbers → OneRoster delta status and Canvas SIS status (what the specs' vocabularies allow). */
const ONEROSTER_STATUS: Record<number, string> = { 1: 'active', 2: 'tobedeleted', 3: 'active', 4: 'tobedeleted', 5: 'tobedeleted' };
const CANVAS_STATUS: Record<number, string> = { 1: 'active', 2: 'completed', 3: 'active', 4: 'inactive', 5: 'inactive' };

function refusal(run: () => unknown): RosterApiError {
  try {
    run();
  } catch (error) {
    if (error instanceof RosterApiError) return error;
    throw error;
  }
  throw new Error('expected the export to be refused');
}

/** The seed's school, with one more Algebra P3 student whose school ID has leading zeros. */
let school: School;

beforeAll(async () => {
  school = await pulledSchool((store) => addLmsMember(store, P3_KEY, LEADING_ZERO));
});

afterAll(async () => {
  await school.close();
});

const exported = (input: ExportInput) => exportOf(school.cache, input);

describe('plain CSV', () => {
  it('keeps a school ID with leading zeros as text', () => {
    const rows = rowsOf(exported({ realmIds: [P3] }).content);
    expect(rows.find((row) => row['User ID'] === LEADING_ZERO.uid)?.['School ID']).toBe(LEADING_ZERO.schoolUid);
  });

  it('quotes a value holding a comma, quotes or a line break, and ends every record with CRLF', () => {
    const realm = school.cache.realms.get(P5)!;
    school.cache.realms.saveMany([{ ...realm, title: 'Algebra I, "Honors"\nP5' }]);
    try {
      const file = exported({ realmIds: [P5] });
      expect(file.content).toContain('\r\n"Algebra I, ""Honors""\nP5",ALG1,');
      const records = recordsOf(file.content);
      expect(records).toHaveLength(realm.enrollmentCount + 1);
      expect(new Set(records.slice(1).map((record) => record[0]))).toEqual(new Set(['Algebra I, "Honors"\nP5']));
    } finally {
      school.cache.realms.saveMany([realm]);
    }
  });
});

describe('OneRoster 1.1 CSV', () => {
  it('is a zip of enrollments.csv, users.csv, classes.csv and manifest.csv with the spec’s exact headers', () => {
    const file = exported({ realmIds: [P3], format: 'oneroster' });
    expect(file).toMatchObject({ fileName: 'algebra-i-p3-oneroster.zip', mimeType: 'application/zip', encoding: 'base64' });
    const files = unzipped(file);
    expect([...files.keys()].sort()).toEqual(['classes.csv', 'enrollments.csv', 'manifest.csv', 'users.csv']);
    for (const [name, header] of Object.entries(ONEROSTER_HEADERS)) {
      expect(files.get(name)!.startsWith(`${header}\r\n`)).toBe(true);
      expect(files.get(name)!.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    }
  });

  it('declares a delta of the three files it writes, every other file absent, and names Roster Desk', () => {
    const manifest = recordsOf(unzipped(exported({ realmIds: [P3], format: 'oneroster' })).get('manifest.csv')!).slice(1);
    expect(manifest).toEqual([
      ['manifest.version', '1.0'],
      ['oneroster.version', '1.1'],
      ['file.academicSessions', 'absent'],
      ['file.categories', 'absent'],
      ['file.classes', 'delta'],
      ['file.classResources', 'absent'],
      ['file.courses', 'absent'],
      ['file.courseResources', 'absent'],
      ['file.demographics', 'absent'],
      ['file.enrollments', 'delta'],
      ['file.lineItems', 'absent'],
      ['file.orgs', 'absent'],
      ['file.resources', 'absent'],
      ['file.results', 'absent'],
      ['file.users', 'delta'],
      ['source.systemName', 'Roster Desk'],
      ['source.systemCode', 'roster-desk'],
    ]);
  });

  it("writes one enrollment per LMS enrollment, with the LMS's ids, a 1.1 role and a delta status", () => {
    const file = exported({ realmIds: [P3], format: 'oneroster' });
    const rows = rowsOf(unzipped(file).get('enrollments.csv')!);
    const lms = lmsEnrollments(school.sandbox, P3);
    expect(file.rows).toBe(lms.size);
    expect(rows).toHaveLength(lms.size);
    for (const row of rows) {
      const enrollment = lms.get(row.userSourcedId!)!;
      expect(row).toEqual({
        sourcedId: enrollment.id,
        status: ONEROSTER_STATUS[enrollment.status],
        dateLastModified: EXPORTED_AT.toISOString(),
        classSourcedId: '3719526',
        schoolSourcedId: ACCOUNT,
        userSourcedId: row.userSourcedId,
        role: enrollment.admin === 1 ? 'teacher' : 'student',
        primary: '',
        beginDate: '',
        endDate: '',
      });
    }
    // The seed's Algebra P3 always has an expired and an invited student.
    expect(new Set(rows.map((row) => row.status))).toEqual(new Set(['active', 'tobedeleted']));
    expect(rows.find((row) => row.userSourcedId === HOWLETT.uid)?.sourcedId).toBe(HOWLETT.enrollmentId);
  });

  it('lists each person of the exported realms once, a teacher where they are an admin anywhere', () => {
    const files = unzipped(exported({ realmIds: [P3, P5], format: 'oneroster' }));
    const users = rowsOf(files.get('users.csv')!);
    const people = new Set([...lmsEnrollments(school.sandbox, P3).keys(), ...lmsEnrollments(school.sandbox, P5).keys()]);
    expect(users.map((user) => user.sourcedId).sort()).toEqual([...people].sort());
    const admins = new Set(
      [...lmsEnrollments(school.sandbox, P3), ...lmsEnrollments(school.sandbox, P5)].filter(([, e]) => e.admin === 1).map(([uid]) => uid),
    );
    for (const user of users) {
      const lms = school.sandbox.store.getUser(user.sourcedId!)!;
      expect(user).toMatchObject({
        status: 'active',
        enabledUser: 'true',
        orgSourcedIds: ACCOUNT,
        role: admins.has(user.sourcedId!) ? 'teacher' : 'student',
        username: lms.school_uid || lms.uid,
        identifier: lms.school_uid,
        givenName: lms.name_first,
        familyName: lms.name_last,
      });
    }
    expect(users.find((user) => user.sourcedId === LEADING_ZERO.uid)).toMatchObject({ username: LEADING_ZERO.schoolUid, identifier: LEADING_ZERO.schoolUid });
    // Mr. Strickland has no school ID: his username is his user id.
    expect(users.find((user) => user.sourcedId === STRICKLAND.uid)).toMatchObject({ role: 'teacher', username: STRICKLAND.uid, identifier: '' });
  });

  it('writes one class per realm, groups included, with its codes and grading periods', () => {
    const classes = rowsOf(unzipped(exported({ realmIds: [P3, ROBOTICS], format: 'oneroster' })).get('classes.csv')!);
    const p3 = school.cache.realms.get(P3)!;
    const robotics = school.cache.realms.get(ROBOTICS)!;
    const p3Class = expect.objectContaining({
      sourcedId: '3719526',
      status: 'active',
      dateLastModified: EXPORTED_AT.toISOString(),
      title: p3.title,
      courseSourcedId: 'ALG1',
      classCode: 'P3',
      classType: 'scheduled',
      schoolSourcedId: ACCOUNT,
      termSourcedIds: p3.gradingPeriods.join(','),
    });
    // A group has no course: it names itself as its course.
    const roboticsClass = expect.objectContaining({ sourcedId: '65371', title: robotics.title, courseSourcedId: '65371', classType: 'scheduled' });
    // In the order enrollments.csv lists the realms: by title.
    expect(classes).toEqual(p3.title < robotics.title ? [p3Class, roboticsClass] : [roboticsClass, p3Class]);
  });

  it('previews the first rows of enrollments.csv as text while counting them all', () => {
    const preview = exported({ realmIds: [P3], format: 'oneroster', previewRows: 3 });
    expect(preview).toMatchObject({ encoding: 'utf8', rows: lmsEnrollments(school.sandbox, P3).size, fileName: 'algebra-i-p3-oneroster.zip' });
    const records = recordsOf(preview.content);
    expect(records[0]!.join(',')).toBe(ONEROSTER_HEADERS['enrollments.csv']);
    expect(records).toHaveLength(4);
  });
});

describe('Canvas SIS Import enrollments.csv', () => {
  it("writes the sample header and each enrollment with its codes, the school ID and Canvas's vocabularies", () => {
    const file = exported({ realmIds: [P3], format: 'canvas-sis', only: allBut(school.cache, STRICKLAND.uid, [P3]) });
    expect(file).toMatchObject({ fileName: 'algebra-i-p3-canvas-sis.csv', mimeType: 'text/csv;charset=utf-8', encoding: 'utf8' });
    const records = recordsOf(file.content);
    expect(records[0]).toEqual(['course_id', 'user_id', 'role', 'section_id', 'status']);
    const lms = lmsEnrollments(school.sandbox, P3);
    lms.delete(STRICKLAND.uid);
    const bySchoolUid = new Map([...lms].map(([uid, e]) => [school.sandbox.store.getUser(uid)!.school_uid, e]));
    expect(records).toHaveLength(lms.size + 1);
    for (const [courseId, userId, role, sectionId, status] of records.slice(1)) {
      const enrollment = bySchoolUid.get(userId!)!;
      expect([courseId, role, sectionId, status]).toEqual(['ALG1', enrollment.admin === 1 ? 'teacher' : 'student', 'ALG1-P3', CANVAS_STATUS[enrollment.status]]);
    }
    expect(records.some((record) => record[1] === LEADING_ZERO.schoolUid)).toBe(true);
    expect(new Set(records.slice(1).map((record) => record[4]))).toEqual(new Set(['active', 'completed']));
  });

  it('refuses a group, naming it', () => {
    const error = refusal(() => exported({ realmIds: [ROBOTICS], format: 'canvas-sis' }));
    expect(error.code).toBe('cannot_export');
    expect(error.message).toMatch(/^enrollments\.csv row 1, line 2 \(.+, groups\/65371\): .+ is a group, and Canvas SIS imports enroll people in courses and sections only/);
  });
});

describe("Schoology's course-enrollment import layout", () => {
  it('writes the codes, the school ID and Enrollment Type 1 for admins, 2 for members', () => {
    const file = exported({ realmIds: [P3, P5], format: 'schoology', only: allBut(school.cache, STRICKLAND.uid, [P3, P5]) });
    expect(file.fileName).toBe('roster-export-2-realms-schoology.csv');
    const records = recordsOf(file.content);
    expect(records[0]).toEqual(['Course Code', 'Section Code', 'Section School Code', 'User Unique ID', 'Enrollment Type']);
    const expected = [P3, P5].flatMap((realmId) => {
      const realm = school.cache.realms.get(realmId)!;
      return [...lmsEnrollments(school.sandbox, realmId)].filter(([uid]) => uid !== STRICKLAND.uid).map(([uid, e]) =>
        ['ALG1', realm.sectionCode, realm.sectionSchoolCode, school.sandbox.store.getUser(uid)!.school_uid, e.admin === 1 ? '1' : '2'].join(','),
      );
    });
    expect(records.slice(1).map((record) => record.join(',')).sort()).toEqual(expected.sort());
    // Ms. Alvarez co-teaches Algebra P5.
    expect(records.find((record) => record[3] === 'T102')?.[4]).toBe('1');
    expect(records.find((record) => record[3] === 's1')?.[4]).toBe('2');
  });

  it('refuses a group: Schoology imports group enrollments one group at a time', () => {
    const error = refusal(() => exported({ realmIds: [ROBOTICS], format: 'schoology' }));
    expect(error.message).toContain('Schoology imports group enrollments one group at a time; export groups as plain CSV');
  });
});

describe('pending edits in the interchange formats', () => {
  it('shows a queued enroll and a queued removal, or (without pending edits) the LMS roster as it is', () => {
    const inP3 = lmsEnrollments(school.sandbox, P3);
    const newcomer = [...lmsEnrollments(school.sandbox, P5).keys()].find((uid) => !inP3.has(uid))!;
    const outbox = new Outbox(school.cache);
    const [enroll] = outbox.apply([
      { kind: 'enroll', realmId: P3, userId: newcomer, fields: { role: 'student', status: 'active' } },
      { kind: 'remove', realmId: P3, enrollmentId: HOWLETT.enrollmentId },
    ]);
    try {
      const oneRoster = rowsOf(unzipped(exported({ realmIds: [P3], format: 'oneroster' })).get('enrollments.csv')!);
      expect(oneRoster.find((row) => row.userSourcedId === newcomer)).toMatchObject({ sourcedId: `pending-${enroll!.op!.id}`, status: 'active', role: 'student' });
      expect(oneRoster.find((row) => row.userSourcedId === HOWLETT.uid)).toMatchObject({ sourcedId: HOWLETT.enrollmentId, status: 'tobedeleted' });
      const users = rowsOf(unzipped(exported({ realmIds: [P3], format: 'oneroster' })).get('users.csv')!);
      expect(users.some((user) => user.sourcedId === newcomer)).toBe(true);

      const lmsOnly = exported({ realmIds: [P3], format: 'oneroster', includePending: false });
      const lmsRows = rowsOf(unzipped(lmsOnly).get('enrollments.csv')!);
      expect(lmsOnly.rows).toBe(inP3.size);
      expect(lmsRows.some((row) => row.userSourcedId === newcomer)).toBe(false);
      expect(lmsRows.find((row) => row.userSourcedId === HOWLETT.uid)?.status).toBe('active');
      expect(rowsOf(unzipped(lmsOnly).get('users.csv')!).some((user) => user.sourcedId === newcomer)).toBe(false);

      const only = allBut(school.cache, STRICKLAND.uid, [P3]);
      const newcomerUid = school.sandbox.store.getUser(newcomer)!.school_uid;
      const canvas = rowsOf(exported({ realmIds: [P3], format: 'canvas-sis', only }).content);
      expect(canvas.find((row) => row.user_id === 's1')?.status).toBe('deleted');
      expect(canvas.find((row) => row.user_id === newcomerUid)).toMatchObject({ role: 'student', status: 'active' });
      const canvasLms = rowsOf(exported({ realmIds: [P3], format: 'canvas-sis', only, includePending: false }).content);
      expect(canvasLms.find((row) => row.user_id === 's1')?.status).toBe('active');
      expect(canvasLms.some((row) => row.user_id === newcomerUid)).toBe(false);

      // The Schoology layout lists who is enrolled: a person on their way out is left out, so the count is one less
      // than the rows selected (the roster without Mr. Strickland, plus the newcomer).
      const schoology = exported({ realmIds: [P3], format: 'schoology', only });
      expect(rowsOf(schoology.content).some((row) => row['User Unique ID'] === 's1')).toBe(false);
      expect(rowsOf(schoology.content).some((row) => row['User Unique ID'] === newcomerUid)).toBe(true);
      expect(schoology.rows).toBe(only.length - 1);
      expect(exported({ realmIds: [P3], format: 'schoology', only, previewRows: 2 }).rows).toBe(only.length - 1);
      const schoologyLms = rowsOf(exported({ realmIds: [P3], format: 'schoology', only, includePending: false }).content);
      expect(schoologyLms.some((row) => row['User Unique ID'] === 's1')).toBe(true);
    } finally {
      outbox.undoAll(ACCOUNT);
    }
  });

  it('exports only the selected rows in every format', () => {
    const refs = [
      { realmId: P3, enrollmentId: HOWLETT.enrollmentId },
      { realmId: P3, enrollmentId: STRICKLAND.enrollmentId },
    ];
    const oneRoster = unzipped(exported({ realmIds: [P3], format: 'oneroster', only: refs }));
    expect(rowsOf(oneRoster.get('enrollments.csv')!).map((row) => row.sourcedId).sort()).toEqual([STRICKLAND.enrollmentId, HOWLETT.enrollmentId].sort());
    expect(rowsOf(oneRoster.get('users.csv')!).map((row) => row.sourcedId).sort()).toEqual([STRICKLAND.uid, HOWLETT.uid].sort());
    const zero = allBut(school.cache, STRICKLAND.uid, [P3]).filter((ref) => ref.enrollmentId === HOWLETT.enrollmentId || school.cache.enrollments.get(P3, ref.enrollmentId)?.userId === LEADING_ZERO.uid);
    expect(rowsOf(exported({ realmIds: [P3], format: 'canvas-sis', only: zero }).content).map((row) => row.user_id).sort()).toEqual([LEADING_ZERO.schoolUid, 's1']);
  });
});

describe('a person without a school ID', () => {
  let bare: School;
  beforeAll(async () => {
    // The seed as it comes: Mr. Strickland, admin of every realm, has no school ID.
    bare = await pulledSchool();
  });
  afterAll(async () => {
    await bare.close();
  });

  it('is refused by the Canvas SIS and Schoology layouts, which name people by it, with the row named', () => {
    for (const format of ['canvas-sis', 'schoology'] as const) {
      const error = refusal(() => exportOf(bare.cache, { realmIds: [P3], format }));
      expect(error.code).toBe('cannot_export');
      expect(error.message).toMatch(/^(enrollments\.csv|Schoology import file) row \d+, line \d+ \(Mr\. Strickland, sections\/3719526\): Mr\. Strickland has no school ID/);
    }
  });

  it('is written by OneRoster with the user id as username and no identifier', () => {
    const users = rowsOf(unzipped(exportOf(bare.cache, { realmIds: [P3], format: 'oneroster' })).get('users.csv')!);
    expect(users.find((user) => user.sourcedId === STRICKLAND.uid)).toMatchObject({ username: STRICKLAND.uid, identifier: '' });
  });
});

describe('a value a spreadsheet would run as a formula', () => {
  let hostile: School;

  beforeAll(async () => {
    hostile = await pulledSchool((store) => {
      addLmsMember(store, P3_KEY, HOSTILE);
    });
  });
  afterAll(async () => {
    await hostile.close();
  });

  it('is neutralised in Excel mode: a BOM, and the cell prefixed with a quote', () => {
    const file = exportOf(hostile.cache, { realmIds: [P3], excel: true });
    expect(file.content.startsWith('\uFEFFRealm,')).toBe(true);
    const row = rowsOf(file.content).find((r) => r['User ID'] === HOSTILE.uid)!;
    expect(row['First name']).toBe(`'${FORMULA}`);
    expect(row.Name).toBe(`'${FORMULA} ${HOSTILE.last}`);
  });

  it('is written as it is in plain CSV without Excel mode', () => {
    const row = rowsOf(exportOf(hostile.cache, { realmIds: [P3] }).content).find((r) => r['User ID'] === HOSTILE.uid)!;
    expect(row['First name']).toBe(FORMULA);
  });

  it('is refused in OneRoster, naming the file, row, person and field, and in its preview too', () => {
    const error = refusal(() => exportOf(hostile.cache, { realmIds: [P3], format: 'oneroster' }));
    expect(error.code).toBe('unsafe_value');
    expect(error.message).toMatch(
      new RegExp(
        `^users\\.csv row (\\d+), line (\\d+) \\(=HYPERLINK\\("http://x"\\) ${HOSTILE.last}, user ${HOSTILE.uid}\\): first name "=HYPERLINK\\("http://x"\\)" starts with "=", which spreadsheets run as a formula; OneRoster files cannot alter it — correct it in the LMS, or export as plain CSV for Excel$`,
      ),
    );
    const [, row, line] = /row (\d+), line (\d+)/.exec(error.message)!;
    expect(Number(line)).toBe(Number(row) + 1);
    expect(refusal(() => exportOf(hostile.cache, { realmIds: [P3], format: 'oneroster', previewRows: 5 })).code).toBe('unsafe_value');
  });

  it('is refused by the Canvas SIS and Schoology layouts only where they carry it (they carry no names)', () => {
    const only = allBut(hostile.cache, STRICKLAND.uid, [P3]);
    const canvas = rowsOf(exportOf(hostile.cache, { realmIds: [P3], format: 'canvas-sis', only }).content);
    expect(canvas.some((row) => row.user_id === HOSTILE.schoolUid)).toBe(true);
    const schoology = rowsOf(exportOf(hostile.cache, { realmIds: [P3], format: 'schoology', only }).content);
    expect(schoology.some((row) => row['User Unique ID'] === HOSTILE.schoolUid)).toBe(true);
    const realm = hostile.cache.realms.get(P3)!;
    hostile.cache.realms.saveMany([{ ...realm, courseCode: '@SUM(A1)' }]);
    try {
      for (const [format, words] of [
        ['canvas-sis', 'Canvas SIS Import files'],
        ['schoology', 'Schoology import files'],
      ] as const) {
        const error = refusal(() => exportOf(hostile.cache, { realmIds: [P3], format, only }));
        expect(error.code).toBe('unsafe_value');
        expect(error.message).toMatch(new RegExp(`^(enrollments\\.csv|Schoology import file) row 1, line 2 \\(.+, sections/3719526\\): course (SIS id or )?code "@SUM\\(A1\\)" starts with "@", which spreadsheets run as a formula; ${words} cannot alter it`));
      }
    } finally {
      hostile.cache.realms.saveMany([realm]);
    }
  });
});
