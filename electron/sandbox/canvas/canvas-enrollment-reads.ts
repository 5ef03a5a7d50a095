/**
 * The enrollment lists (courses/:id, sections/:id, users/:id …/enrollments) and the single read
 * (accounts/:account_id/enrollments/:id), with the filters of lms-api-notes §2.1: type[] (ignored when role[] is
 * given), role[], state[] (default active and invited; the synthetic states only on a user's list; anything else is
 * 400 "Invalid state X"), include[] and user_id. Sorted as Canvas's bookmarker sorts them: type, sortable name, id.
 */
import { ENROLLMENT_STATES_OF, isSyntheticState } from './canvas-states';
import { notFound, plainError, type CanvasContext, type CanvasReply } from './canvas-context';
import { findAccount, findCourse, findSection, findUser, lookupUser } from './canvas-ids';
import { bookmarkPage, sortByKey } from './canvas-paging';
import { enrollmentRecord, type EnrollmentContext, type EnrollmentIncludes } from './canvas-records';
import type { SandboxCanvasEnrollment } from './canvas-store';

type Scope = 'course' | 'section' | 'user';

const INCLUDES: ReadonlyArray<keyof EnrollmentIncludes> = ['avatar_url', 'group_ids', 'locked', 'observed_users', 'can_be_removed', 'uuid', 'current_points'];

export function includesOf(ctx: CanvasContext): EnrollmentIncludes {
  const asked = new Set(ctx.params.list('include'));
  return Object.fromEntries(INCLUDES.filter((name) => asked.has(name)).map((name) => [name, true])) as EnrollmentIncludes;
}

/** The states a list shows, or a 400 naming the first one Canvas would not take here. */
function statesOf(ctx: CanvasContext, scope: Scope): Set<string> {
  const asked = ctx.params.list('state');
  if (asked.length === 0) return new Set(['active', 'invited']);
  const states = new Set<string>();
  for (const state of asked) {
    const expanded = Object.hasOwn(ENROLLMENT_STATES_OF, state) ? ENROLLMENT_STATES_OF[state] : undefined;
    if (!expanded || (isSyntheticState(state) && scope !== 'user')) throw plainError(400, `Invalid state ${state}`);
    for (const one of expanded) states.add(one);
  }
  return states;
}

function listOf(ctx: CanvasContext, scope: Scope, id: string): { items: SandboxCanvasEnrollment[]; context: EnrollmentContext } {
  if (scope === 'course') return { items: ctx.store.enrollmentsInCourse(findCourse(ctx, id).id), context: 'course' };
  if (scope === 'section') return { items: ctx.store.enrollmentsInSection(findSection(ctx, id).id), context: 'course' };
  return { items: ctx.store.enrollmentsOfUser(findUser(ctx, id).id), context: 'other' };
}

export function listEnrollments(ctx: CanvasContext, scope: Scope, id: string): CanvasReply {
  const { items, context } = listOf(ctx, scope, id);
  const states = statesOf(ctx, scope);
  const roles = ctx.params.list('role');
  const types = roles.length > 0 ? [] : ctx.params.list('type');
  const userFilter = scope === 'user' ? undefined : ctx.params.text('user_id');
  let userId: number | undefined;
  if (userFilter !== undefined) {
    // An unknown user_id filter finds nothing rather than failing the list.
    userId = lookupUser(ctx, userFilter)?.id ?? -1;
  }
  const roleIds = roles.length > 0 ? new Set(roles.map((name) => ctx.store.roleNamed(name)?.id ?? -1)) : undefined;
  const kept = items.filter(
    (e) =>
      states.has(e.workflow_state) &&
      (roleIds === undefined || roleIds.has(e.role_id)) &&
      (types.length === 0 || types.includes(e.type)) &&
      (userId === undefined || e.user_id === userId),
  );
  const sorted = sortByKey(kept, (e) => [e.type, (ctx.store.getUser(e.user_id)?.sortable_name ?? '').toLowerCase(), e.id]);
  const page = bookmarkPage(sorted, ctx.url, ctx.perPageMax);
  const includes = includesOf(ctx);
  return { status: 200, value: page.items.map((e) => enrollmentRecord(ctx.store, e, ctx.web, context, includes)), headers: { Link: page.link } };
}

/** GET accounts/:account_id/enrollments/:id: any enrollment under the account's root account, whatever its state. */
export function readEnrollment(ctx: CanvasContext, accountId: string, id: string): CanvasReply {
  findAccount(ctx, accountId);
  const enrollment = /^\d+$/.test(id) ? ctx.store.getEnrollment(Number(id)) : undefined;
  if (!enrollment) throw notFound();
  return { status: 200, value: enrollmentRecord(ctx.store, enrollment, ctx.web, 'other', includesOf(ctx)) };
}
