/**
 * The Canvas sandbox's data: accounts, users, courses, sections, roles and the enrollments joining them, indexed by
 * course, section and user so a request touches only what it names (the district seed holds 100,000 enrollments).
 *
 * Facts are kept in Canvas's own field names. Enrollments keep what Canvas keeps in its enrollments table (type,
 * role, workflow_state, dates, section privileges, sis_import_id); what the API derives from other tables (SIS ids,
 * the embedded user, html_url) is assembled by canvas-records.ts when a record is sent. Canvas never destroys an
 * enrollment through the API: task=delete only sets workflow_state "deleted" (lms-api-notes §2.1).
 */
import type { CanvasState, CanvasType } from '../../../shared/domain/roles';

export type EnrollmentType = Exclude<CanvasType, 'StudentViewEnrollment'>;

export const ENROLLMENT_TYPES: readonly EnrollmentType[] = [
  'StudentEnrollment',
  'TeacherEnrollment',
  'TaEnrollment',
  'DesignerEnrollment',
  'ObserverEnrollment',
];

export interface SandboxCanvasAccount {
  id: number;
  name: string;
  /** null for the root account. */
  parent_account_id: number | null;
  sis_account_id: string | null;
}

export interface CanvasRole {
  id: number;
  /** The name the API reports as `role`: the type itself for built-in roles, free text for custom ones. */
  label: string;
  base_role_type: EnrollmentType;
  workflow_state: 'active' | 'inactive';
}

export interface SandboxCanvasUser {
  id: number;
  name: string;
  /** "Last, First", as Canvas sorts people. */
  sortable_name: string;
  short_name: string;
  /** Text, leading zeros and all; null for someone created by hand rather than by the SIS. */
  sis_user_id: string | null;
  integration_id: string | null;
  login_id: string;
  email: string;
  created_at: string;
}

export interface SandboxCanvasCourse {
  id: number;
  name: string;
  course_code: string;
  sis_course_id: string | null;
  integration_id: string | null;
  account_id: number;
  enrollment_term_id: number;
  start_at: string | null;
  end_at: string | null;
  created_at: string;
  /** The grading period running now, when the course uses grading periods. */
  grading_period: { id: number; title: string } | null;
}

export interface SandboxCanvasSection {
  id: number;
  course_id: number;
  name: string;
  sis_section_id: string | null;
  integration_id: string | null;
  start_at: string | null;
  end_at: string | null;
  created_at: string;
}

export interface SandboxCanvasEnrollment {
  id: number;
  course_id: number;
  course_section_id: number;
  user_id: number;
  type: EnrollmentType;
  role_id: number;
  workflow_state: CanvasState;
  associated_user_id: number | null;
  limit_privileges_to_course_section: boolean;
  created_at: string;
  updated_at: string;
  start_at: string | null;
  end_at: string | null;
  last_activity_at: string | null;
  last_attended_at: string | null;
  /** Seconds. */
  total_activity_time: number;
  sis_import_id: number | null;
}

export class CanvasStoreError extends Error {
  override name = 'CanvasStoreError';
}

const copy = <T extends object>(value: T): T => ({ ...value });

export class CanvasStore {
  readonly rootAccountId = 1;
  private readonly accounts = new Map<number, SandboxCanvasAccount>();
  private readonly users = new Map<number, SandboxCanvasUser>();
  private readonly usersBySis = new Map<string, SandboxCanvasUser>();
  private readonly courses = new Map<number, SandboxCanvasCourse>();
  private readonly coursesBySis = new Map<string, SandboxCanvasCourse>();
  private readonly sections = new Map<number, SandboxCanvasSection>();
  private readonly sectionsBySis = new Map<string, SandboxCanvasSection>();
  private readonly sectionsOfCourse = new Map<number, SandboxCanvasSection[]>();
  private readonly roles = new Map<number, CanvasRole>();
  private readonly enrollments = new Map<number, SandboxCanvasEnrollment>();
  private readonly byCourse = new Map<number, Map<number, SandboxCanvasEnrollment>>();
  private readonly bySection = new Map<number, Map<number, SandboxCanvasEnrollment>>();
  private readonly byUser = new Map<number, Map<number, SandboxCanvasEnrollment>>();
  private nextEnrollmentId = 1;

  addAccount(account: SandboxCanvasAccount): void {
    this.accounts.set(account.id, { ...account });
  }

  getAccount(id: number): SandboxCanvasAccount | undefined {
    const account = this.accounts.get(id);
    return account && { ...account };
  }

  addRole(role: CanvasRole): void {
    this.roles.set(role.id, { ...role });
  }

  getRole(id: number): CanvasRole | undefined {
    const role = this.roles.get(id);
    return role && { ...role };
  }

  /** The built-in role of a base type (its label is the type itself). */
  builtInRole(type: EnrollmentType): CanvasRole {
    for (const role of this.roles.values()) if (role.label === type && role.base_role_type === type) return { ...role };
    throw new CanvasStoreError(`the seed has no built-in role for ${type}`);
  }

  /** A role by its API name ("StudentEnrollment", "Co-Teacher"), as the role[] filter and the SIS role column name it. */
  roleNamed(label: string): CanvasRole | undefined {
    for (const role of this.roles.values()) if (role.label === label) return { ...role };
    return undefined;
  }

  addUser(user: SandboxCanvasUser): SandboxCanvasUser {
    if (this.users.has(user.id)) throw new CanvasStoreError(`user ${user.id} already exists`);
    if (user.sis_user_id !== null && this.usersBySis.has(user.sis_user_id)) throw new CanvasStoreError(`sis_user_id ${user.sis_user_id} is taken`);
    const stored = { ...user };
    this.users.set(user.id, stored);
    if (user.sis_user_id !== null) this.usersBySis.set(user.sis_user_id, stored);
    return copy(stored);
  }

  getUser(id: number): SandboxCanvasUser | undefined {
    const user = this.users.get(id);
    return user && copy(user);
  }

  /** SIS ids are matched exactly, as text: "000123" and "123" are two people. */
  userBySisId(sisUserId: string): SandboxCanvasUser | undefined {
    const user = this.usersBySis.get(sisUserId);
    return user && copy(user);
  }

  addCourse(course: SandboxCanvasCourse): void {
    if (this.courses.has(course.id)) throw new CanvasStoreError(`course ${course.id} already exists`);
    const stored = { ...course };
    this.courses.set(course.id, stored);
    this.byCourse.set(course.id, new Map());
    this.sectionsOfCourse.set(course.id, []);
    if (course.sis_course_id !== null) this.coursesBySis.set(course.sis_course_id, stored);
  }

  getCourse(id: number): SandboxCanvasCourse | undefined {
    const course = this.courses.get(id);
    return course && copy(course);
  }

  courseBySisId(sisCourseId: string): SandboxCanvasCourse | undefined {
    const course = this.coursesBySis.get(sisCourseId);
    return course && copy(course);
  }

  listCourses(): SandboxCanvasCourse[] {
    return [...this.courses.values()].map(copy);
  }

  addSection(section: SandboxCanvasSection): void {
    if (this.sections.has(section.id)) throw new CanvasStoreError(`section ${section.id} already exists`);
    const list = this.sectionsOfCourse.get(section.course_id);
    if (!list) throw new CanvasStoreError(`course ${section.course_id} does not exist`);
    const stored = { ...section };
    this.sections.set(section.id, stored);
    list.push(stored);
    this.bySection.set(section.id, new Map());
    if (section.sis_section_id !== null) this.sectionsBySis.set(section.sis_section_id, stored);
  }

  getSection(id: number): SandboxCanvasSection | undefined {
    const section = this.sections.get(id);
    return section && copy(section);
  }

  sectionBySisId(sisSectionId: string): SandboxCanvasSection | undefined {
    const section = this.sectionsBySis.get(sisSectionId);
    return section && copy(section);
  }

  /** A course's sections in creation order; the first is the default section an enrollment lands in. */
  sectionsOf(courseId: number): SandboxCanvasSection[] {
    return (this.sectionsOfCourse.get(courseId) ?? []).map(copy);
  }

  countSections(): number {
    return this.sections.size;
  }

  countEnrollments(): number {
    return this.enrollments.size;
  }

  getEnrollment(id: number): SandboxCanvasEnrollment | undefined {
    const enrollment = this.enrollments.get(id);
    return enrollment && copy(enrollment);
  }

  enrollmentsInCourse(courseId: number): SandboxCanvasEnrollment[] {
    return [...(this.byCourse.get(courseId)?.values() ?? [])].map(copy);
  }

  enrollmentsInSection(sectionId: number): SandboxCanvasEnrollment[] {
    return [...(this.bySection.get(sectionId)?.values() ?? [])].map(copy);
  }

  enrollmentsOfUser(userId: number): SandboxCanvasEnrollment[] {
    return [...(this.byUser.get(userId)?.values() ?? [])].map(copy);
  }

  /**
   * The enrollment Canvas would reuse for a new one: same person, section, role and (observers) observee. Course
   * enrollment code (Course#enroll_user) looks an existing one up this way instead of making a duplicate.
   */
  findEnrollment(sectionId: number, userId: number, roleId: number, associatedUserId: number | null): SandboxCanvasEnrollment | undefined {
    for (const enrollment of this.byUser.get(userId)?.values() ?? []) {
      if (enrollment.course_section_id === sectionId && enrollment.role_id === roleId && enrollment.associated_user_id === associatedUserId) {
        return copy(enrollment);
      }
    }
    return undefined;
  }

  /** Seeds place enrollments under chosen ids; API creates take the next free one. */
  insertEnrollment(fields: Omit<SandboxCanvasEnrollment, 'id'> & { id?: number }): SandboxCanvasEnrollment {
    const id = fields.id ?? this.nextEnrollmentId;
    if (this.enrollments.has(id)) throw new CanvasStoreError(`enrollment ${id} already exists`);
    const section = this.sections.get(fields.course_section_id);
    if (!section || section.course_id !== fields.course_id) {
      throw new CanvasStoreError(`section ${fields.course_section_id} is not a section of course ${fields.course_id}`);
    }
    if (!this.users.has(fields.user_id)) throw new CanvasStoreError(`user ${fields.user_id} does not exist`);
    const enrollment: SandboxCanvasEnrollment = { ...fields, id };
    this.enrollments.set(id, enrollment);
    this.byCourse.get(enrollment.course_id)?.set(id, enrollment);
    this.bySection.get(enrollment.course_section_id)?.set(id, enrollment);
    let mine = this.byUser.get(enrollment.user_id);
    if (!mine) this.byUser.set(enrollment.user_id, (mine = new Map()));
    mine.set(id, enrollment);
    if (id >= this.nextEnrollmentId) this.nextEnrollmentId = id + 1;
    return copy(enrollment);
  }

  /** Changes state, dates or privileges in place; the ids, the section, the person and the role never change. */
  updateEnrollment(
    id: number,
    changes: Partial<Pick<SandboxCanvasEnrollment, 'workflow_state' | 'updated_at' | 'start_at' | 'end_at' | 'limit_privileges_to_course_section' | 'sis_import_id'>>,
  ): SandboxCanvasEnrollment {
    const enrollment = this.enrollments.get(id);
    if (!enrollment) throw new CanvasStoreError(`enrollment ${id} does not exist`);
    Object.assign(enrollment, changes);
    return copy(enrollment);
  }
}
