/**
 * The sandbox's two districts, generated from a fixed PRNG seed so every start gives the same data.
 *
 * Both hold the documented examples where the seed document puts them: uid 45552 "Mr. Strickland" (the owner of the
 * sandbox's consumer key, admin in every realm) and uid 48289 "James Howlett" (school_uid s1) in sections/3719526
 * "Algebra I" P3 under enrollment ids 43807916 and 44783136; sections/4318461 is Algebra I P5; groups/65371 exists.
 * - 'small': a school a newcomer can read at a glance — 7 sections of 4 courses, 3 groups, students in several rosters.
 * - 'district': exactly 100,000 enrollments over 4,000 realms, for paging and performance.
 */
import { mulberry32, pick, type Random } from './sandbox-random';
import { FIRST_NAMES, LAST_NAMES } from './sandbox-names';
import {
  SandboxStore,
  type AdminFlag,
  type EnrollmentStatus,
  type SandboxGroup,
  type SandboxSection,
  type SandboxUser,
} from './sandbox-store';

export const SEED_NAMES = ['small', 'district'] as const;
export type SeedName = (typeof SEED_NAMES)[number];

export function isSeedName(value: string): value is SeedName {
  return (SEED_NAMES as readonly string[]).includes(value);
}

/** The user who owns the sandbox's consumer key: two-legged calls act as him, and he approves three-legged ones. */
export const KEY_OWNER_UID = '45552';
export const DISTRICT_ENROLLMENTS = 100_000;
export const GRADING_PERIODS = { fall: 435, spring: 13011 } as const;

const SCHOOL_ID = '2433';
const BUILDING_ID = '2433';
const DEFAULT_PICTURE = 'https://asset-cdn.schoology.com/sites/all/themes/schoology_theme/images/user-default.svg';

const PREFERRED_NAMES = ['Alex', 'Bea', 'Charlie', 'Dani', 'Jo', 'Max', 'Sam', 'Teddy'] as const;

interface PersonSpec {
  uid: string;
  schoolUid: string;
  first: string;
  last: string;
  title?: string;
  preferred?: string;
  middle?: string;
  picture?: string;
  teacher?: boolean;
}

function user(spec: PersonSpec): SandboxUser {
  const shownFirst = spec.preferred || spec.first;
  const title = spec.title ?? '';
  const login = `${spec.first}.${spec.last}`.toLowerCase().replace(/[^a-z.]/g, '');
  return {
    uid: spec.uid,
    school_uid: spec.schoolUid,
    name_title: title,
    name_title_show: title ? '1' : '0',
    name_first: spec.first,
    name_first_preferred: spec.preferred ?? '',
    name_middle: spec.middle ?? '',
    name_middle_show: '0',
    name_last: spec.last,
    name_display: title ? `${title} ${spec.last}` : `${shownFirst} ${spec.last}`,
    picture_url: spec.picture ?? DEFAULT_PICTURE,
    username: `${login}${spec.uid.slice(-3)}`,
    primary_email: `${login}${spec.uid.slice(-3)}@sandbox-district.example.org`,
    role_id: spec.teacher ? '2' : '1',
    school_id: SCHOOL_ID,
    building_id: BUILDING_ID,
  };
}

/** The documented people, exactly as the seed examples spell them (Strickland's "Mr." really is his first name there). */
const STRICKLAND = user({ uid: KEY_OWNER_UID, schoolUid: '', first: 'Mr.', last: 'Strickland', picture: 'http://../images/avatar1.png', teacher: true });
const HOWLETT = user({ uid: '48289', schoolUid: 's1', first: 'James', last: 'Howlett', picture: 'http://.../default_user.gif' });
const SEED_ENROLLMENT_IDS = { strickland: '43807916', howlett: '44783136' } as const;

/** People the seed document's request examples name, so those bodies work as written. */
const EXAMPLE_PEOPLE: readonly PersonSpec[] = [
  { uid: '2461632', schoolUid: 'test1234', first: 'Marisol', last: 'Ortega' },
  { uid: '23453322', schoolUid: 'test456', first: 'Devon', last: 'Hale' },
  { uid: '87942', schoolUid: 's87942', first: 'Priya', last: 'Raman' },
  { uid: '12873', schoolUid: 'T12873', first: 'Lucia', last: 'Ruiz', title: 'Ms.', teacher: true },
];

function section(fields: Omit<SandboxSection, 'active' | 'description' | 'school_id' | 'building_id'>): SandboxSection {
  return { ...fields, active: 1, description: '', school_id: SCHOOL_ID, building_id: BUILDING_ID };
}

function group(fields: Pick<SandboxGroup, 'id' | 'title' | 'description' | 'category' | 'access_code'>): SandboxGroup {
  return { ...fields, group_code: '', website: '', privacy_level: 'school', picture_url: '', school_id: SCHOOL_ID, building_id: BUILDING_ID };
}

const ALGEBRA_P3 = section({
  id: '3719526', course_id: '3719500', course_title: 'Algebra I', course_code: 'ALG1', section_title: 'P3', section_code: 'P3',
  section_school_code: 'ALG1-P3', grading_periods: [GRADING_PERIODS.fall, GRADING_PERIODS.spring], access_code: 'VCVKF-4MJG9',
  subject_area: 'Mathematics', grade_level_range: '9',
});
const ALGEBRA_P5 = section({
  id: '4318461', course_id: '3719500', course_title: 'Algebra I', course_code: 'ALG1', section_title: 'P5', section_code: 'P5',
  section_school_code: 'ALG1-P5', grading_periods: [GRADING_PERIODS.fall, GRADING_PERIODS.spring], access_code: 'H7QDM-2WX4P',
  subject_area: 'Mathematics', grade_level_range: '9',
});
const ROBOTICS = group({ id: '65371', title: 'Robotics Club', description: 'Build season meets Tuesdays and Thursdays.', category: 'Clubs', access_code: 'R0B0T-65371' });
const COUNCIL = group({ id: '65388', title: 'Class of 2028 Council', description: 'Student council for the class of 2028.', category: 'Student Government', access_code: 'CL28C-XK3TN' });
const MATH_TEAM = group({ id: '65402', title: 'Math Team', description: 'Competition practice, Fridays after school.', category: 'Clubs', access_code: 'M4THT-9PQ2R' });

function randomStatus(random: Random): EnrollmentStatus {
  const roll = random();
  return roll < 0.9 ? 1 : roll < 0.94 ? 2 : roll < 0.97 ? 3 : roll < 0.99 ? 4 : 5;
}

function accessCode(random: Random): string {
  const alphabet = 'BCDFGHJKLMNPQRSTVWXZ23456789';
  const part = () => Array.from({ length: 5 }, () => pick(random, [...alphabet])).join('');
  return `${part()}-${part()}`;
}

/** Student n of a generated population: names drawn from the lists, a school_uid, now and then a preferred name. */
function student(random: Random, uid: string, schoolUid: string): SandboxUser {
  return user({
    uid,
    schoolUid,
    first: pick(random, FIRST_NAMES),
    last: pick(random, LAST_NAMES),
    preferred: random() < 0.06 ? pick(random, PREFERRED_NAMES) : '',
  });
}

/** `count` distinct items of `pool`, in a seeded order. */
function sample<T>(random: Random, pool: readonly T[], count: number): T[] {
  const copy = [...pool];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy.slice(0, count);
}

export function seedStore(name: SeedName): SandboxStore {
  return name === 'district' ? districtSeed() : smallSeed();
}

/** Ids start above the documented examples, so a created enrollment never takes an id the docs use. */
const FIRST_GENERATED_ID = 50_000_000;

function smallSeed(): SandboxStore {
  const random = mulberry32(20260301);
  const store = new SandboxStore();
  store.addUser(STRICKLAND);
  store.addUser(HOWLETT);
  for (const person of EXAMPLE_PEOPLE) store.addUser(user(person));
  const teachers = [
    user({ uid: '45561', schoolUid: 'T102', first: 'Elena', last: 'Alvarez', title: 'Ms.', teacher: true }),
    user({ uid: '45574', schoolUid: 'T103', first: 'Chidi', last: 'Okafor', title: 'Dr.', teacher: true }),
    user({ uid: '45588', schoolUid: 'T104', first: 'Anders', last: 'Lindqvist', title: 'Mr.', teacher: true }),
  ];
  for (const teacher of teachers) store.addUser(teacher);
  // uids with irregular gaps and school_uids s2.., as a real SIS export looks; s2/s3 are the import example's.
  const students: SandboxUser[] = [];
  let uid = 48289;
  for (let n = 2; n <= 86; n++) {
    uid += 1 + Math.floor(random() * 9);
    students.push(store.addUser(student(random, String(uid), `s${n}`)));
  }
  const [alvarez, okafor, lindqvist] = teachers.map((teacher) => teacher.uid) as [string, string, string];

  const sections: Array<{ section: SandboxSection; coTeacher?: string; students: number }> = [
    { section: ALGEBRA_P3, students: 22 },
    { section: ALGEBRA_P5, coTeacher: alvarez, students: 18 },
    ...[
      { id: '3719531', course_id: '3719503', course_title: 'Biology', course_code: 'BIO1', period: 'P1', gp: [435, 13011], subject: 'Science', co: okafor, n: 26 },
      { id: '3719544', course_id: '3719503', course_title: 'Biology', course_code: 'BIO1', period: 'P4', gp: [435, 13011], subject: 'Science', co: okafor, n: 17 },
      { id: '3719558', course_id: '3719507', course_title: 'English 9', course_code: 'ENG9', period: 'P2', gp: [435], subject: 'English', co: lindqvist, n: 28 },
      { id: '3719573', course_id: '3719507', course_title: 'English 9', course_code: 'ENG9', period: 'P6', gp: [435], subject: 'English', co: lindqvist, n: 15 },
      { id: '3719589', course_id: '3719512', course_title: 'World History', course_code: 'WHIS', period: 'P7', gp: [13011], subject: 'Social Studies', co: undefined, n: 24 },
    ].map((s) => ({
      section: section({
        id: s.id, course_id: s.course_id, course_title: s.course_title, course_code: s.course_code, section_title: s.period,
        section_code: s.period, section_school_code: `${s.course_code}-${s.period}`, grading_periods: s.gp,
        access_code: accessCode(random), subject_area: s.subject, grade_level_range: '9',
      }),
      coTeacher: s.co,
      students: s.n,
    })),
  ];
  for (const { section: s } of sections) store.addSection(s);
  for (const g of [ROBOTICS, COUNCIL, MATH_TEAM]) store.addGroup(g);

  let nextId = FIRST_GENERATED_ID;
  const enroll = (realmKey: string, uid: string, admin: AdminFlag, status: EnrollmentStatus) =>
    store.insertEnrollment(String(nextId++), realmKey, { uid, admin, status });

  for (const { section: s, coTeacher, students: count } of sections) {
    const key = `sections/${s.id}`;
    if (s.id === ALGEBRA_P3.id) {
      store.insertEnrollment(SEED_ENROLLMENT_IDS.strickland, key, { uid: KEY_OWNER_UID, admin: 1, status: 1 });
      store.insertEnrollment(SEED_ENROLLMENT_IDS.howlett, key, { uid: HOWLETT.uid, admin: 0, status: 1 });
    } else {
      enroll(key, KEY_OWNER_UID, 1, 1);
    }
    if (coTeacher) enroll(key, coTeacher, 1, 1);
    sample(random, students, count).forEach((person, i) => {
      // Algebra P3 always shows an expired and an invited student, so status filters have something to find.
      const status = s.id === ALGEBRA_P3.id && i === 5 ? 2 : s.id === ALGEBRA_P3.id && i === 9 ? 3 : randomStatus(random);
      enroll(key, person.uid, 0, status);
    });
  }
  const groupMembers: Array<[SandboxGroup, number]> = [[ROBOTICS, 12], [COUNCIL, 9], [MATH_TEAM, 14]];
  for (const [g, count] of groupMembers) {
    const key = `groups/${g.id}`;
    enroll(key, KEY_OWNER_UID, 1, 1);
    if (g.id === ROBOTICS.id) enroll(key, '12873', 1, 1);
    for (const person of sample(random, students, count)) enroll(key, person.uid, 0, 1);
  }
  return store;
}

const DISTRICT_SUBJECTS = [
  ['Algebra I', 'ALG1', 'Mathematics'], ['Geometry', 'GEOM', 'Mathematics'], ['Algebra II', 'ALG2', 'Mathematics'],
  ['Precalculus', 'PCAL', 'Mathematics'], ['AP Calculus AB', 'CALC', 'Mathematics'], ['Statistics', 'STAT', 'Mathematics'],
  ['Biology', 'BIO1', 'Science'], ['Chemistry', 'CHEM', 'Science'], ['Physics', 'PHYS', 'Science'],
  ['Earth Science', 'ERTH', 'Science'], ['Environmental Science', 'ENVS', 'Science'], ['English 9', 'ENG9', 'English'],
  ['English 10', 'EN10', 'English'], ['English 11', 'EN11', 'English'], ['English 12', 'EN12', 'English'],
  ['Creative Writing', 'CRWR', 'English'], ['World History', 'WHIS', 'Social Studies'], ['US History', 'USHI', 'Social Studies'],
  ['Government', 'GOVT', 'Social Studies'], ['Economics', 'ECON', 'Social Studies'], ['Psychology', 'PSYC', 'Social Studies'],
  ['Spanish I', 'SPA1', 'World Languages'], ['Spanish II', 'SPA2', 'World Languages'], ['French I', 'FRE1', 'World Languages'],
  ['Mandarin I', 'MAN1', 'World Languages'], ['Studio Art', 'ARTS', 'Arts'], ['Concert Band', 'BAND', 'Arts'],
  ['Choir', 'CHOR', 'Arts'], ['Theatre', 'THEA', 'Arts'], ['Health', 'HLTH', 'Health & PE'], ['Physical Education', 'PE09', 'Health & PE'],
  ['Computer Science', 'CSCI', 'Technology'], ['Web Design', 'WEBD', 'Technology'], ['Engineering Design', 'ENGR', 'Technology'],
  ['Personal Finance', 'PFIN', 'Electives'], ['Journalism', 'JOUR', 'Electives'],
] as const;
const DISTRICT_SCHOOLS = 11;
const DISTRICT_SECTIONS = 3960;
const DISTRICT_GROUPS = 40;
const DISTRICT_STUDENTS = 13_000;
const BIG_GROUP_MEMBERS = 2000;

/**
 * 3,960 sections (36 subjects × 11 schools × ~10 periods) and 40 groups. Every realm has Strickland as admin, every
 * section but Algebra P3 a teacher; the remaining seats are filled by contiguous runs of a 13,000-student population
 * (no one twice in a roster, each student in about seven). groups/65388 is a 2,000-member class group, so one realm
 * needs ten 200-item pages.
 */
function districtSeed(): SandboxStore {
  const random = mulberry32(20260302);
  const store = new SandboxStore();
  store.addUser(STRICKLAND);
  store.addUser(HOWLETT);
  for (const person of EXAMPLE_PEOPLE) store.addUser(user(person));
  const population: string[] = [];
  for (let i = 0; i < DISTRICT_STUDENTS; i++) {
    const uid = String(1_000_000 + i);
    store.addUser(student(random, uid, `S${200_000 + i}`));
    population.push(uid);
  }

  const sections: SandboxSection[] = [ALGEBRA_P3, ALGEBRA_P5];
  const perCourse = Math.ceil(DISTRICT_SECTIONS / (DISTRICT_SUBJECTS.length * DISTRICT_SCHOOLS));
  for (let school = 1; school <= DISTRICT_SCHOOLS && sections.length < DISTRICT_SECTIONS; school++) {
    for (const [title, code, subject] of DISTRICT_SUBJECTS) {
      const courseCode = `${code}-${String(school).padStart(2, '0')}`;
      const courseId = String(4_000_000 + sections.length);
      for (let period = 1; period <= perCourse && sections.length < DISTRICT_SECTIONS; period++) {
        sections.push(
          section({
            id: String(5_000_000 + sections.length), course_id: courseId, course_title: title, course_code: courseCode,
            section_title: `P${period}`, section_code: `P${period}`, section_school_code: `${courseCode}-P${period}`,
            grading_periods: period % 3 === 0 ? [GRADING_PERIODS.fall] : [GRADING_PERIODS.fall, GRADING_PERIODS.spring],
            access_code: accessCode(random), subject_area: subject, grade_level_range: '9-12',
          }),
        );
      }
    }
  }
  const groups: SandboxGroup[] = [ROBOTICS, COUNCIL, MATH_TEAM];
  while (groups.length < DISTRICT_GROUPS) {
    groups.push(group({ id: String(70_000 + groups.length), title: `Club ${groups.length - 2}`, description: '', category: 'Clubs', access_code: accessCode(random) }));
  }
  for (const s of sections) store.addSection(s);
  for (const g of groups) store.addGroup(g);

  const teachers = Math.ceil(DISTRICT_SECTIONS / 6);
  for (let t = 0; t < teachers; t++) {
    store.addUser(user({ uid: String(900_000 + t), schoolUid: `T${3000 + t}`, first: pick(random, FIRST_NAMES), last: pick(random, LAST_NAMES), title: pick(random, ['Mr.', 'Ms.', 'Dr.']), teacher: true }));
  }

  // Count the fixed seats first, so the student seats make the total exactly 100,000.
  const realms = [...sections.map((s) => `sections/${s.id}`), ...groups.map((g) => `groups/${g.id}`)];
  const fixedSeats = realms.length /* Strickland */ + (sections.length - 1) /* a teacher each but P3 */ + 1; /* Howlett */
  const bigGroupKey = `groups/${COUNCIL.id}`;
  const otherGroupSeats = 40;
  const studentSeats = DISTRICT_ENROLLMENTS - fixedSeats - BIG_GROUP_MEMBERS - otherGroupSeats * (groups.length - 1);
  const perSection = Math.floor(studentSeats / sections.length);
  const extra = studentSeats % sections.length;

  let nextId = FIRST_GENERATED_ID;
  const enroll = (realmKey: string, uid: string, admin: AdminFlag, status: EnrollmentStatus) =>
    store.insertEnrollment(String(nextId++), realmKey, { uid, admin, status });
  const fill = (realmKey: string, seats: number) => {
    const start = Math.floor(random() * population.length);
    for (let i = 0; i < seats; i++) enroll(realmKey, population[(start + i) % population.length] as string, 0, randomStatus(random));
  };

  sections.forEach((s, index) => {
    const key = `sections/${s.id}`;
    if (s.id === ALGEBRA_P3.id) {
      store.insertEnrollment(SEED_ENROLLMENT_IDS.strickland, key, { uid: KEY_OWNER_UID, admin: 1, status: 1 });
      store.insertEnrollment(SEED_ENROLLMENT_IDS.howlett, key, { uid: HOWLETT.uid, admin: 0, status: 1 });
    } else {
      enroll(key, KEY_OWNER_UID, 1, 1);
      enroll(key, String(900_000 + (index % teachers)), 1, 1);
    }
    fill(key, perSection + (index < extra ? 1 : 0));
  });
  for (const g of groups) {
    const key = `groups/${g.id}`;
    enroll(key, KEY_OWNER_UID, 1, 1);
    fill(key, key === bigGroupKey ? BIG_GROUP_MEMBERS : otherGroupSeats);
  }
  return store;
}
