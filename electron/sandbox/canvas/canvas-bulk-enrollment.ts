/**
 * POST accounts/:account_id/bulk_enrollment (lms-api-notes §2.1; enrollments_api_controller.rb @ 022b78cd): every
 * user_ids[] × course_ids[] pair enrolled with enrollment_type (default StudentEnrollment) or enrollment_role_id, at
 * most 500 pairs (400 {"errors": "Too many users to enroll at once."}), answered with a Progress object that
 * GET progress/:id follows: queued → running → completed (one state per poll, or on its own once its time has come;
 * see canvas-jobs.ts). The enrollments
 * are made, active, in each course's default section on the finishing step; ids that find no user or course are
 * skipped and counted in the message.
 */
import { CanvasApiError, isoNow, notFound, type CanvasContext, type CanvasReply } from './canvas-context';
import { enrollUser } from './canvas-enroll';
import { findAccount } from './canvas-ids';
import type { SteppedJob } from './canvas-jobs';
import { ENROLLMENT_TYPES, type CanvasRole, type CanvasStore, type EnrollmentType } from './canvas-store';

export const MAX_BULK_PAIRS = 500;

export class BulkEnrollmentJob implements SteppedJob {
  polls = 0;
  workflowState: 'queued' | 'running' | 'completed' = 'queued';
  completion = 0;
  message: string | null = null;
  results: Record<string, number> | null = null;
  updatedAt: string;

  constructor(
    readonly id: number,
    readonly accountId: number,
    readonly userId: number,
    readonly createdAt: string,
    private readonly userIds: string[],
    private readonly courseIds: string[],
    private readonly role: CanvasRole,
    private readonly store: CanvasStore,
    private readonly now: () => string,
  ) {
    this.updatedAt = createdAt;
  }

  get done(): boolean {
    return this.workflowState === 'completed';
  }

  step(poll: number, ticks: number): void {
    this.updatedAt = this.now();
    if (poll < ticks) {
      this.workflowState = 'running';
      this.completion = Math.floor((poll / ticks) * 100);
      return;
    }
    let enrolled = 0;
    let skipped = 0;
    for (const courseId of this.courseIds) {
      const course = /^\d+$/.test(courseId) ? this.store.getCourse(Number(courseId)) : undefined;
      const section = course ? this.store.sectionsOf(course.id)[0] : undefined;
      for (const userId of this.userIds) {
        const user = /^\d+$/.test(userId) ? this.store.getUser(Number(userId)) : undefined;
        if (!section || !user) {
          skipped += 1;
          continue;
        }
        enrollUser(this.store, { section, userId: user.id, role: this.role, state: 'active', associatedUserId: null, at: this.updatedAt });
        enrolled += 1;
      }
    }
    this.workflowState = 'completed';
    this.completion = 100;
    this.results = { enrolled, skipped };
    this.message = skipped === 0 ? `${enrolled} enrollments made` : `${enrolled} enrollments made; ${skipped} skipped (no such user or course)`;
  }

  record(web: string): Record<string, unknown> {
    return {
      id: this.id,
      context_id: this.accountId,
      context_type: 'Account',
      user_id: this.userId,
      tag: 'bulk_enroll_users',
      completion: this.completion,
      workflow_state: this.workflowState,
      created_at: this.createdAt,
      updated_at: this.updatedAt,
      message: this.message,
      results: this.results,
      url: `${web}/api/v1/progress/${this.id}`,
    };
  }
}

export function bulkEnroll(ctx: CanvasContext, accountId: string): CanvasReply {
  const account = findAccount(ctx, accountId);
  const userIds = ctx.params.list('user_ids');
  const courseIds = ctx.params.list('course_ids');
  if (userIds.length === 0 || courseIds.length === 0) throw new CanvasApiError(400, { errors: 'Give user_ids[] and course_ids[] to enroll.' });
  if (userIds.length * courseIds.length > MAX_BULK_PAIRS) throw new CanvasApiError(400, { errors: 'Too many users to enroll at once.' });
  let role: CanvasRole;
  const roleId = ctx.params.text('enrollment_role_id');
  if (roleId) {
    const found = /^\d+$/.test(roleId) ? ctx.store.getRole(Number(roleId)) : undefined;
    if (!found) throw new CanvasApiError(400, { errors: 'Invalid role' });
    role = found;
  } else {
    const type = ctx.params.text('enrollment_type') ?? 'StudentEnrollment';
    if (!(ENROLLMENT_TYPES as readonly string[]).includes(type)) throw new CanvasApiError(400, { errors: 'Invalid enrollment_type' });
    role = ctx.store.builtInRole(type as EnrollmentType);
  }
  const madeAt = ctx.now();
  const created = isoNow(() => madeAt);
  const job = ctx.jobs.addProgress(
    (id) => new BulkEnrollmentJob(id, account.id, ctx.userId, created, userIds, courseIds, role, ctx.store, () => isoNow(ctx.now)),
    madeAt,
  );
  return { status: 200, value: job.record(ctx.web) };
}

/** GET progress/:id: each call is one poll, which moves the job on. */
export function readProgress(ctx: CanvasContext, id: string): CanvasReply {
  const job = /^\d+$/.test(id) ? ctx.jobs.pollProgress(Number(id)) : undefined;
  if (!job) throw notFound();
  return { status: 200, value: job.record(ctx.web) };
}
