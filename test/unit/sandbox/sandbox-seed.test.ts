import { describe, expect, it } from 'vitest';
import { KEY_OWNER_UID, seedStore } from '../../../electron/sandbox/sandbox-seed';
import type { SandboxStore } from '../../../electron/sandbox/sandbox-store';

const realmKeys = (store: SandboxStore) => [...store.listSections().map((s) => `sections/${s.id}`), ...store.listGroups().map((g) => `groups/${g.id}`)];

describe("the 'small' seed", () => {
  const store = seedStore('small');

  it('holds the seed example enrollments in sections/3719526, Algebra I P3', () => {
    expect(store.getEnrollment('43807916')).toEqual({ id: '43807916', realmKey: 'sections/3719526', uid: '45552', admin: 1, status: 1 });
    expect(store.getEnrollment('44783136')).toEqual({ id: '44783136', realmKey: 'sections/3719526', uid: '48289', admin: 0, status: 1 });
    expect(store.getSection('3719526')).toMatchObject({
      course_title: 'Algebra I',
      course_code: 'ALG1',
      section_code: 'P3',
      section_school_code: 'ALG1-P3',
      access_code: 'VCVKF-4MJG9',
    });
    expect(store.getSection('3719526')?.grading_periods).toContain(435);
    expect(store.getSection('4318461')).toMatchObject({ course_title: 'Algebra I', section_title: 'P5' });
  });

  it('spells the two example people exactly as the seed does', () => {
    expect(store.getUser('45552')).toMatchObject({ name_first: 'Mr.', name_last: 'Strickland', name_display: 'Mr. Strickland', school_uid: '' });
    expect(store.getUser('48289')).toMatchObject({ name_first: 'James', name_last: 'Howlett', name_display: 'James Howlett', school_uid: 's1' });
  });

  it('has 5 to 8 sections in 3 or 4 courses, 15 to 30 students each, and 2 or 3 groups including 65371', () => {
    const sections = store.listSections();
    expect(sections.length).toBeGreaterThanOrEqual(5);
    expect(sections.length).toBeLessThanOrEqual(8);
    expect(new Set(sections.map((s) => s.course_code)).size).toBeGreaterThanOrEqual(3);
    for (const section of sections) {
      const students = store.enrollmentsIn(`sections/${section.id}`).filter((e) => e.admin === 0).length;
      expect(students, section.section_school_code).toBeGreaterThanOrEqual(15);
      expect(students, section.section_school_code).toBeLessThanOrEqual(30);
    }
    expect(store.listGroups().map((g) => g.id)).toContain('65371');
  });

  it('makes the key owner admin of every section and group', () => {
    for (const key of realmKeys(store)) expect(store.findEnrollment(key, KEY_OWNER_UID)?.admin, key).toBe(1);
  });

  it('puts some students in several sections and has other teachers too', () => {
    const sectionsPerStudent = new Map<string, number>();
    for (const section of store.listSections()) {
      for (const e of store.enrollmentsIn(`sections/${section.id}`)) if (e.admin === 0) sectionsPerStudent.set(e.uid, (sectionsPerStudent.get(e.uid) ?? 0) + 1);
    }
    expect([...sectionsPerStudent.values()].some((n) => n >= 3)).toBe(true);
    const teachers = new Set(realmKeys(store).flatMap((key) => store.enrollmentsIn(key).filter((e) => e.admin === 1).map((e) => e.uid)));
    expect(teachers.size).toBeGreaterThan(2);
  });

  it('gives every section and group its own access code', () => {
    const codes = [...store.listSections(), ...store.listGroups()].map((realm) => realm.access_code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes.every((code) => /^[A-Z0-9]{5}-[A-Z0-9]{5}$/.test(code))).toBe(true);
  });

  it('is the same on every start', () => {
    const again = seedStore('small');
    expect(realmKeys(again).map((key) => again.enrollmentsIn(key))).toEqual(realmKeys(store).map((key) => store.enrollmentsIn(key)));
    const student = store.enrollmentsIn('sections/3719558')[5]!.uid;
    expect(again.getUser(student)).toEqual(store.getUser(student));
    expect(again.getUser(student)?.name_display).toMatch(/^\S+ \S+/);
  });
});

describe("the 'district' seed", () => {
  const store = seedStore('district');

  it('holds exactly 100,000 enrollments', () => {
    expect(store.countEnrollments()).toBe(100_000);
  });

  it('makes the key owner admin in all of its thousands of realms', () => {
    const keys = realmKeys(store);
    expect(keys.length).toBeGreaterThan(3000);
    expect(store.enrollmentsOf(KEY_OWNER_UID).filter((e) => e.admin === 1)).toHaveLength(keys.length);
  });

  it('holds the seed examples too', () => {
    expect(store.getEnrollment('44783136')).toMatchObject({ realmKey: 'sections/3719526', uid: '48289' });
    expect(store.getSection('4318461')?.section_code).toBe('P5');
    expect(store.getGroup('65371')?.title).toBe('Robotics Club');
  });

  it('never puts a person in a roster twice', () => {
    for (const key of realmKeys(store).slice(0, 500)) {
      const uids = store.enrollmentsIn(key).map((e) => e.uid);
      expect(new Set(uids).size, key).toBe(uids.length);
    }
  });

  it('is the same on every start', () => {
    const again = seedStore('district');
    expect(store.enrollmentsIn('sections/5001234').length).toBeGreaterThan(20);
    expect(again.enrollmentsIn('sections/5001234')).toEqual(store.enrollmentsIn('sections/5001234'));
    expect(again.getUser('1004321')).toEqual(store.getUser('1004321'));
    expect(store.getUser('1004321')).toBeDefined();
  });
});
