/**
 * SIS imports (lms-api-notes §2.6; canvas-lms sis_imports_api_controller.rb, doc/api/sis_csv.md): POST
 * accounts/:id/sis_imports with an enrollments.csv — the CSV itself as the body (Content-Type text/csv, extension=csv)
 * or a multipart `attachment` — and GET accounts/:id/sis_imports/:id to follow it.
 *
 * Only the root account imports (400 "SIS imports can only be executed on root accounts") and only when SIS imports
 * are enabled (403). The import then moves one state per poll: created → importing (progress "0".."99") → imported,
 * imported_with_messages (some rows refused) or failed_with_messages (nothing usable). Rows are applied on the
 * finishing step, so the roster does not change while an import is "running". Like Canvas's worker, the sandbox
 * also finishes an import nobody polls once its time has come (canvas-jobs.ts), so the rows of a client killed
 * right after the POST still land.
 *
 * Each row: course_id (SIS) and/or section_id (SIS); user_id (SIS, matched exactly as text); role (student, teacher,
 * ta, observer, designer or a custom role's name, case sensitive) or role_id; status active|deleted|completed|
 * inactive|deleted_last_completed; optional associated_user_id (observers), limit_section_privileges, start_date with
 * end_date, notify. A good row enrolls through Course#enroll_user's rule (canvas-enroll.ts): the enrollment of that
 * person in that section with that role is updated, a new role makes a new enrollment. A bad row is named in
 * processing_errors as ["enrollments.csv", "…row N…"] (N is the file's line, the header being row 1); odd but usable
 * rows in processing_warnings.
 */
import { CsvError, parse } from 'csv-parse/sync';
import type { CanvasState } from '../../../shared/domain/roles';
import { CanvasApiError, isoNow, notFound, type CanvasContext, type CanvasReply } from './canvas-context';
import { enrollUser } from './canvas-enroll';
import { findAccount } from './canvas-ids';
import type { SteppedJob } from './canvas-jobs';
import { boundaryOf, MultipartError, parseMultipart } from './canvas-multipart';
import { truthy } from './canvas-params';
import { userRecord } from './canvas-records';
import type { CanvasRole, CanvasStore, EnrollmentType, SandboxCanvasSection } from './canvas-store';

const FILE = 'enrollments.csv';
const ROLE_TYPES: Record<string, EnrollmentType> = {
  student: 'StudentEnrollment',
  teacher: 'TeacherEnrollment',
  ta: 'TaEnrollment',
  observer: 'ObserverEnrollment',
  designer: 'DesignerEnrollment',
};
const STATUSES = ['active', 'deleted', 'completed', 'inactive', 'deleted_last_completed'] as const;
type RowStatus = (typeof STATUSES)[number];

type Message = [string, string];

interface CsvRow {
  line: number;
  cells: Record<string, string>;
}

/** The counts Canvas reports in data.counts; only enrollments move in an enrollments-only import. */
function counts(enrollments: number, errors: number, warnings: number): Record<string, number> {
  return {
    change_sis_ids: 0, accounts: 0, terms: 0, abstract_courses: 0, courses: 0, sections: 0, xlists: 0, users: 0, logins: 0,
    user_observers: 0, enrollments, admins: 0, group_categories: 0, groups: 0, group_memberships: 0,
    grade_publishing_results: 0, batch_courses_deleted: 0, batch_sections_deleted: 0, batch_enrollments_deleted: 0,
    error_count: errors, warning_count: warnings,
  };
}

export class SisImportJob implements SteppedJob {
  polls = 0;
  workflowState = 'created';
  progress = 0;
  endedAt: string | null = null;
  updatedAt: string;
  readonly errors: Message[] = [];
  readonly warnings: Message[] = [];
  enrollmentsApplied = 0;
  readonly statistics = { created: 0, concluded: 0, deactivated: 0, restored: 0, deleted: 0 };

  constructor(
    readonly id: number,
    readonly createdAt: string,
    private readonly rows: CsvRow[] | null,
    private readonly store: CanvasStore,
    private readonly now: () => string,
    readonly userId: number,
  ) {
    this.updatedAt = createdAt;
  }

  get done(): boolean {
    return this.endedAt !== null;
  }

  /** A file that could not be read at all fails at once; the rows wait for the finishing step. */
  fail(message: string): void {
    this.errors.push([FILE, message]);
  }

  step(poll: number, ticks: number): void {
    this.updatedAt = this.now();
    if (poll < ticks) {
      this.workflowState = 'importing';
      this.progress = Math.floor((poll / ticks) * 100);
      return;
    }
    if (this.rows) for (const row of this.rows) this.applyRow(row);
    this.progress = 100;
    this.endedAt = this.updatedAt;
    if (this.errors.length === 0 && this.warnings.length === 0) this.workflowState = 'imported';
    else this.workflowState = this.enrollmentsApplied > 0 || (this.rows !== null && this.errors.length === 0) ? 'imported_with_messages' : 'failed_with_messages';
  }

  private refuse(row: CsvRow, message: string): void {
    this.errors.push([FILE, `${message}, row ${row.line}`]);
  }

  private applyRow(row: CsvRow): void {
    const cell = (name: string) => (row.cells[name] ?? '').trim();
    const where = `(User ID: ${cell('user_id')}, Course ID: ${cell('course_id')}, Section ID: ${cell('section_id')}, Role: ${cell('role') || cell('role_id')})`;
    const courseId = cell('course_id');
    const sectionId = cell('section_id');
    if (!courseId && !sectionId) return this.refuse(row, `No course_id or section_id given for an enrollment ${where}`);
    const course = courseId ? this.store.courseBySisId(courseId) : undefined;
    let section: SandboxCanvasSection | undefined = sectionId ? this.store.sectionBySisId(sectionId) : undefined;
    if (sectionId && !section) return this.refuse(row, `An enrollment referenced a non-existent section ${sectionId} ${where}`);
    if (courseId && !course) return this.refuse(row, `An enrollment referenced a non-existent course ${courseId} ${where}`);
    if (section && course && section.course_id !== course.id) {
      return this.refuse(row, `An enrollment listed a section (${sectionId}) and a course (${courseId}) that are unrelated ${where}`);
    }
    if (!section && course) section = this.store.sectionsOf(course.id)[0];
    if (!section) return this.refuse(row, `Course ${courseId} has no section to enroll into ${where}`);
    const userSis = cell('user_id');
    if (!userSis) return this.refuse(row, `No user_id given for an enrollment ${where}`);
    const user = this.store.userBySisId(userSis);
    if (!user) return this.refuse(row, `User not found for enrollment ${where}`);
    const role = this.roleOf(cell('role'), cell('role_id'));
    if (!role) return this.refuse(row, `Improper role "${cell('role') || cell('role_id')}" for an enrollment ${where}`);
    const status = cell('status');
    if (!(STATUSES as readonly string[]).includes(status)) return this.refuse(row, `Improper status "${status}" for an enrollment ${where}`);
    let associatedUserId: number | null = null;
    if (role.base_role_type === 'ObserverEnrollment' && cell('associated_user_id')) {
      const observed = this.store.userBySisId(cell('associated_user_id'));
      if (!observed) return this.refuse(row, `An enrollment referenced a non-existent associated user ${cell('associated_user_id')} ${where}`);
      associatedUserId = observed.id;
    }
    let startAt: string | null | undefined;
    let endAt: string | null | undefined;
    if (cell('start_date') || cell('end_date')) {
      if (cell('start_date') && cell('end_date')) {
        const start = Date.parse(cell('start_date'));
        const end = Date.parse(cell('end_date'));
        if (Number.isNaN(start) || Number.isNaN(end)) {
          this.warnings.push([FILE, `Bad date format for user ${userSis} in section ${section.sis_section_id ?? section.id}, row ${row.line}; the dates were left as they were`]);
        } else {
          startAt = new Date(start).toISOString().replace(/\.\d{3}Z$/, 'Z');
          endAt = new Date(end).toISOString().replace(/\.\d{3}Z$/, 'Z');
        }
      } else {
        // sis_csv.md: "start_date only takes effect with end_date (and vice versa)".
        this.warnings.push([FILE, `start_date and end_date take effect only together; row ${row.line} gives one, which was ignored`]);
      }
    }
    const existing = this.store.findEnrollment(section.id, user.id, role.id, associatedUserId);
    const state = this.stateFor(status as RowStatus, section, user.id, existing?.id);
    if (!existing && state === 'deleted') return; // nothing to delete: Canvas creates no enrollment for it
    const limit = cell('limit_section_privileges');
    const { created } = enrollUser(this.store, {
      section,
      userId: user.id,
      role,
      state,
      associatedUserId,
      ...(limit ? { limitPrivileges: truthy(limit) } : {}),
      ...(startAt === undefined ? {} : { startAt, endAt }),
      sisImportId: this.id,
      at: this.updatedAt,
    });
    this.enrollmentsApplied += 1;
    if (created) this.statistics.created += 1;
    else if (state === 'completed') this.statistics.concluded += 1;
    else if (state === 'inactive') this.statistics.deactivated += 1;
    else if (state === 'deleted') this.statistics.deleted += 1;
    else if (existing && existing.workflow_state !== state) this.statistics.restored += 1;
  }

  private roleOf(name: string, roleId: string): CanvasRole | undefined {
    if (roleId) {
      const role = /^\d+$/.test(roleId) ? this.store.getRole(Number(roleId)) : undefined;
      return role?.workflow_state === 'active' ? role : undefined;
    }
    const type = Object.hasOwn(ROLE_TYPES, name) ? ROLE_TYPES[name] : undefined;
    if (type) return this.store.builtInRole(type);
    const custom = this.store.roleNamed(name);
    return custom && custom.label !== custom.base_role_type ? custom : undefined;
  }

  /** deleted_last_completed: completed when it is the person's last live enrollment in the course, else deleted. */
  private stateFor(status: RowStatus, section: SandboxCanvasSection, userId: number, existingId: number | undefined): CanvasState {
    if (status !== 'deleted_last_completed') return status;
    const others = this.store
      .enrollmentsInCourse(section.course_id)
      .filter((e) => e.user_id === userId && e.id !== existingId && e.workflow_state !== 'deleted' && e.workflow_state !== 'completed');
    return others.length > 0 ? 'deleted' : 'completed';
  }

  record(store: CanvasStore): Record<string, unknown> {
    const user = store.getUser(this.userId);
    const record: Record<string, unknown> = {
      id: this.id,
      created_at: this.createdAt,
      ended_at: this.endedAt,
      updated_at: this.updatedAt,
      workflow_state: this.workflowState,
      data: {
        import_type: 'instructure_csv',
        supplied_batches: ['enrollment'],
        counts: counts(this.enrollmentsApplied, this.errors.length, this.warnings.length),
      },
      statistics: { total_state_changes: Object.values(this.statistics).reduce((a, b) => a + b, 0), Enrollment: { ...this.statistics } },
      batch_mode: null,
      batch_mode_term_id: null,
      multi_term_batch_mode: false,
      skip_deletes: false,
      override_sis_stickiness: null,
      add_sis_stickiness: null,
      clear_sis_stickiness: null,
      diffing_data_set_identifier: null,
      diffed_against_import_id: null,
      csv_attachments: [],
      progress: String(this.progress),
      errors_attachment: null,
      user: user ? userRecord(user) : null,
    };
    if (this.errors.length > 0) record.processing_errors = this.errors.map((pair) => [...pair]);
    if (this.warnings.length > 0) record.processing_warnings = this.warnings.map((pair) => [...pair]);
    return record;
  }
}

/** Root account, SIS rights: sis_imports_api_controller.rb#check_account, word for word. */
function checkAccount(ctx: CanvasContext, accountId: string): void {
  const account = findAccount(ctx, accountId);
  if (account.parent_account_id !== null) throw new CanvasApiError(400, { errors: ['SIS imports can only be executed on root accounts'] });
  if (!ctx.sisImports) throw new CanvasApiError(403, { errors: ['SIS imports are not enabled for this account'] });
}

/** The CSV text the request carries, or a 400 saying how to send it. */
function csvOf(ctx: CanvasContext): string {
  const type = ctx.body.contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  let data: Buffer;
  let charset = /;\s*charset=("?)([^";]+)\1/i.exec(ctx.body.contentType)?.[2];
  if (type === 'multipart/form-data') {
    const boundary = boundaryOf(ctx.body.contentType);
    if (!boundary) throw new CanvasApiError(400, { errors: [{ message: 'The multipart body has no boundary.' }] });
    let parts;
    try {
      parts = parseMultipart(ctx.body.raw, boundary);
    } catch (error) {
      if (error instanceof MultipartError) throw new CanvasApiError(400, { errors: [{ message: error.message }] });
      throw error;
    }
    const attachment = parts.find((part) => part.name === 'attachment');
    if (!attachment) throw new CanvasApiError(400, { errors: [{ message: 'No attachment given: send the CSV file as the multipart field "attachment".' }] });
    const importType = parts.find((part) => part.name === 'import_type')?.data.toString('utf8');
    if (importType !== undefined && importType !== 'instructure_csv') throw unknownImportType(importType);
    data = attachment.data;
    charset = /;\s*charset=("?)([^";]+)\1/i.exec(attachment.contentType ?? '')?.[2];
    if (attachment.filename?.toLowerCase().endsWith('.zip')) throw zipRefused();
  } else {
    const extension = ctx.params.text('extension');
    if (type === 'application/zip' || extension === 'zip') throw zipRefused();
    if (!['text/csv', 'text/plain', 'application/octet-stream'].includes(type)) {
      throw new CanvasApiError(400, { errors: [{ message: 'Send enrollments.csv as the body (Content-Type text/csv, extension=csv) or as the multipart field "attachment".' }] });
    }
    data = ctx.body.raw;
  }
  // Canvas refuses a declared non-UTF-8 charset (lms-api-notes §2.6).
  if (charset && !/^utf-?8$/i.test(charset)) throw new CanvasApiError(400, { errors: [{ message: 'Invalid content type, UTF-8 required' }] });
  return data.toString('utf8');
}

const unknownImportType = (type: string) => new CanvasApiError(400, { errors: [{ message: `Unknown import type "${type}"; this account imports instructure_csv.` }] });
const zipRefused = () => new CanvasApiError(400, { errors: [{ message: 'The sandbox reads a single enrollments.csv; send the CSV itself (extension=csv), not a zip.' }] });

/** The data rows by header name, each with its line; or the message that fails the whole file. */
function readRows(text: string): CsvRow[] | string {
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, { bom: true, info: true, relax_column_count: true, skip_empty_lines: true }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  } catch (error) {
    if (error instanceof CsvError) return `Error while importing CSV: ${error.message}`;
    throw error;
  }
  const [header, ...data] = records;
  const names = header?.record.map((name) => name.trim()) ?? [];
  if (!names.includes('user_id') || !(names.includes('role') || names.includes('role_id')) || !(names.includes('course_id') || names.includes('section_id'))) {
    return "Couldn't find Canvas CSV import headers: an enrollments.csv needs user_id, role (or role_id) and course_id (or section_id)";
  }
  return data.map(({ record, info }) => ({ line: info.lines, cells: Object.fromEntries(names.map((name, i) => [name, record[i] ?? ''])) }));
}

/** POST accounts/:account_id/sis_imports. */
export function createSisImport(ctx: CanvasContext, accountId: string): CanvasReply {
  checkAccount(ctx, accountId);
  const importType = ctx.params.text('import_type') ?? 'instructure_csv';
  if (importType !== 'instructure_csv') throw unknownImportType(importType);
  const rows = readRows(csvOf(ctx));
  const madeAt = ctx.now();
  const created = isoNow(() => madeAt);
  const job = ctx.jobs.addSisImport(
    (id) => new SisImportJob(id, created, typeof rows === 'string' ? null : rows, ctx.store, () => isoNow(ctx.now), ctx.userId),
    madeAt,
  );
  if (typeof rows === 'string') job.fail(rows);
  return { status: 200, value: job.record(ctx.store) };
}

/** GET accounts/:account_id/sis_imports/:id: each call is one poll, which moves the import on. */
export function readSisImport(ctx: CanvasContext, accountId: string, id: string): CanvasReply {
  checkAccount(ctx, accountId);
  const job = /^\d+$/.test(id) ? ctx.jobs.pollSisImport(Number(id)) : undefined;
  if (!job) throw notFound();
  return { status: 200, value: job.record(ctx.store) };
}
