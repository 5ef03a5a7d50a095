/**
 * Canvas wire schemas beyond the Enrollment (shared/domain/canvas-wire.ts): the objects the client reads to find
 * realms (Course, Section), the SIS import and Progress objects of the bulk paths, and the small answers of
 * accept/reject. Tolerant in the same way: nearly everything optional and nullable (Canvas omits fields by
 * permission, lms-api-notes §2.1), ids to text, unknown fields kept.
 */
import { z } from 'zod';
import { oneOrMany, wireId, wireScore } from '../../../shared/domain/tolerant';

const text = z.string().nullish();
const id = wireId.nullish();

/** GET courses, one course (canvas-lms courses_controller.rb's Course JSON). */
export const CanvasCourseSchema = z.looseObject({
  id: wireId,
  name: z.string().nullish(),
  course_code: text,
  sis_course_id: text,
  integration_id: text,
  account_id: id,
  root_account_id: id,
  enrollment_term_id: id,
  workflow_state: text,
  start_at: text,
  end_at: text,
});
export type CanvasCourse = z.output<typeof CanvasCourseSchema>;
export const CanvasCourseListSchema = oneOrMany(CanvasCourseSchema);

/** GET courses/:id/sections, one section. */
export const CanvasSectionSchema = z.looseObject({
  id: wireId,
  name: z.string().nullish(),
  course_id: id,
  sis_section_id: text,
  sis_course_id: text,
  integration_id: text,
  nonxlist_course_id: id,
  start_at: text,
  end_at: text,
});
export type CanvasSection = z.output<typeof CanvasSectionSchema>;
export const CanvasSectionListSchema = oneOrMany(CanvasSectionSchema);

/** SIS import states (lms-api-notes §2.6); unknown future states are kept as text and treated as still running. */
export const SIS_IMPORT_DONE_STATES = [
  'imported',
  'imported_with_messages',
  'aborted',
  'failed',
  'failed_with_messages',
  'restored',
  'partially_restored',
] as const;

/** [file, message] pairs, as processing_errors and processing_warnings carry them. */
const fileMessages = z
  .array(z.tuple([z.string().nullable(), z.string()]).rest(z.unknown()))
  .nullish()
  .transform((pairs) => (pairs ?? []).map(([file, message]) => ({ file: file ?? '', message })));

/** GET/POST accounts/:id/sis_imports(/:id): the SisImport object (lms-api-notes §2.6). */
export const CanvasSisImportSchema = z.looseObject({
  id: wireId,
  workflow_state: z.string(),
  created_at: text,
  ended_at: text,
  updated_at: text,
  /** "0".."100" as text in the docs; a number is read the same. */
  progress: wireScore.optional(),
  processing_errors: fileMessages,
  processing_warnings: fileMessages,
  data: z.looseObject({ import_type: text }).nullish(),
});
export type CanvasSisImport = z.output<typeof CanvasSisImportSchema>;

/** GET progress/:id and the answer of POST accounts/:id/bulk_enrollment (lms-api-notes §2.1). */
export const CanvasProgressSchema = z.looseObject({
  id: wireId,
  workflow_state: z.enum(['queued', 'running', 'completed', 'failed']),
  completion: wireScore.optional(),
  message: text,
  tag: text,
  context_id: id,
  context_type: text,
  url: text,
  results: z.unknown().optional(),
});
export type CanvasProgress = z.output<typeof CanvasProgressSchema>;

/** POST …/enrollments/:id/accept | reject → {"success": true}. */
export const CanvasSuccessSchema = z.looseObject({ success: z.boolean() });
