import { beforeEach, describe, expect, it } from 'vitest';
import { seedStore } from '../../../electron/sandbox/sandbox-seed';
import { SandboxStoreError, type SandboxStore } from '../../../electron/sandbox/sandbox-store';

let store: SandboxStore;
beforeEach(() => {
  store = seedStore('small');
});

const P3 = 'sections/3719526';

describe('SandboxStore', () => {
  it('adds an enrollment with the next free id, at the end of the realm', () => {
    const created = store.addEnrollment(P3, { uid: '2461632', admin: 0, status: 3 });
    expect(Number(created.id)).toBeGreaterThan(Math.max(...store.enrollmentsIn(P3).slice(0, -1).map((e) => Number(e.id))));
    expect(store.enrollmentsIn(P3).at(-1)).toEqual(created);
    expect(store.enrollmentsOf('2461632')).toEqual([created]);
  });

  it('never refuses a second enrollment of the same person in a realm (the duplicate of a retried create)', () => {
    const first = store.addEnrollment(P3, { uid: '48289', admin: 0, status: 1 });
    expect(store.enrollmentsIn(P3).filter((e) => e.uid === '48289').map((e) => e.id)).toEqual(['44783136', first.id]);
    expect(store.findEnrollment(P3, '48289')?.id).toBe('44783136');
  });

  it.each([
    ['sections/1', '48289', 0, 1, 'unknown-realm'],
    [P3, '1', 0, 1, 'unknown-user'],
    [P3, '48289', 2, 1, 'invalid-value'],
    [P3, '48289', 0, 6, 'invalid-value'],
  ] as const)('refuses %s uid %s admin %s status %s with %s', (realmKey, uid, admin, status, code) => {
    const before = store.countEnrollments();
    expect(() => store.addEnrollment(realmKey, { uid, admin: admin as 0, status: status as 1 })).toThrow(
      expect.objectContaining({ name: 'SandboxStoreError', code }),
    );
    expect(store.countEnrollments()).toBe(before);
  });

  it('updates role and status in place', () => {
    expect(store.updateEnrollment('44783136', { status: 5 })).toEqual({ id: '44783136', realmKey: P3, uid: '48289', admin: 0, status: 5 });
    expect(store.enrollmentsIn(P3)[1]?.status).toBe(5);
    expect(() => store.updateEnrollment('1', { status: 2 })).toThrow(SandboxStoreError);
  });

  it('removes an enrollment from every index', () => {
    expect(store.removeEnrollment('44783136')).toBe(true);
    expect(store.getEnrollment('44783136')).toBeUndefined();
    expect(store.enrollmentsIn(P3).some((e) => e.id === '44783136')).toBe(false);
    expect(store.enrollmentsOf('48289').some((e) => e.id === '44783136')).toBe(false);
    expect(store.removeEnrollment('44783136')).toBe(false);
  });

  it('hands out copies, so a test cannot change the data by accident', () => {
    const enrollment = store.getEnrollment('44783136')!;
    enrollment.status = 4;
    store.enrollmentsIn(P3)[1]!.admin = 1;
    expect(store.getEnrollment('44783136')).toMatchObject({ admin: 0, status: 1 });
  });

  it('finds sections by codes and access codes, ignoring the case of a typed code', () => {
    expect(store.sectionsWithCodes('ALG1', 'P5').map((s) => s.id)).toEqual(['4318461']);
    expect(store.sectionWithSchoolCode('ALG1-P3')?.id).toBe('3719526');
    expect(store.realmWithAccessCode('vcvkf-4mjg9')).toBe(P3);
    expect(store.userBySchoolUid('s1')?.uid).toBe('48289');
  });
});
