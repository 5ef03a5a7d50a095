/**
 * The sandbox LMS's data: users, sections, groups and the enrollments joining them, indexed so that every request
 * touches only the realm or person it names (the district seed holds 100,000 enrollments; no request scans them all).
 *
 * Users, sections and groups are kept in Schoology's own field names and spellings, because the routes hand them
 * out as they are. Enrollments are kept as the four facts Schoology keeps — no version, no timestamp — so a client
 * cannot lean on anything the real API does not give it.
 */

export type AdminFlag = 0 | 1;
export type EnrollmentStatus = 1 | 2 | 3 | 4 | 5;

export interface SandboxEnrollment {
  id: string;
  /** "sections/3719526" or "groups/65371". */
  realmKey: string;
  uid: string;
  admin: AdminFlag;
  status: EnrollmentStatus;
}

/** A person, with the fields Schoology embeds in enrollment records and user records. */
export interface SandboxUser {
  uid: string;
  school_uid: string;
  name_title: string;
  name_title_show: '0' | '1';
  name_first: string;
  name_first_preferred: string;
  name_middle: string;
  name_middle_show: '0' | '1';
  name_last: string;
  name_display: string;
  picture_url: string;
  username: string;
  primary_email: string;
  /** Schoology role ids: this sandbox uses 1 for students, 2 for teachers. */
  role_id: string;
  school_id: string;
  building_id: string;
}

export interface SandboxSection {
  id: string;
  course_id: string;
  course_title: string;
  course_code: string;
  section_title: string;
  section_code: string;
  section_school_code: string;
  /** Grading period ids; the import-by-code endpoints find sections through them. */
  grading_periods: number[];
  access_code: string;
  active: 0 | 1;
  description: string;
  subject_area: string;
  grade_level_range: string;
  school_id: string;
  building_id: string;
}

export interface SandboxGroup {
  id: string;
  title: string;
  description: string;
  group_code: string;
  access_code: string;
  category: string;
  website: string;
  privacy_level: string;
  picture_url: string;
  school_id: string;
  building_id: string;
}

export type SandboxStoreErrorCode = 'unknown-realm' | 'unknown-user' | 'unknown-enrollment' | 'invalid-value' | 'duplicate';

export class SandboxStoreError extends Error {
  override name = 'SandboxStoreError';
  constructor(
    readonly code: SandboxStoreErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const STATUSES: readonly number[] = [1, 2, 3, 4, 5];

export function isAdminFlag(value: unknown): value is AdminFlag {
  return value === 0 || value === 1;
}

export function isEnrollmentStatus(value: unknown): value is EnrollmentStatus {
  return typeof value === 'number' && STATUSES.includes(value);
}

const copy = (enrollment: SandboxEnrollment): SandboxEnrollment => ({ ...enrollment });

export class SandboxStore {
  private readonly users = new Map<string, SandboxUser>();
  private readonly usersBySchoolUid = new Map<string, SandboxUser>();
  private readonly sections = new Map<string, SandboxSection>();
  private readonly groups = new Map<string, SandboxGroup>();
  /** "course_code\0section_code" → sections; the same codes may recur across grading periods. */
  private readonly sectionsByCodes = new Map<string, SandboxSection[]>();
  private readonly sectionsBySchoolCode = new Map<string, SandboxSection>();
  private readonly realmsByAccessCode = new Map<string, string>();
  private readonly enrollments = new Map<string, SandboxEnrollment>();
  /** Insertion-ordered, so a roster pages in a stable order while it is being edited. */
  private readonly byRealm = new Map<string, Map<string, SandboxEnrollment>>();
  private readonly byUser = new Map<string, Map<string, SandboxEnrollment>>();
  private nextEnrollmentId = 1;

  addUser(user: SandboxUser): SandboxUser {
    if (this.users.has(user.uid)) throw new SandboxStoreError('duplicate', `user ${user.uid} already exists`);
    if (user.school_uid && this.usersBySchoolUid.has(user.school_uid)) {
      throw new SandboxStoreError('duplicate', `school_uid ${user.school_uid} already belongs to another user`);
    }
    const stored = { ...user };
    this.users.set(user.uid, stored);
    if (user.school_uid) this.usersBySchoolUid.set(user.school_uid, stored);
    return { ...stored };
  }

  /** Changes a person's details, as staff would in Schoology's user admin (the sandbox serves no user writes). */
  updateUser(uid: string, changes: Partial<Omit<SandboxUser, 'uid'>>): SandboxUser {
    const user = this.users.get(uid);
    if (!user) throw new SandboxStoreError('unknown-user', `user ${uid} does not exist`);
    const schoolUid = changes.school_uid;
    if (schoolUid !== undefined && schoolUid !== user.school_uid) {
      if (schoolUid && this.usersBySchoolUid.has(schoolUid)) throw new SandboxStoreError('duplicate', `school_uid ${schoolUid} already belongs to another user`);
      if (user.school_uid) this.usersBySchoolUid.delete(user.school_uid);
      if (schoolUid) this.usersBySchoolUid.set(schoolUid, user);
    }
    Object.assign(user, changes);
    return { ...user };
  }

  addSection(section: SandboxSection): SandboxSection {
    if (this.sections.has(section.id)) throw new SandboxStoreError('duplicate', `section ${section.id} already exists`);
    const stored = { ...section, grading_periods: [...section.grading_periods] };
    this.sections.set(section.id, stored);
    this.byRealm.set(`sections/${section.id}`, new Map());
    const codes = `${section.course_code}\u0000${section.section_code}`;
    this.sectionsByCodes.set(codes, [...(this.sectionsByCodes.get(codes) ?? []), stored]);
    if (section.section_school_code) this.sectionsBySchoolCode.set(section.section_school_code, stored);
    if (section.access_code) this.realmsByAccessCode.set(section.access_code.toUpperCase(), `sections/${section.id}`);
    return { ...stored, grading_periods: [...stored.grading_periods] };
  }

  addGroup(group: SandboxGroup): SandboxGroup {
    if (this.groups.has(group.id)) throw new SandboxStoreError('duplicate', `group ${group.id} already exists`);
    const stored = { ...group };
    this.groups.set(group.id, stored);
    this.byRealm.set(`groups/${group.id}`, new Map());
    if (group.access_code) this.realmsByAccessCode.set(group.access_code.toUpperCase(), `groups/${group.id}`);
    return { ...stored };
  }

  getUser(uid: string): SandboxUser | undefined {
    const user = this.users.get(uid);
    return user && { ...user };
  }

  userBySchoolUid(schoolUid: string): SandboxUser | undefined {
    const user = this.usersBySchoolUid.get(schoolUid);
    return user && { ...user };
  }

  getSection(id: string): SandboxSection | undefined {
    const section = this.sections.get(id);
    return section && { ...section, grading_periods: [...section.grading_periods] };
  }

  getGroup(id: string): SandboxGroup | undefined {
    const group = this.groups.get(id);
    return group && { ...group };
  }

  listSections(): SandboxSection[] {
    return [...this.sections.values()].map((section) => ({ ...section, grading_periods: [...section.grading_periods] }));
  }

  listGroups(): SandboxGroup[] {
    return [...this.groups.values()].map((group) => ({ ...group }));
  }

  hasRealm(realmKey: string): boolean {
    return this.byRealm.has(realmKey);
  }

  /** Sections with these codes; the import endpoint narrows them by grading period. */
  sectionsWithCodes(courseCode: string, sectionCode: string): SandboxSection[] {
    return (this.sectionsByCodes.get(`${courseCode}\u0000${sectionCode}`) ?? []).map((section) => ({ ...section }));
  }

  sectionWithSchoolCode(sectionSchoolCode: string): SandboxSection | undefined {
    const section = this.sectionsBySchoolCode.get(sectionSchoolCode);
    return section && { ...section };
  }

  /** The realm key an access code opens; codes are matched without regard to case, as people type them. */
  realmWithAccessCode(accessCode: string): string | undefined {
    return this.realmsByAccessCode.get(accessCode.trim().toUpperCase());
  }

  countEnrollments(): number {
    return this.enrollments.size;
  }

  getEnrollment(id: string): SandboxEnrollment | undefined {
    const enrollment = this.enrollments.get(id);
    return enrollment && copy(enrollment);
  }

  /** The realm's enrollments in the order they were made. Throws for a realm that does not exist. */
  enrollmentsIn(realmKey: string): SandboxEnrollment[] {
    const realm = this.byRealm.get(realmKey);
    if (!realm) throw new SandboxStoreError('unknown-realm', `${realmKey} does not exist`);
    return [...realm.values()].map(copy);
  }

  /** Every enrollment of one person, in the order they were made. */
  enrollmentsOf(uid: string): SandboxEnrollment[] {
    return [...(this.byUser.get(uid)?.values() ?? [])].map(copy);
  }

  /** The person's first enrollment in the realm (there may be more: a repeated create makes a second one). */
  findEnrollment(realmKey: string, uid: string): SandboxEnrollment | undefined {
    for (const enrollment of this.byUser.get(uid)?.values() ?? []) {
      if (enrollment.realmKey === realmKey) return copy(enrollment);
    }
    return undefined;
  }

  /**
   * A new enrollment with the next id. Like Schoology, it never checks whether the person is already enrolled:
   * that is the duplicate a retried plain create leaves behind.
   */
  addEnrollment(realmKey: string, fields: { uid: string; admin: AdminFlag; status: EnrollmentStatus }): SandboxEnrollment {
    return this.insertEnrollment(String(this.nextEnrollmentId), realmKey, fields);
  }

  /** Seeds use this to place the documented examples under their documented ids. */
  insertEnrollment(id: string, realmKey: string, fields: { uid: string; admin: AdminFlag; status: EnrollmentStatus }): SandboxEnrollment {
    if (this.enrollments.has(id)) throw new SandboxStoreError('duplicate', `enrollment ${id} already exists`);
    const realm = this.byRealm.get(realmKey);
    if (!realm) throw new SandboxStoreError('unknown-realm', `${realmKey} does not exist`);
    if (!this.users.has(fields.uid)) throw new SandboxStoreError('unknown-user', `user ${fields.uid} does not exist`);
    checkFields(fields);
    const enrollment: SandboxEnrollment = { id, realmKey, uid: fields.uid, admin: fields.admin, status: fields.status };
    this.enrollments.set(id, enrollment);
    realm.set(id, enrollment);
    let mine = this.byUser.get(fields.uid);
    if (!mine) this.byUser.set(fields.uid, (mine = new Map()));
    mine.set(id, enrollment);
    const numeric = Number(id);
    if (Number.isSafeInteger(numeric) && numeric >= this.nextEnrollmentId) this.nextEnrollmentId = numeric + 1;
    return copy(enrollment);
  }

  /** Changes role and/or status in place; the id and the realm never change. */
  updateEnrollment(id: string, changes: { admin?: AdminFlag; status?: EnrollmentStatus }): SandboxEnrollment {
    const enrollment = this.enrollments.get(id);
    if (!enrollment) throw new SandboxStoreError('unknown-enrollment', `enrollment ${id} does not exist`);
    checkFields(changes);
    if (changes.admin !== undefined) enrollment.admin = changes.admin;
    if (changes.status !== undefined) enrollment.status = changes.status;
    return copy(enrollment);
  }

  /** True when it existed. */
  removeEnrollment(id: string): boolean {
    const enrollment = this.enrollments.get(id);
    if (!enrollment) return false;
    this.enrollments.delete(id);
    this.byRealm.get(enrollment.realmKey)?.delete(id);
    this.byUser.get(enrollment.uid)?.delete(id);
    return true;
  }
}

function checkFields(fields: { admin?: unknown; status?: unknown }): void {
  if (fields.admin !== undefined && !isAdminFlag(fields.admin)) {
    throw new SandboxStoreError('invalid-value', `admin must be 0 or 1, got ${String(fields.admin)}`);
  }
  if (fields.status !== undefined && !isEnrollmentStatus(fields.status)) {
    throw new SandboxStoreError('invalid-value', `status must be 1 to 5, got ${String(fields.status)}`);
  }
}
