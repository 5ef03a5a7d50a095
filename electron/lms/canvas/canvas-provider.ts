/**
 * Canvas as an LmsProvider. Realms are the user's courses (`courses/ID`) and each course's sections
 * (`sections/ID`); a pull is the paged roster in every state a roster shows; a push sends each item as single
 * Canvas calls (canvas-push-plan.ts says which), or — where the account has SIS-import rights — the batch as one SIS
 * import (canvas-sis-import.ts, rows from canvas-sis-rows.ts).
 *
 * Choosing: with `sisImport: 'auto'` the provider asks Canvas once, on its first push, whether the user may run SIS
 * imports on the root account (GET accounts/:root/permissions?permissions[]=import_sis; a teacher is told no, or
 * refused with 403/401, which means the same). With `sisImport: {accountId}` it imports into that account without
 * asking. Either way the items a SIS row cannot express (an invitation, a realm or person without a SIS id, …) go as
 * single requests in the same pushBatch, after the import; only what neither path can do is refused. An import
 * Canvas refuses with 403 (rights withdrawn since the check) turns the provider to single requests for good.
 *
 * Single requests: items go in the batch's order, up to 4 at a time (fewer when the throttle holds them back), and
 * results come back in input order. A refusal of one item (a 4xx) is that item's result; a failure of the exchange
 * itself — network, timeout, a 5xx or a throttle that outlasted the retries, a 401 — stops the batch and throws the
 * LmsError, as the Schoology provider does for its one request: no result is reported, the caller keeps every op,
 * and sending the items again is safe because every step is idempotent (enrolling again answers the existing
 * enrollment, a state change to the state it already has is skipped, deleting a deleted enrollment is done).
 *
 * A role change is two calls and is not atomic: the person is enrolled with the new type in the old enrollment's
 * section, then the old enrollment is deleted. If the second call fails the person holds both roles until the op is
 * sent again; the retry finds the old enrollment still there and repeats both steps (the enroll answers the one made
 * the first time). If the old one is already deleted, the retry looks up the new one in the section instead.
 */
import {
  enrollmentFromCanvas,
  realmKey,
  roleToCanvas,
  type CanvasEnrollment,
  type CanvasState,
  type Enrollment,
  type Status,
} from '../../../shared/domain';
import { LmsError } from '../lms-error';
import type { LmsCapabilities, LmsIdentity, LmsProvider, PushBatch, PushItem, PushResult, RemoteRealm } from '../provider';
import type { TransportOptions } from '../transport';
import { CanvasClient, lmsReason, type EnrollTarget } from './canvas-client';
import { CanvasDirectory, canvasRealmParts, type CourseWithSections } from './canvas-directory';
import { createPlan, roleStep, statusStep } from './canvas-push-plan';
import { pushViaSisImport, type SisImportOptions } from './canvas-sis-import';
import { sisRowsFor } from './canvas-sis-rows';
import type { CanvasThrottleOptions } from './canvas-throttle';
import type { CanvasCourse, CanvasSection } from './canvas-wire-extra';

/** `importInto` before the one rights check of a provider built with sisImport 'auto'. */
const AUTO = Symbol('ask Canvas whether the user may run SIS imports');

/** Every state a roster shows (lms-api-notes §2.1: without state[] Canvas lists only active and invited). */
export const ROSTER_STATES: CanvasState[] = ['active', 'invited', 'creation_pending', 'inactive', 'completed'];
const EVERY_STATE: CanvasState[] = [...ROSTER_STATES, 'rejected', 'deleted'];

export interface CanvasProviderOptions {
  baseUrl: string;
  /** A personal access token, or an OAuth2 token source that refreshes (canvas-oauth2.ts). */
  token: ConstructorParameters<typeof CanvasClient>[0]['token'];
  transport?: TransportOptions;
  throttle?: CanvasThrottleOptions;
  /**
   * SIS imports for pushes. 'auto' (or `accountId: 'auto'`, to set the polling too): into the root account when the
   * user has the import_sis permission there, else single requests. An account id: always into that (root) account,
   * which needs SIS-import rights. Absent: single requests only.
   */
  sisImport?: 'auto' | ({ accountId: string } & Omit<SisImportOptions, 'signal'>);
}

export function createCanvasProvider(options: CanvasProviderOptions): LmsProvider {
  const client = new CanvasClient({
    baseUrl: options.baseUrl,
    token: options.token,
    ...(options.transport ? { transport: options.transport } : {}),
    ...(options.throttle ? { throttle: options.throttle } : {}),
  });
  return new CanvasProvider(client, options.sisImport !== undefined ? { sisImport: options.sisImport } : {});
}

function courseRealm(course: CanvasCourse): RemoteRealm {
  const title = course.name ?? course.course_code ?? `Course ${course.id}`;
  return {
    key: realmKey('course', course.id),
    provider: 'canvas',
    kind: 'course',
    remoteId: course.id,
    title,
    courseTitle: title,
    courseCode: course.course_code ?? '',
    courseSisId: course.sis_course_id ?? '',
    sectionCode: '',
    sectionSchoolCode: '',
    gradingPeriods: [],
  };
}

function sectionRealm(course: CanvasCourse, section: CanvasSection): RemoteRealm {
  const courseTitle = course.name ?? course.course_code ?? `Course ${course.id}`;
  const name = section.name ?? '';
  // Canvas names sections after their course ("Algebra I P3", and the default section just "Algebra I"): repeating
  // the course in front would say nothing more.
  const title = !name ? courseTitle : name.startsWith(courseTitle) ? name : `${courseTitle} · ${name}`;
  return {
    key: realmKey('section', section.id),
    provider: 'canvas',
    kind: 'section',
    remoteId: section.id,
    title,
    courseTitle,
    courseCode: course.course_code ?? '',
    // The course the section was listed under: an enrollments.csv row names both (lms-api-notes §2.6).
    courseSisId: course.sis_course_id ?? '',
    // Canvas sections have a name and a SIS id, no code of their own.
    sectionCode: '',
    sectionSchoolCode: section.sis_section_id ?? '',
    gradingPeriods: [],
  };
}

/** A 4xx is the item's answer; anything else is the batch's failure. */
function itemAnswer(opId: string, error: unknown): PushResult | null {
  if (!(error instanceof LmsError) || error.status === undefined) return null;
  if (error.kind === 'not-found') return { opId, outcome: 'not-found', reason: lmsReason(error) };
  if (error.kind === 'rejected' || error.kind === 'forbidden') return { opId, outcome: 'rejected', code: error.status, reason: lmsReason(error) };
  return null;
}

/** Runs `run` over items, at most `limit` at once, starting them in order; the first thrown error stops new starts. */
async function inOrder<I, R>(items: readonly I[], limit: number, run: (item: I) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async (): Promise<void> => {
    while (failure === null && next < items.length) {
      const index = next++;
      try {
        results[index] = await run(items[index] as I);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== null) throw (failure as { error: unknown }).error;
  return results;
}

type Upsert = Extract<PushItem, { kind: 'upsert' }>;
type Update = Extract<PushItem, { kind: 'update' }>;
type Remove = Extract<PushItem, { kind: 'remove' }>;

/** A step that ended in a refusal of ours rather than a Canvas answer. */
class Refusal {
  constructor(readonly reason: string) {}
}

export class CanvasProvider implements LmsProvider {
  readonly provider = 'canvas' as const;
  /**
   * Items travel as single requests (or one SIS import), so a batch is a unit of results, not of requests; 50 keeps
   * a batch's results arriving in reasonable steps. Creates are enrolls that answer an existing enrollment: upserts.
   */
  readonly capabilities: LmsCapabilities = { maxBatch: 50, upsert: true, multiRealmBatches: true };
  private readonly directory: CanvasDirectory;
  /** Where pushes import: an account id, null for single requests, or the pending answer of the one rights check. */
  private importInto: string | null | typeof AUTO | Promise<string | null>;

  constructor(
    readonly client: CanvasClient,
    private readonly options: { sisImport?: CanvasProviderOptions['sisImport'] } = {},
  ) {
    this.directory = new CanvasDirectory(client);
    const sis = options.sisImport;
    this.importInto = sis === undefined ? null : sis === 'auto' || sis.accountId === 'auto' ? AUTO : sis.accountId;
  }

  async whoAmI(signal?: AbortSignal): Promise<LmsIdentity> {
    const user = await this.client.self(signal);
    return { userId: user.id, name: user.name, schoolUid: user.sis_user_id ?? '' };
  }

  /** Each course, followed by its sections. */
  async listRealms(signal?: AbortSignal): Promise<RemoteRealm[]> {
    const listed: CourseWithSections[] = await this.directory.refresh(signal);
    return listed.flatMap(({ course, sections }) => [courseRealm(course), ...sections.map((section) => sectionRealm(course, section))]);
  }

  async *pullRealm(key: string, signal?: AbortSignal): AsyncIterable<Enrollment[]> {
    const { kind, id } = canvasRealmParts(key);
    const scope = kind === 'course' ? { course: id } : { section: id };
    for await (const page of this.client.listEnrollments(scope, { state: ROSTER_STATES, include: ['avatar_url'] }, signal)) {
      yield page.map((record) => enrollmentFromCanvas(record, key));
    }
  }

  async pushBatch(batch: PushBatch, signal?: AbortSignal): Promise<PushResult[]> {
    if (batch.items.length > this.capabilities.maxBatch) {
      throw new Error(
        `a Canvas push batch holds at most ${this.capabilities.maxBatch} items, got ${batch.items.length} (${batch.kind}); the planner must split it`,
      );
    }
    if (batch.items.length === 0) return [];
    if (batch.kind === 'accesscode') {
      // Canvas joins by a self-enrollment code only on its web page (/enroll/CODE) or with the course's id in hand;
      // the API has no join by code alone.
      return batch.items.map((item) => ({
        opId: item.opId,
        outcome: 'rejected',
        code: 400,
        reason: "Canvas has no way to join with a code through its API; open the course's self-enrollment link in a browser instead",
      }));
    }
    const items: PushItem[] = batch.items;
    const accountId = await this.sisAccount(signal);
    if (accountId !== null) return this.pushBySisImport(items, accountId, signal);
    return this.pushSingly(items, signal);
  }

  /** Whether pushes import, and into which account: asked of Canvas once per provider when 'auto'. */
  private async sisAccount(signal: AbortSignal | undefined): Promise<string | null> {
    // Read and set without an await in between: batches pushed side by side share the one question.
    const known = this.importInto;
    if (known !== AUTO) return known;
    const asking = (async () => {
      const root = await this.directory.rootAccountId(signal);
      const rights = await this.client.accountPermissions(root, ['import_sis'], signal);
      return rights.import_sis ? root : null;
    })();
    this.importInto = asking;
    try {
      return await asking;
    } catch (error) {
      // Not known yet (the network, say): the next push asks again.
      if (this.importInto === asking) this.importInto = AUTO;
      throw error;
    }
  }

  private pushSingly(items: readonly PushItem[], signal: AbortSignal | undefined): Promise<PushResult[]> {
    return inOrder(items, this.client.throttle.maxConcurrent, (item) => this.pushOne(item, signal));
  }

  private async pushOne(item: PushItem, signal: AbortSignal | undefined): Promise<PushResult> {
    try {
      const outcome = await this.apply(item, signal);
      if (outcome instanceof Refusal) return { opId: item.opId, outcome: 'rejected', code: 400, reason: outcome.reason };
      return outcome;
    } catch (error) {
      const answer = itemAnswer(item.opId, error);
      if (answer) return answer;
      throw error;
    }
  }

  private apply(item: PushItem, signal: AbortSignal | undefined): Promise<PushResult | Refusal> {
    switch (item.kind) {
      case 'upsert':
        return this.upsert(item, signal);
      case 'update':
        return this.update(item, signal);
      case 'remove':
        return this.remove(item, signal);
      case 'accesscode':
        return Promise.resolve(new Refusal('Canvas has no way to join with a code through its API'));
    }
  }

  /**
   * POST …/enrollments with the type and the nearest state Canvas can create, then any step still needed. On a
   * course realm Canvas enrolls into the course's default section, and finds the existing enrollment there.
   */
  private async upsert(item: Upsert, signal: AbortSignal | undefined): Promise<PushResult | Refusal> {
    const plan = createPlan(item.fields.status);
    if (plan.call === 'refuse') return new Refusal(plan.reason);
    if (item.enrollmentId !== undefined) {
      // The check read this enrollment: settle it by id, in the section it sits in. Looking the person up instead
      // would enroll a course realm's member into the default section, and would miss the old enrollment of a role
      // change cut off between its two steps (update → replaceRole finishes both).
      return this.update({ kind: 'update', opId: item.opId, realmKey: item.realmKey, enrollmentId: item.enrollmentId, fields: item.fields }, signal);
    }
    const { kind, id } = canvasRealmParts(item.realmKey);
    const target: EnrollTarget = kind === 'course' ? { course: id } : { section: id };
    // The sync engine sends every edit of a person as an upsert ("this person has these values here"), as Schoology's
    // update_existing=1 takes them. Canvas keys an enrollment by its type, so enrolling with another type would add a
    // second enrollment beside the person's current one: a person already here with another role changes role instead.
    const current = await this.currentEnrollment(target, item.userId, roleToCanvas(item.fields.role), signal);
    if (current) return this.update({ kind: 'update', opId: item.opId, realmKey: item.realmKey, enrollmentId: current.id, fields: item.fields }, signal);
    const record = await this.client.enroll(
      target,
      { userId: item.userId, type: roleToCanvas(item.fields.role), enrollmentState: plan.state },
      signal,
    );
    // Not only plan.then: an enrollment that existed keeps the state Canvas gives it, which may not be the one asked.
    const settled = await this.settleStatus(record, item.fields.status, signal);
    if (settled instanceof Refusal) return settled;
    return { opId: item.opId, outcome: 'applied', enrollmentId: settled.id, realmKey: item.realmKey };
  }

  /**
   * The person's enrollment in the realm when it has another type than `type` and none of `type` exists there (so an
   * upsert must change its role); null when the plain enroll is right (no enrollment yet, or one of that type).
   */
  private async currentEnrollment(
    target: EnrollTarget,
    userId: string,
    type: ReturnType<typeof roleToCanvas>,
    signal: AbortSignal | undefined,
  ): Promise<CanvasEnrollment | null> {
    let other: CanvasEnrollment | null = null;
    for await (const page of this.client.listEnrollments(target, { userId, state: ROSTER_STATES }, signal)) {
      for (const record of page) {
        if (record.type === type) return null;
        other ??= record.type === 'StudentViewEnrollment' || record.type === 'ObserverEnrollment' ? null : record;
      }
    }
    return other;
  }

  private async update(item: Update, signal: AbortSignal | undefined): Promise<PushResult | Refusal> {
    let record = await this.client.getEnrollment(await this.accountId(signal), item.enrollmentId, signal);
    if (!this.inRealm(record, item.realmKey)) {
      return { opId: item.opId, outcome: 'not-found', reason: `enrollment ${item.enrollmentId} is not in ${item.realmKey}` };
    }
    let targetStatus: Status | undefined = item.fields.status;
    const role = item.fields.role === undefined ? ({ call: 'none' } as const) : roleStep(record.type, item.fields.role);
    if (role.call === 'refuse') return new Refusal(role.reason);
    if (role.call === 'replace') {
      const replaced = await this.replaceRole(record, role.type, targetStatus, signal);
      if (replaced === null) {
        return { opId: item.opId, outcome: 'not-found', reason: `enrollment ${item.enrollmentId} was deleted` };
      }
      if (replaced instanceof Refusal) return replaced;
      targetStatus ??= replaced.wanted;
      record = replaced.record;
    } else if (record.enrollment_state === 'deleted') {
      return { opId: item.opId, outcome: 'not-found', reason: `enrollment ${item.enrollmentId} was deleted` };
    }
    if (targetStatus !== undefined) {
      const settled = await this.settleStatus(record, targetStatus, signal);
      if (settled instanceof Refusal) return settled;
      record = settled;
    }
    return { opId: item.opId, outcome: 'applied', enrollmentId: record.id, realmKey: item.realmKey };
  }

  /**
   * The person enrolled with `type` in the old enrollment's section, and the old enrollment deleted; null when the
   * old one is deleted and no enrollment of the new type is there (someone else removed the person).
   */
  private async replaceRole(
    old: CanvasEnrollment,
    type: ReturnType<typeof roleToCanvas>,
    status: Status | undefined,
    signal: AbortSignal | undefined,
  ): Promise<{ record: CanvasEnrollment; wanted: Status } | Refusal | null> {
    if (old.enrollment_state === 'deleted') {
      // A retry after the delete went through: the new enrollment was made the first time.
      for await (const page of this.client.listEnrollments(
        old.course_section_id ? { section: old.course_section_id } : { course: this.courseOf(old) },
        { userId: old.user_id, type: [type], state: EVERY_STATE },
        signal,
      )) {
        const made = page.find((record) => record.enrollment_state !== 'deleted');
        if (made) return { record: made, wanted: status ?? made.enrollment_state };
      }
      return null;
    }
    const wanted = status ?? old.enrollment_state;
    const plan = createPlan(wanted);
    if (plan.call === 'refuse') return new Refusal(plan.reason);
    const made = await this.client.enroll(
      this.sectionOf(old),
      {
        userId: old.user_id,
        type,
        enrollmentState: plan.state,
        ...(old.limit_privileges_to_course_section != null ? { limitPrivilegesToCourseSection: old.limit_privileges_to_course_section } : {}),
      },
      signal,
    );
    await this.client.deleteEnrollment(this.courseOf(old), old.id, 'delete', signal);
    return { record: made, wanted };
  }

  /** One step from the enrollment's state to `target`, then a check that Canvas did what was asked. */
  private async settleStatus(record: CanvasEnrollment, target: Status, signal: AbortSignal | undefined): Promise<CanvasEnrollment | Refusal> {
    const step = statusStep(record.enrollment_state, target);
    let after: CanvasEnrollment;
    switch (step.call) {
      case 'none':
        return record;
      case 'refuse':
        return new Refusal(step.reason);
      case 'reactivate':
        after = await this.client.reactivateEnrollment(this.courseOf(record), record.id, signal);
        break;
      case 'delete':
        after = await this.client.deleteEnrollment(this.courseOf(record), record.id, step.task, signal);
        break;
      case 'enroll':
        after = await this.client.enroll(
          this.sectionOf(record),
          {
            userId: record.user_id,
            type: record.type === 'StudentViewEnrollment' ? 'StudentEnrollment' : record.type,
            ...(record.role_id ? { roleId: record.role_id } : {}),
            enrollmentState: step.state,
          },
          signal,
        );
        break;
    }
    if (after.enrollment_state !== target) {
      return new Refusal(`Canvas left enrollment ${after.id} ${after.enrollment_state} when asked to make it ${target}`);
    }
    return after;
  }

  private async remove(item: Remove, signal: AbortSignal | undefined): Promise<PushResult> {
    const { kind, id } = canvasRealmParts(item.realmKey);
    let courseId = id;
    if (kind === 'section') {
      const record = await this.client.getEnrollment(await this.accountId(signal), item.enrollmentId, signal);
      if (!this.inRealm(record, item.realmKey)) {
        return { opId: item.opId, outcome: 'not-found', reason: `enrollment ${item.enrollmentId} is not in ${item.realmKey}` };
      }
      if (record.enrollment_state === 'deleted') return { opId: item.opId, outcome: 'applied', enrollmentId: record.id };
      courseId = this.courseOf(record);
    }
    const deleted = await this.client.deleteEnrollment(courseId, item.enrollmentId, 'delete', signal);
    return { opId: item.opId, outcome: 'applied', enrollmentId: deleted.id };
  }

  /**
   * The items SIS rows can express as one import, then the rest as single requests; results in input order. A
   * failure of either (network, timeout) throws, and the caller keeps every op: SIS rows and single calls are both
   * idempotent, so sending the whole batch again is safe.
   */
  private async pushBySisImport(items: PushItem[], accountId: string, signal: AbortSignal | undefined): Promise<PushResult[]> {
    const plan = await sisRowsFor(items, { client: this.client, directory: this.directory, accountId, ...(signal ? { signal } : {}) });
    const single = plan.single.map(({ item }) => item);
    const byOp = new Map<string, PushResult>(plan.answered);
    if (plan.rows.length > 0) {
      const sis = this.options.sisImport;
      const { accountId: _into, ...waiting }: { accountId?: string } & SisImportOptions = typeof sis === 'object' ? sis : {};
      try {
        for (const result of await pushViaSisImport(this.client, accountId, plan.rows, { ...waiting, ...(signal ? { signal } : {}) })) {
          byOp.set(result.opId, result);
        }
      } catch (error) {
        // 403 "SIS imports are not enabled for this account" (§2.6): the rights are gone, the single requests remain.
        if (!(error instanceof LmsError && error.kind === 'forbidden')) throw error;
        this.importInto = null;
        const imported = new Set(plan.rows.map((row) => row.opId));
        single.push(...items.filter((item) => imported.has(item.opId)));
      }
    }
    for (const result of await this.pushSingly(single, signal)) byOp.set(result.opId, result);
    return items.map(
      (item) => byOp.get(item.opId) ?? { opId: item.opId, outcome: 'rejected', code: 400, reason: 'no SIS import row was made for this edit' },
    );
  }

  private async accountId(signal: AbortSignal | undefined): Promise<string> {
    const configured = this.options.sisImport;
    if (typeof configured === 'object' && configured.accountId !== 'auto') return configured.accountId;
    return this.directory.rootAccountId(signal);
  }

  private inRealm(record: CanvasEnrollment, key: string): boolean {
    const { kind, id } = canvasRealmParts(key);
    return kind === 'course' ? record.course_id === id : record.course_section_id === id;
  }

  private courseOf(record: CanvasEnrollment): string {
    if (!record.course_id) throw new LmsError('malformed', 'GET enrollment', `Canvas sent enrollment ${record.id} without its course_id`);
    return record.course_id;
  }

  private sectionOf(record: CanvasEnrollment): EnrollTarget {
    return record.course_section_id ? { section: record.course_section_id } : { course: this.courseOf(record) };
  }
}
