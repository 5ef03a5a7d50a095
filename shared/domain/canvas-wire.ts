/**
 * Canvas LMS wire format for enrollments (GET/POST/DELETE …/enrollments).
 *
 * Canvas leaves fields out depending on the caller's permissions (SIS ids, unposted grades) and on the endpoint
 * (grading-period fields only on course endpoints), and sends null for "none", so nearly everything is optional and
 * nullable. Ids arrive as JSON numbers and leave as text, matching Schoology's, so the cache has one id type.
 * Objects are loose: unknown fields stay in the parsed record (the Enrollment keeps it as its source).
 */
import { z } from 'zod';
import { CANVAS_STATES, CANVAS_TYPES } from './roles';
import { oneOrMany, wireId, wireScore } from './tolerant';

const text = z.string().nullish();
const time = z.string().nullish();
const id = wireId.nullish();
const score = wireScore.optional();
const bool = z.boolean().nullish();

/** The abbreviated user Canvas embeds in an enrollment. */
export const CanvasUserSchema = z.looseObject({
  id: wireId,
  name: z.string(),
  sortable_name: z.string().optional(),
  short_name: z.string().optional(),
  login_id: text,
  sis_user_id: text,
  integration_id: text,
  avatar_url: text,
  email: text,
  created_at: time,
});
export type CanvasUser = z.output<typeof CanvasUserSchema>;

export const CanvasGradesSchema = z.looseObject({
  html_url: text,
  current_score: score,
  current_grade: text,
  final_score: score,
  final_grade: text,
  unposted_current_score: score,
  unposted_current_grade: text,
  unposted_final_score: score,
  unposted_final_grade: text,
  override_score: score,
  override_grade: text,
});
export type CanvasGrades = z.output<typeof CanvasGradesSchema>;

export const CanvasEnrollmentSchema = z.looseObject({
  id: wireId,
  course_id: id,
  sis_course_id: text,
  course_integration_id: text,
  course_section_id: id,
  section_integration_id: text,
  sis_account_id: text,
  sis_section_id: text,
  sis_user_id: text,
  enrollment_state: z.enum(CANVAS_STATES),
  limit_privileges_to_course_section: bool,
  sis_import_id: id,
  root_account_id: id,
  type: z.enum(CANVAS_TYPES),
  user_id: wireId,
  /** Only set for ObserverEnrollment: the observed student. */
  associated_user_id: id,
  /** Equals `type` unless the course uses a custom role; custom role names are free text. */
  role: z.string().optional(),
  role_id: id,
  created_at: time,
  created_at_date: time,
  updated_at: time,
  updated_at_date: time,
  start_at: time,
  end_at: time,
  last_activity_at: time,
  last_activity_at_date: time,
  last_attended_at: time,
  /** Seconds. */
  total_activity_time: score,
  html_url: text,
  grades: CanvasGradesSchema.optional(),
  user: CanvasUserSchema.optional(),
  override_grade: text,
  override_score: score,
  unposted_current_grade: text,
  unposted_final_grade: text,
  unposted_current_score: score,
  unposted_final_score: score,
  has_grading_periods: bool,
  totals_for_all_grading_periods_option: bool,
  current_grading_period_title: text,
  current_grading_period_id: id,
  current_period_override_grade: text,
  current_period_override_score: score,
  current_period_unposted_current_score: score,
  current_period_unposted_final_score: score,
  current_period_unposted_current_grade: text,
  current_period_unposted_final_grade: text,
});
export type CanvasEnrollment = z.output<typeof CanvasEnrollmentSchema>;

/**
 * A page of enrollments: a bare JSON array (paging is in the Link header, not the body). A lone object is accepted as
 * a one-item page so the same parser serves the single-enrollment endpoints and a proxy that unwraps singletons.
 */
export const CanvasEnrollmentListSchema = oneOrMany(CanvasEnrollmentSchema);
export type CanvasEnrollmentList = z.output<typeof CanvasEnrollmentListSchema>;
