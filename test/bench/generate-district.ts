/**
 * A deterministic Schoology-like district for benchmarks: `sections` sections of `perSection` enrollments each, one
 * teacher per section and students who each sit in about seven sections (so people repeat across rosters, as in a
 * real secondary school). Same seed, same district.
 */
import { type NewAccount } from '../../electron/db/accounts-repo';
import { type Enrollment } from '../../shared/domain/enrollment';
import { type Realm } from '../../shared/domain/realm';
import { enrollmentFromSchoology } from '../../shared/domain/schoology-mapping';
import { type SchoologyEnrollment } from '../../shared/domain/schoology-wire';

export interface District {
  account: NewAccount;
  realms: Realm[];
  /** Realm key → its complete roster. */
  rosters: Map<string, Enrollment[]>;
  enrollmentCount: number;
}

export interface DistrictOptions {
  sections?: number;
  perSection?: number;
  seed?: number;
  accountId?: string;
}

/** mulberry32: tiny, fast and good enough to make names look random. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ['James', 'Maria', 'Noah', 'Olivia', 'Liam', 'Emma', 'Mateo', 'Sofía', 'Wei', 'Aisha', 'Lucas', 'Chloé',
  'Ethan', 'Zoë', 'Omar', 'Hannah', 'Diego', 'Priya', 'Jonas', 'Léa', 'Kenji', 'Amara', 'Elias', 'Nora', 'Tomás'];
const LAST = ['Howlett', 'García', 'Smith', 'Nguyen', 'Müller', 'Johnson', 'Okafor', 'Kowalski', 'Brown', 'Rossi',
  'Hernández', 'Kim', 'Patel', 'Dubois', 'Andersson', 'Walker', 'Ivanova', 'Silva', 'Chen', 'O\u2019Brien', 'Schmidt'];
const SUBJECTS = ['Algebra I', 'Biology', 'English 9', 'World History', 'Chemistry', 'Spanish II', 'Geometry', 'Art'];

interface Person {
  uid: string;
  schoolUid: string;
  first: string;
  preferred: string;
  last: string;
  title: string;
}

function person(rand: () => number, uid: number, teacher: boolean): Person {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  return {
    uid: String(uid),
    schoolUid: teacher ? `T${uid}` : rand() < 0.97 ? `S${100000 + uid}` : '',
    first: pick(FIRST),
    preferred: rand() < 0.08 ? pick(FIRST) : '',
    last: pick(LAST),
    title: teacher ? pick(['Mr.', 'Ms.', 'Dr.']) : '',
  };
}

function record(p: Person, enrollmentId: number, realmKey: string, admin: 0 | 1, status: 1 | 2 | 3 | 4 | 5): SchoologyEnrollment {
  const shownFirst = p.preferred || p.first;
  return {
    id: String(enrollmentId),
    uid: p.uid,
    school_uid: p.schoolUid,
    name_title: p.title,
    name_title_show: p.title ? 1 : 0,
    name_first: p.first,
    name_first_preferred: p.preferred,
    name_middle: '',
    name_middle_show: 0,
    name_last: p.last,
    name_display: p.title ? `${p.title} ${p.last}` : `${shownFirst} ${p.last}`,
    admin,
    status,
    picture_url: `https://asset-cdn.schoology.com/system/files/imagecache/profile_reg/pictures/picture-${p.uid}.jpg`,
    links: { self: `https://api.schoology.com/v1/${realmKey}/enrollments/${enrollmentId}` },
  };
}

export function generateDistrict(options: DistrictOptions = {}): District {
  const { sections = 2000, perSection = 50, seed = 20261125, accountId = 'district' } = options;
  const rand = random(seed);
  const students = Math.max(perSection, Math.round((sections * (perSection - 1)) / 7));
  const people = Array.from({ length: students }, (_, i) => person(rand, 100000 + i, false));
  const realms: Realm[] = [];
  const rosters = new Map<string, Enrollment[]>();
  let enrollmentId = 40000000;
  for (let s = 0; s < sections; s++) {
    const remoteId = String(3700000 + s);
    const key = `sections/${remoteId}`;
    const subject = SUBJECTS[s % SUBJECTS.length]!;
    realms.push({
      key,
      accountId,
      provider: 'schoology',
      kind: 'section',
      remoteId,
      title: `${subject} — Period ${(s % 7) + 1}`,
      courseTitle: subject,
      courseCode: `C${100 + (s % SUBJECTS.length)}`,
      courseSisId: '',
      sectionCode: String(s),
      sectionSchoolCode: `SC${s}`,
      gradingPeriods: ['435', '13011'],
      pulledAt: null,
    });
    const roster: Enrollment[] = [];
    const teacher = person(rand, 900000 + s, true);
    roster.push(enrollmentFromSchoology(record(teacher, enrollmentId++, key, 1, 1), key));
    // A contiguous run of students per section, so each student lands in ~7 sections and no roster repeats a student.
    const start = Math.floor(rand() * students);
    for (let i = 0; i < perSection - 1; i++) {
      const p = people[(start + i) % students]!;
      const roll = rand();
      const status = roll < 0.9 ? 1 : roll < 0.94 ? 2 : roll < 0.97 ? 3 : roll < 0.99 ? 4 : 5;
      roster.push(enrollmentFromSchoology(record(p, enrollmentId++, key, 0, status), key));
    }
    rosters.set(key, roster);
  }
  return {
    account: { id: accountId, name: 'Schoology · district.example.org', provider: 'schoology', baseUrl: 'https://api.schoology.com/v1' },
    realms,
    rosters,
    enrollmentCount: enrollmentId - 40000000,
  };
}
