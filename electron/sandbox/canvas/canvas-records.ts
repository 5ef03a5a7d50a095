/**
 * The Canvas sandbox's data as Canvas puts it on the wire: ids as JSON numbers, times as ISO 8601 with a Z, null for
 * "none", every Enrollment field of ../shared/seeds/canvas-enrollments.md. The caller (the token's user) is a root
 * account admin, so the SIS fields are included; grades and the grading-period fields only for student enrollments,
 * and the grading-period ones only on course and section endpoints — as the Enrollment object's documentation says.
 */
import type { CanvasStore, SandboxCanvasCourse, SandboxCanvasEnrollment, SandboxCanvasSection, SandboxCanvasUser } from './canvas-store';

/** Where an enrollment is being shown: grading-period fields exist only on course endpoints (the object's docs). */
export type EnrollmentContext = 'course' | 'other';

/** include[] values the enrollment lists honour (lms-api-notes §2.1); anything else is ignored, as Canvas does. */
export interface EnrollmentIncludes {
  avatar_url?: boolean;
  group_ids?: boolean;
  locked?: boolean;
  observed_users?: boolean;
  can_be_removed?: boolean;
  uuid?: boolean;
  current_points?: boolean;
}

/** The web origin of the sandbox ("http://127.0.0.1:PORT"): html_url fields point at its would-be web pages. */
export type WebBase = string;

export function userRecord(user: SandboxCanvasUser): Record<string, unknown> {
  return {
    id: user.id,
    name: user.name,
    created_at: user.created_at,
    sortable_name: user.sortable_name,
    short_name: user.short_name,
    sis_user_id: user.sis_user_id,
    integration_id: user.integration_id,
    root_account: 'sandbox-district.example.org',
    login_id: user.login_id,
  };
}

/** GET users/self: the profile-ish user record (adds locale and avatar to the abbreviated user). */
export function selfRecord(user: SandboxCanvasUser, web: WebBase): Record<string, unknown> {
  return { ...userRecord(user), avatar_url: avatarUrl(user, web), email: user.email, locale: null, effective_locale: 'en', permissions: { can_update_name: true, can_update_avatar: true } };
}

const avatarUrl = (user: SandboxCanvasUser, web: WebBase) => `${web}/images/thumbnails/${user.id}/avatar-50.png`;
const uuidOf = (kind: string, id: number) => `${kind}${String(id).padStart(8, '0')}sandboxuuid`.slice(0, 40);

export function enrollmentRecord(
  store: CanvasStore,
  enrollment: SandboxCanvasEnrollment,
  web: WebBase,
  context: EnrollmentContext,
  includes: EnrollmentIncludes = {},
): Record<string, unknown> {
  const user = store.getUser(enrollment.user_id);
  const course = store.getCourse(enrollment.course_id);
  const section = store.getSection(enrollment.course_section_id);
  const role = store.getRole(enrollment.role_id);
  const record: Record<string, unknown> = {
    id: enrollment.id,
    user_id: enrollment.user_id,
    course_id: enrollment.course_id,
    type: enrollment.type,
    created_at: enrollment.created_at,
    updated_at: enrollment.updated_at,
    associated_user_id: enrollment.associated_user_id,
    start_at: enrollment.start_at,
    end_at: enrollment.end_at,
    course_section_id: enrollment.course_section_id,
    root_account_id: store.rootAccountId,
    limit_privileges_to_course_section: enrollment.limit_privileges_to_course_section,
    enrollment_state: enrollment.workflow_state,
    role: role?.label ?? enrollment.type,
    role_id: enrollment.role_id,
    last_activity_at: enrollment.last_activity_at,
    last_attended_at: enrollment.last_attended_at,
    total_activity_time: enrollment.total_activity_time,
    sis_import_id: enrollment.sis_import_id,
    sis_account_id: (course && store.getAccount(course.account_id)?.sis_account_id) ?? null,
    sis_course_id: course?.sis_course_id ?? null,
    course_integration_id: course?.integration_id ?? null,
    sis_section_id: section?.sis_section_id ?? null,
    section_integration_id: section?.integration_id ?? null,
    sis_user_id: user?.sis_user_id ?? null,
    html_url: `${web}/courses/${enrollment.course_id}/users/${enrollment.user_id}`,
  };
  if (enrollment.type === 'StudentEnrollment') Object.assign(record, gradeFields(enrollment, web, context, course, includes));
  if (includes.can_be_removed) record.can_be_removed = true;
  if (includes.locked) record.locked = false;
  if (includes.observed_users && enrollment.type === 'ObserverEnrollment' && enrollment.associated_user_id !== null) {
    const observed = store.getUser(enrollment.associated_user_id);
    record.observed_user = observed ? userRecord(observed) : null;
  }
  if (user) {
    const embedded = userRecord(user);
    if (includes.avatar_url) embedded.avatar_url = avatarUrl(user, web);
    if (includes.uuid) embedded.uuid = uuidOf('u', user.id);
    if (includes.group_ids) embedded.group_ids = [];
    record.user = embedded;
  }
  if (includes.uuid) record.uuid = uuidOf('e', enrollment.id);
  return record;
}

/**
 * A student's grades, derived from the enrollment id so every start shows the same numbers: a score out of 100, its
 * letter, unposted (muted assignments included) a little lower, an override on one in twelve.
 */
function gradeFields(
  enrollment: SandboxCanvasEnrollment,
  web: WebBase,
  context: EnrollmentContext,
  course: SandboxCanvasCourse | undefined,
  includes: EnrollmentIncludes,
): Record<string, unknown> {
  const seed = (enrollment.id * 2654435761) >>> 0;
  const current = Math.round((55 + (seed % 4500) / 100) * 100) / 100;
  const final = Math.round(current * 0.82 * 100) / 100;
  const unpostedCurrent = Math.round((current - (seed % 300) / 100) * 100) / 100;
  const unpostedFinal = Math.round(unpostedCurrent * 0.8 * 100) / 100;
  const overridden = seed % 12 === 0;
  const override = overridden ? Math.min(100, Math.round(current + 5)) : null;
  const grades: Record<string, unknown> = {
    html_url: `${web}/courses/${enrollment.course_id}/grades/${enrollment.user_id}`,
    current_grade: letter(current),
    current_score: current,
    final_grade: letter(final),
    final_score: final,
    unposted_current_score: unpostedCurrent,
    unposted_current_grade: letter(unpostedCurrent),
    unposted_final_score: unpostedFinal,
    unposted_final_grade: letter(unpostedFinal),
    override_score: override,
    override_grade: override === null ? null : letter(override),
  };
  if (includes.current_points) grades.current_points = Math.round(current * 4.2 * 100) / 100;
  const fields: Record<string, unknown> = {
    grades,
    override_grade: grades.override_grade,
    override_score: override,
    unposted_current_grade: grades.unposted_current_grade,
    unposted_final_grade: grades.unposted_final_grade,
    unposted_current_score: unpostedCurrent,
    unposted_final_score: unpostedFinal,
  };
  if (context === 'course') {
    const period = course?.grading_period ?? null;
    const periodCurrent = period ? Math.round((unpostedCurrent + 1.5) * 100) / 100 : null;
    const periodFinal = periodCurrent === null ? null : Math.round(periodCurrent * 0.9 * 100) / 100;
    Object.assign(fields, {
      has_grading_periods: period !== null,
      totals_for_all_grading_periods_option: period !== null,
      current_grading_period_title: period?.title ?? null,
      current_grading_period_id: period?.id ?? null,
      current_period_override_grade: period && override !== null ? letter(override) : null,
      current_period_override_score: period ? override : null,
      current_period_unposted_current_score: periodCurrent,
      current_period_unposted_final_score: periodFinal,
      current_period_unposted_current_grade: periodCurrent === null ? null : letter(periodCurrent),
      current_period_unposted_final_grade: periodFinal === null ? null : letter(periodFinal),
    });
  }
  return fields;
}

/** Canvas's default grading scheme (the letter for a score at or above each minimum). */
const GRADING_SCHEME: ReadonlyArray<readonly [string, number]> = [
  ['A', 94], ['A-', 90], ['B+', 87], ['B', 84], ['B-', 80], ['C+', 77], ['C', 74], ['C-', 70], ['D+', 67], ['D', 64], ['D-', 61], ['F', 0],
];

function letter(score: number): string {
  return GRADING_SCHEME.find(([, min]) => score >= min)?.[0] ?? 'F';
}

export function courseRecord(store: CanvasStore, course: SandboxCanvasCourse, viewerId: number): Record<string, unknown> {
  const mine = store.enrollmentsInCourse(course.id).filter((e) => e.user_id === viewerId && (e.workflow_state === 'active' || e.workflow_state === 'invited'));
  return {
    id: course.id,
    name: course.name,
    account_id: course.account_id,
    uuid: uuidOf('c', course.id),
    start_at: course.start_at,
    grading_standard_id: null,
    is_public: false,
    created_at: course.created_at,
    course_code: course.course_code,
    default_view: 'modules',
    root_account_id: store.rootAccountId,
    enrollment_term_id: course.enrollment_term_id,
    end_at: course.end_at,
    public_syllabus: false,
    storage_quota_mb: 500,
    is_public_to_auth_users: false,
    apply_assignment_group_weights: false,
    calendar: { ics: `https://sandbox-district.example.org/feeds/calendars/course_${uuidOf('c', course.id)}.ics` },
    time_zone: 'America/New_York',
    blueprint: false,
    sis_course_id: course.sis_course_id,
    integration_id: course.integration_id,
    enrollments: mine.map((e) => ({
      type: e.type.replace(/Enrollment$/, '').toLowerCase(),
      role: store.getRole(e.role_id)?.label ?? e.type,
      role_id: e.role_id,
      user_id: e.user_id,
      enrollment_state: e.workflow_state,
      limit_privileges_to_course_section: e.limit_privileges_to_course_section,
    })),
    hide_final_grades: false,
    workflow_state: 'available',
    restrict_enrollments_to_course_dates: false,
  };
}

export function sectionRecord(store: CanvasStore, section: SandboxCanvasSection, totalStudents: boolean): Record<string, unknown> {
  const course = store.getCourse(section.course_id);
  const record: Record<string, unknown> = {
    id: section.id,
    course_id: section.course_id,
    name: section.name,
    start_at: section.start_at,
    end_at: section.end_at,
    created_at: section.created_at,
    restrict_enrollments_to_section_dates: false,
    nonxlist_course_id: null,
    sis_section_id: section.sis_section_id,
    sis_course_id: course?.sis_course_id ?? null,
    integration_id: section.integration_id,
    sis_import_id: section.sis_section_id === null ? null : 83,
  };
  if (totalStudents) {
    record.total_students = store.enrollmentsInSection(section.id).filter((e) => e.type === 'StudentEnrollment' && (e.workflow_state === 'active' || e.workflow_state === 'invited')).length;
  }
  return record;
}
