/**
 * The Canvas sandbox's two districts, generated from fixed PRNG seeds so every start gives the same data. They mirror
 * the Schoology sandbox's district (../sandbox-seed.ts) in Canvas terms: courses with sections instead of sections of
 * courses, typed enrollments with states instead of admin flags and status numbers.
 *
 * - 'small': root account 1 ("Sandbox District") with a sub-account 2 ("Sandbox High School") holding 4 courses and 7
 *   sections; the token's user 1 "Mr. Strickland" teaches every course (and is a root-account admin, which is what
 *   lets him list other users' enrollments and run SIS imports). Every enrollment type and state occurs: co-teachers
 *   under a custom "Co-Teacher" role, a TA, a designer, parents observing their children, invited, inactive and
 *   completed students. Some SIS ids have leading zeros; World History was made by hand (no SIS ids).
 * - 'district': exactly 100,000 enrollments over 1,000 courses and 2,000 sections, for paging and performance.
 */
import { mulberry32, pick, type Random } from '../sandbox-random';
import { FIRST_NAMES, LAST_NAMES } from '../sandbox-names';
import type { CanvasState } from '../../../shared/domain/roles';
import {
  CanvasStore,
  type CanvasRole,
  type EnrollmentType,
  type SandboxCanvasCourse,
  type SandboxCanvasEnrollment,
  type SandboxCanvasSection,
  type SandboxCanvasUser,
} from './canvas-store';

export const CANVAS_SEED_NAMES = ['small', 'district'] as const;
export type CanvasSeedName = (typeof CANVAS_SEED_NAMES)[number];

export function isCanvasSeedName(value: string): value is CanvasSeedName {
  return (CANVAS_SEED_NAMES as readonly string[]).includes(value);
}

/** The token's user: "Mr. Strickland", teacher of every seeded course and root-account admin. */
export const TOKEN_USER_ID = 1;
export const SUB_ACCOUNT_ID = 2;
export const DISTRICT_ENROLLMENTS = 100_000;

/**
 * Canvas's built-in course roles on a fresh root account carry these ids (the role_id of the seed's example, 1,
 * belongs to an account role, so course roles start after the account ones); "Co-Teacher" is a custom role whose base
 * type is TeacherEnrollment, so role and type differ on its enrollments as on a real school's.
 */
export const ROLES: readonly CanvasRole[] = [
  { id: 3, label: 'StudentEnrollment', base_role_type: 'StudentEnrollment', workflow_state: 'active' },
  { id: 4, label: 'TeacherEnrollment', base_role_type: 'TeacherEnrollment', workflow_state: 'active' },
  { id: 5, label: 'TaEnrollment', base_role_type: 'TaEnrollment', workflow_state: 'active' },
  { id: 6, label: 'DesignerEnrollment', base_role_type: 'DesignerEnrollment', workflow_state: 'active' },
  { id: 7, label: 'ObserverEnrollment', base_role_type: 'ObserverEnrollment', workflow_state: 'active' },
  { id: 19, label: 'Co-Teacher', base_role_type: 'TeacherEnrollment', workflow_state: 'active' },
];
const ROLE_ID: Record<EnrollmentType, number> = {
  StudentEnrollment: 3,
  TeacherEnrollment: 4,
  TaEnrollment: 5,
  DesignerEnrollment: 6,
  ObserverEnrollment: 7,
};
const CO_TEACHER_ROLE_ID = 19;

const TERM_ID = 12;
const TERM_START = '2026-08-24T12:00:00Z';
const TERM_END = '2027-06-11T23:59:59Z';
const SECOND = 1000;
const DAY = 86_400 * SECOND;
/** Rosters were loaded the week before the term; activity runs up to the seed's "today". */
const ROSTER_LOADED = Date.UTC(2026, 7, 17, 14);
const SEED_TODAY = Date.UTC(2026, 10, 20, 15);

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

interface PersonSpec {
  id: number;
  first: string;
  last: string;
  sis: string | null;
  /** Shown before the surname in name and short_name ("Mr. Strickland"). */
  title?: string;
}

function person(spec: PersonSpec): SandboxCanvasUser {
  const login = `${spec.first.replace(/\W/g, '')}.${spec.last}`.toLowerCase().replace(/[^a-z.]/g, '');
  const name = spec.title ? `${spec.title} ${spec.last}` : `${spec.first} ${spec.last}`;
  return {
    id: spec.id,
    name,
    sortable_name: `${spec.last}, ${spec.title ?? spec.first}`,
    short_name: name,
    sis_user_id: spec.sis,
    integration_id: spec.sis === null ? null : `int-${spec.id}`,
    login_id: `${login}${spec.id}@sandbox-district.example.org`,
    email: `${login}${spec.id}@sandbox-district.example.org`,
    created_at: iso(ROSTER_LOADED - 30 * DAY + spec.id * SECOND),
  };
}

function baseStore(): CanvasStore {
  const store = new CanvasStore();
  store.addAccount({ id: 1, name: 'Sandbox District', parent_account_id: null, sis_account_id: null });
  store.addAccount({ id: SUB_ACCOUNT_ID, name: 'Sandbox High School', parent_account_id: 1, sis_account_id: 'HS-01' });
  for (const role of ROLES) store.addRole(role);
  store.addUser(person({ id: TOKEN_USER_ID, first: 'Mr.', last: 'Strickland', sis: 'T100', title: 'Mr.' }));
  return store;
}

/** The enrollment facts the generator varies; everything else is derived from them deterministically. */
interface Seat {
  section: SandboxCanvasSection;
  userId: number;
  type: EnrollmentType;
  state: CanvasState;
  roleId?: number;
  associatedUserId?: number | null;
  limit?: boolean;
  id?: number;
}

function enroll(store: CanvasStore, random: Random, seat: Seat): SandboxCanvasEnrollment {
  const created = ROSTER_LOADED + Math.floor(random() * 7 * DAY);
  const touched = seat.state === 'active' ? created : created + Math.floor(random() * 60 * DAY);
  const active = seat.state === 'active' || seat.state === 'completed';
  const lastActivity = active && seat.type !== 'DesignerEnrollment' ? SEED_TODAY - Math.floor(random() * 10 * DAY) : null;
  // A completed enrollment ended: its own end date is what concluded it.
  const ended = seat.state === 'completed' ? iso(created + 40 * DAY) : null;
  return store.insertEnrollment({
    ...(seat.id === undefined ? {} : { id: seat.id }),
    course_id: seat.section.course_id,
    course_section_id: seat.section.id,
    user_id: seat.userId,
    type: seat.type,
    role_id: seat.roleId ?? ROLE_ID[seat.type],
    workflow_state: seat.state,
    associated_user_id: seat.associatedUserId ?? null,
    limit_privileges_to_course_section: seat.limit ?? false,
    created_at: iso(created),
    updated_at: iso(touched),
    start_at: seat.state === 'completed' ? iso(created) : null,
    end_at: ended,
    last_activity_at: lastActivity === null ? null : iso(lastActivity),
    last_attended_at: seat.type === 'StudentEnrollment' && lastActivity !== null ? iso(lastActivity - (lastActivity % DAY)) : null,
    total_activity_time: lastActivity === null ? 0 : 600 + Math.floor(random() * 90_000),
    sis_import_id: seat.section.sis_section_id === null ? null : 83,
  });
}

function studentState(random: Random): CanvasState {
  const roll = random();
  return roll < 0.88 ? 'active' : roll < 0.93 ? 'invited' : roll < 0.97 ? 'inactive' : 'completed';
}

/** A student's SIS id: most are plain numbers padded to seven digits (leading zeros are real data), some "s…". */
function studentSis(n: number): string {
  return n % 5 === 0 ? `s${n}` : String(n).padStart(7, '0');
}

function sample<T>(random: Random, pool: readonly T[], count: number): T[] {
  const copy = [...pool];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy.slice(0, count);
}

export function seedCanvasStore(name: CanvasSeedName): CanvasStore {
  return name === 'district' ? districtSeed() : smallSeed();
}

interface CourseSpec {
  id: number;
  name: string;
  code: string;
  sis: string | null;
  gradingPeriod: boolean;
  sections: Array<{ id: number; period: string; sis: string | null; students: number }>;
}

const SMALL_COURSES: readonly CourseSpec[] = [
  { id: 101, name: 'Algebra I', code: 'ALG1', sis: 'ALG1-2026', gradingPeriod: true, sections: [{ id: 201, period: 'P3', sis: 'ALG1-P3-2026', students: 22 }, { id: 202, period: 'P5', sis: 'ALG1-P5-2026', students: 18 }] },
  { id: 102, name: 'Biology', code: 'BIO1', sis: 'BIO1-2026', gradingPeriod: true, sections: [{ id: 203, period: 'P1', sis: 'BIO1-P1-2026', students: 26 }, { id: 204, period: 'P4', sis: 'BIO1-P4-2026', students: 17 }] },
  { id: 103, name: 'English 9', code: 'ENG9', sis: 'ENG9-2026', gradingPeriod: false, sections: [{ id: 205, period: 'P2', sis: 'ENG9-P2-2026', students: 28 }, { id: 206, period: 'P6', sis: null, students: 15 }] },
  { id: 104, name: 'World History', code: 'WHIS', sis: null, gradingPeriod: false, sections: [{ id: 207, period: 'P7', sis: null, students: 24 }] },
];

function course(spec: Pick<CourseSpec, 'id' | 'name' | 'code' | 'sis' | 'gradingPeriod'>): SandboxCanvasCourse {
  return {
    id: spec.id,
    name: spec.name,
    course_code: spec.code,
    sis_course_id: spec.sis,
    // SIS-made courses and sections carry the SIS's other key too; hand-made ones have neither.
    integration_id: spec.sis === null ? null : `IC-${spec.sis}`,
    account_id: SUB_ACCOUNT_ID,
    enrollment_term_id: TERM_ID,
    start_at: TERM_START,
    end_at: TERM_END,
    created_at: iso(ROSTER_LOADED - 20 * DAY),
    grading_period: spec.gradingPeriod ? { id: 5, title: 'Fall Grading Period' } : null,
  };
}

function section(courseSpec: Pick<CourseSpec, 'id' | 'name'>, id: number, period: string, sis: string | null): SandboxCanvasSection {
  return { id, course_id: courseSpec.id, name: `${courseSpec.name} ${period}`, sis_section_id: sis, integration_id: sis === null ? null : `IS-${sis}`, start_at: null, end_at: null, created_at: iso(ROSTER_LOADED - 20 * DAY) };
}

/** The small seed's fixed people, by id, for tests and the CLI's description. */
export const SMALL_PEOPLE = { strickland: 1, alvarez: 2, okafor: 3, lindqvist: 4, howlett: 101, firstParent: 601 } as const;

function smallSeed(): CanvasStore {
  const random = mulberry32(20261126);
  const store = baseStore();
  const teachers = [
    person({ id: SMALL_PEOPLE.alvarez, first: 'Elena', last: 'Alvarez', sis: 'T102', title: 'Ms.' }),
    person({ id: SMALL_PEOPLE.okafor, first: 'Chidi', last: 'Okafor', sis: 'T103', title: 'Dr.' }),
    person({ id: SMALL_PEOPLE.lindqvist, first: 'Anders', last: 'Lindqvist', sis: 'T104', title: 'Mr.' }),
    person({ id: 5, first: 'Rosa', last: 'Delgado', sis: null }),
  ];
  for (const teacher of teachers) store.addUser(teacher);
  const students: number[] = [];
  store.addUser(person({ id: SMALL_PEOPLE.howlett, first: 'James', last: 'Howlett', sis: '0000101' }));
  students.push(SMALL_PEOPLE.howlett);
  for (let id = 102; id <= 186; id++) {
    // Every ninth student was added by hand mid-year: no SIS id.
    store.addUser(person({ id, first: pick(random, FIRST_NAMES), last: pick(random, LAST_NAMES), sis: id % 9 === 0 ? null : studentSis(id) }));
    students.push(id);
  }
  for (const spec of SMALL_COURSES) {
    store.addCourse(course(spec));
    for (const s of spec.sections) store.addSection(section(spec, s.id, s.period, s.sis));
  }

  let nextId = 1001;
  const seat = (s: Omit<Seat, 'id'>) => enroll(store, random, { ...s, id: nextId++ });
  const observed: number[] = [];
  for (const spec of SMALL_COURSES) {
    spec.sections.forEach((sectionSpec, index) => {
      const s = store.getSection(sectionSpec.id) as SandboxCanvasSection;
      seat({ section: s, userId: TOKEN_USER_ID, type: 'TeacherEnrollment', state: 'active' });
      const coTeacher = { 101: SMALL_PEOPLE.alvarez, 102: SMALL_PEOPLE.okafor, 103: SMALL_PEOPLE.lindqvist }[spec.id as 101 | 102 | 103];
      if (coTeacher !== undefined && index === 1) {
        seat({ section: s, userId: coTeacher, type: 'TeacherEnrollment', roleId: CO_TEACHER_ROLE_ID, state: 'active', limit: true });
      }
      if (spec.id === 101 && index === 1) seat({ section: s, userId: 5, type: 'TaEnrollment', state: 'active', limit: true });
      if (spec.id === 102 && index === 0) seat({ section: s, userId: SMALL_PEOPLE.okafor, type: 'DesignerEnrollment', state: 'active' });
      const roster = spec.id === 101 && index === 0 ? [SMALL_PEOPLE.howlett, ...sample(random, students.slice(1), sectionSpec.students - 1)] : sample(random, students, sectionSpec.students);
      roster.forEach((userId, i) => {
        // Algebra I P3 always shows an invited, an inactive and a completed student, so state filters find something.
        const fixed: CanvasState | undefined = spec.id === 101 && index === 0 ? ({ 5: 'invited', 7: 'inactive', 9: 'completed' } as Record<number, CanvasState>)[i] : undefined;
        seat({ section: s, userId, type: 'StudentEnrollment', state: fixed ?? (userId === SMALL_PEOPLE.howlett ? 'active' : studentState(random)) });
      });
      if (spec.id === 101 && index === 0) observed.push(...roster.slice(0, 3));
    });
  }
  // Parents observe their children in Algebra I P3; Canvas gives each observer an enrollment per observed student.
  const algebraP3 = store.getSection(201) as SandboxCanvasSection;
  observed.forEach((studentId, i) => {
    const child = store.getUser(studentId) as SandboxCanvasUser;
    const parentId = SMALL_PEOPLE.firstParent + i;
    store.addUser(person({ id: parentId, first: pick(random, FIRST_NAMES), last: child.sortable_name.split(', ')[0] ?? 'Parent', sis: `P${parentId}` }));
    seat({ section: algebraP3, userId: parentId, type: 'ObserverEnrollment', state: i === 2 ? 'invited' : 'active', associatedUserId: studentId });
  });
  return store;
}

const DISTRICT_SUBJECTS = [
  ['Algebra I', 'ALG1'], ['Geometry', 'GEOM'], ['Algebra II', 'ALG2'], ['Precalculus', 'PCAL'], ['Biology', 'BIO1'],
  ['Chemistry', 'CHEM'], ['Physics', 'PHYS'], ['English 9', 'ENG9'], ['English 10', 'EN10'], ['English 11', 'EN11'],
  ['World History', 'WHIS'], ['US History', 'USHI'], ['Government', 'GOVT'], ['Spanish I', 'SPA1'], ['French I', 'FRE1'],
  ['Studio Art', 'ARTS'], ['Concert Band', 'BAND'], ['Health', 'HLTH'], ['Computer Science', 'CSCI'], ['Journalism', 'JOUR'],
] as const;
const DISTRICT_COURSES = 1000;
const DISTRICT_STUDENTS = 13_000;

/**
 * 1,000 courses of two sections each. Every section has Strickland and a teacher; the remaining seats go to
 * contiguous runs of a 13,000-student population so the total is exactly 100,000.
 */
function districtSeed(): CanvasStore {
  const random = mulberry32(20261127);
  const store = baseStore();
  const population: number[] = [];
  for (let i = 0; i < DISTRICT_STUDENTS; i++) {
    const id = 10_000 + i;
    store.addUser(person({ id, first: pick(random, FIRST_NAMES), last: pick(random, LAST_NAMES), sis: studentSis(id) }));
    population.push(id);
  }
  const teacherCount = 200;
  for (let t = 0; t < teacherCount; t++) {
    store.addUser(person({ id: 1000 + t, first: pick(random, FIRST_NAMES), last: pick(random, LAST_NAMES), sis: `T${1000 + t}`, title: pick(random, ['Mr.', 'Ms.', 'Dr.']) }));
  }
  const sections: SandboxCanvasSection[] = [];
  for (let c = 0; c < DISTRICT_COURSES; c++) {
    const [subject, code] = DISTRICT_SUBJECTS[c % DISTRICT_SUBJECTS.length] as readonly [string, string];
    const school = String(Math.floor(c / DISTRICT_SUBJECTS.length) + 1).padStart(2, '0');
    const spec = { id: 100_000 + c, name: `${subject} (${school})`, code: `${code}-${school}`, sis: `${code}-${school}-2026`, gradingPeriod: c % 2 === 0 };
    store.addCourse(course(spec));
    for (const period of ['P1', 'P2']) {
      const s = section(spec, 200_000 + sections.length, period, `${spec.sis}-${period}`);
      store.addSection(s);
      sections.push(s);
    }
  }
  const fixedSeats = sections.length * 2;
  const studentSeats = DISTRICT_ENROLLMENTS - fixedSeats;
  const perSection = Math.floor(studentSeats / sections.length);
  const extra = studentSeats % sections.length;
  sections.forEach((s, index) => {
    enroll(store, random, { section: s, userId: TOKEN_USER_ID, type: 'TeacherEnrollment', state: 'active' });
    enroll(store, random, { section: s, userId: 1000 + (index % teacherCount), type: 'TeacherEnrollment', state: 'active' });
    const start = Math.floor(random() * population.length);
    const seats = perSection + (index < extra ? 1 : 0);
    for (let i = 0; i < seats; i++) {
      enroll(store, random, { section: s, userId: population[(start + i) % population.length] as number, type: 'StudentEnrollment', state: studentState(random) });
    }
  });
  return store;
}
