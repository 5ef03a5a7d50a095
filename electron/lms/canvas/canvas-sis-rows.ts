/**
 * PushItems as enrollments.csv rows for a SIS import (canvas-sis-import.ts). A SIS import names everything by SIS
 * id (lms-api-notes §2.6, sis_csv.md), while an item names Canvas ids, so each item is looked up first:
 *
 * - upsert: the person's enrollments in the realm (GET …/enrollments?user_id=). One of the asked type is updated in
 *   its own section; one of another type is a role change: the new role's row in that section plus the old role's row
 *   deleted (the same non-atomic replacement as with single requests, but in one import). With none, a new row names
 *   the realm's SIS id from the course and section list (canvas-directory.ts) and the person's SIS id from their
 *   enrollments (GET users/:id/enrollments — a SIS importer is a root admin, who may read them, §2.1);
 * - update and remove: the enrollment itself (GET accounts/:id/enrollments/:id), which carries all three SIS ids.
 *
 * What a row cannot say goes back to the caller as an item for single requests, with the reason: the status column
 * takes active, inactive, completed and deleted only (a SIS import cannot invite: Canvas's SIS export writes invited
 * as active, which a push must not do silently); a row names places and people by SIS id, so one whose section,
 * course or person has none cannot be written; nor can it keep a custom role (a row with the base role would add a
 * second enrollment) or an observer's link to the student observed. Only Canvas's own answers (404, 4xx) are results.
 */
import {
  roleFromCanvas,
  roleToCanvas,
  type CanvasEnrollment,
  type CanvasState,
  type Role,
  type Status,
} from '../../../shared/domain';
import { LmsError } from '../lms-error';
import type { PushItem, PushResult } from '../provider';
import { lmsReason, type CanvasClient } from './canvas-client';
import { canvasRealmParts, type CanvasDirectory } from './canvas-directory';
import type { SisEnrollmentRow, SisStatus } from './canvas-sis-import';

export interface SisRowContext {
  client: CanvasClient;
  directory: CanvasDirectory;
  accountId: string;
  signal?: AbortSignal;
}

/** What became of each item: rows for the import, a result already known, or single requests (and why). */
export interface SisRowPlan {
  rows: SisEnrollmentRow[];
  /** Canvas's answer to a lookup (the enrollment or realm is gone, or Canvas refused to show it). */
  answered: Map<string, PushResult>;
  /** Items a SIS import cannot express, in input order, each with the reason. */
  single: Array<{ item: PushItem; reason: string }>;
}

const ROSTER_STATES: CanvasState[] = ['active', 'invited', 'creation_pending', 'inactive', 'completed'];
const EVERY_STATE: CanvasState[] = [...ROSTER_STATES, 'rejected', 'deleted'];

/** The status column for a unified status, or the reason a SIS import cannot write it. */
export function sisStatus(status: Status): SisStatus | { refuse: string } {
  switch (status) {
    case 'active':
    case 'inactive':
    case 'completed':
    case 'deleted':
      return status;
    case 'invited':
    case 'creation_pending':
      return { refuse: 'a Canvas SIS import cannot invite (it would make the enrollment active)' };
    case 'rejected':
      return { refuse: 'only the invited person can reject an invitation in Canvas' };
    case 'requested':
      return { refuse: 'Canvas has no request-pending state' };
  }
}

type Rows = Array<Omit<SisEnrollmentRow, 'opId'>>;

/** Why an item cannot be a row; `notFound` when Canvas has no such thing (then single requests cannot do it either). */
class RowRefusal {
  constructor(
    readonly reason: string,
    readonly notFound = false,
  ) {}
}

/** Rows for the items, in item order; the others answered or handed back for single requests. */
export async function sisRowsFor(items: readonly PushItem[], context: SisRowContext): Promise<SisRowPlan> {
  const plan: SisRowPlan = { rows: [], answered: new Map(), single: [] };
  const userSis = new Map<string, string | null>();
  // The lookups are reads: as many at once as the throttle lets the client send.
  const looked = await lookUpAll(items, context.client.throttle.maxConcurrent, async (item): Promise<Rows | RowRefusal | PushResult> => {
    try {
      return await rowsFor(item, context, userSis);
    } catch (error) {
      if (!(error instanceof LmsError) || error.status === undefined) throw error;
      if (error.kind === 'not-found') return new RowRefusal(lmsReason(error), true);
      if (error.kind === 'rejected' || error.kind === 'forbidden') return { opId: item.opId, outcome: 'rejected', code: error.status, reason: lmsReason(error) };
      throw error;
    }
  });
  for (const [index, item] of items.entries()) {
    const made = looked[index] as Rows | RowRefusal | PushResult;
    if (!Array.isArray(made) && !(made instanceof RowRefusal)) {
      plan.answered.set(item.opId, made);
      continue;
    }
    if (made instanceof RowRefusal) {
      if (made.notFound) plan.answered.set(item.opId, { opId: item.opId, outcome: 'not-found', reason: made.reason });
      else plan.single.push({ item, reason: made.reason });
      continue;
    }
    plan.rows.push(...made.map((row) => ({ opId: item.opId, ...row })));
  }
  return plan;
}

/** `look` over the items, at most `limit` at once, answers in item order; the first failure is thrown. */
async function lookUpAll<R>(items: readonly PushItem[], limit: number, look: (item: PushItem) => Promise<R>): Promise<R[]> {
  const answers = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        answers[index] = await look(items[index] as PushItem);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return answers;
}

async function rowsFor(item: PushItem, context: SisRowContext, userSis: Map<string, string | null>): Promise<Rows | RowRefusal> {
  switch (item.kind) {
    case 'upsert': {
      if (item.enrollmentId !== undefined) {
        // The enrollment the check read: its rows, in its own section (see PushItem.enrollmentId).
        const { opId, realmKey, enrollmentId, fields } = item;
        return rowsFor({ kind: 'update', opId, realmKey, enrollmentId, fields }, context, userSis);
      }
      const status = sisStatus(item.fields.status);
      if (typeof status !== 'string') return new RowRefusal(status.refuse);
      const current = await enrollmentsInRealm(item.realmKey, item.userId, context);
      const type = roleToCanvas(item.fields.role);
      const same = current.find((record) => record.type === type);
      if (same) return rowsChanging(same, item.fields.role, status);
      const other = current.find((record) => record.type !== 'StudentViewEnrollment' && record.type !== 'ObserverEnrollment');
      if (other) return rowsChanging(other, item.fields.role, status);
      return newRow(item.realmKey, item.userId, item.fields.role, status, context, userSis);
    }
    case 'update': {
      const record = await context.client.getEnrollment(context.accountId, item.enrollmentId, context.signal);
      if (!inRealm(record, item.realmKey)) return new RowRefusal(`enrollment ${item.enrollmentId} is not in ${item.realmKey}`, true);
      // Also what a role change sent again finds once its first import went through; the engine's re-check of
      // in-flight ops against the roster settles it from there.
      if (record.enrollment_state === 'deleted') return new RowRefusal(`enrollment ${item.enrollmentId} was deleted`, true);
      const status = sisStatus(item.fields.status ?? record.enrollment_state);
      if (typeof status !== 'string') return new RowRefusal(status.refuse);
      return rowsChanging(record, item.fields.role ?? roleFromCanvas(record.type), status);
    }
    case 'remove': {
      const record = await context.client.getEnrollment(context.accountId, item.enrollmentId, context.signal);
      if (!inRealm(record, item.realmKey)) return new RowRefusal(`enrollment ${item.enrollmentId} is not in ${item.realmKey}`, true);
      return rowsChanging(record, roleFromCanvas(record.type), 'deleted');
    }
    case 'accesscode':
      return new RowRefusal('Canvas has no way to join with a code through its API');
  }
}

/** The person's live enrollments in a course or section realm (a realm Canvas does not know is a 404). */
async function enrollmentsInRealm(realmKey: string, userId: string, context: SisRowContext): Promise<CanvasEnrollment[]> {
  const { kind, id } = canvasRealmParts(realmKey);
  const found: CanvasEnrollment[] = [];
  for await (const page of context.client.listEnrollments(kind === 'course' ? { course: id } : { section: id }, { userId, state: ROSTER_STATES }, context.signal)) {
    found.push(...page);
  }
  return found;
}

function inRealm(record: CanvasEnrollment, realmKey: string): boolean {
  const { kind, id } = canvasRealmParts(realmKey);
  return kind === 'course' ? record.course_id === id : record.course_section_id === id;
}

/** Rows that give an existing enrollment `role` and `status`: one row, or two for a role change. */
function rowsChanging(record: CanvasEnrollment, role: Role, status: SisStatus): Rows | RowRefusal {
  if (record.type === 'StudentViewEnrollment') return new RowRefusal("Canvas's test student (Student View) is not managed by SIS imports");
  if (record.role && record.role !== record.type) {
    return new RowRefusal(`enrollment ${record.id} has the custom role "${record.role}", which a SIS row by base role would not keep`);
  }
  if (record.associated_user_id) return new RowRefusal(`enrollment ${record.id} observes a student, a link a SIS row here does not carry`);
  const ids = sisIdsOf(record);
  if (ids instanceof RowRefusal) return ids;
  const oldRole = roleFromCanvas(record.type);
  if (role === oldRole || status === 'deleted') return [{ ...ids, role: oldRole, status }];
  return [
    { ...ids, role, status },
    { ...ids, role: oldRole, status: 'deleted' },
  ];
}

/** A row for a person not yet enrolled in the realm. */
async function newRow(
  realmKey: string,
  userId: string,
  role: Role,
  status: SisStatus,
  context: SisRowContext,
  userSis: Map<string, string | null>,
): Promise<Rows | RowRefusal> {
  // Canvas makes nothing for a deleted row of an enrollment it does not have: there is nothing to write.
  if (status === 'deleted') return new RowRefusal('a deleted enrollment cannot be created; remove the person instead');
  const place = await context.directory.find(realmKey, context.signal);
  if (!place) return new RowRefusal(`${realmKey} is not one of this account's courses or sections`, true);
  const courseId = place.course.sis_course_id ?? '';
  const sectionId = place.section ? (place.section.sis_section_id ?? '') : '';
  if (place.section ? sectionId === '' : courseId === '') {
    return new RowRefusal(`${realmKey} has no SIS id, which SIS imports name ${place.section ? 'sections' : 'courses'} by`);
  }
  const user = await userSisId(userId, context, userSis);
  if (!user) return new RowRefusal(`user ${userId} has no SIS id, which SIS imports name people by`);
  return [{ courseId, sectionId, userId: user, role, status }];
}

/**
 * The SIS ids a row needs for an existing enrollment. The section's is required: a row naming only the course lands
 * in the course's default section, which may not be the enrollment's.
 */
function sisIdsOf(record: CanvasEnrollment): { courseId: string; sectionId: string; userId: string } | RowRefusal {
  const userId = record.sis_user_id ?? record.user?.sis_user_id ?? '';
  const courseId = record.sis_course_id ?? '';
  const sectionId = record.sis_section_id ?? '';
  if (userId === '') return new RowRefusal(`user ${record.user_id} has no SIS id, which SIS imports name people by`);
  if (sectionId === '') return new RowRefusal(`enrollment ${record.id}'s section has no SIS id, which SIS imports name sections by`);
  return { courseId, sectionId, userId };
}

/** The person's SIS id from any of their enrollments; null when Canvas shows none. Looked up once per person. */
async function userSisId(userId: string, context: SisRowContext, known: Map<string, string | null>): Promise<string | null> {
  if (known.has(userId)) return known.get(userId) ?? null;
  let found: string | null = null;
  for await (const page of context.client.listEnrollments({ user: userId }, { state: EVERY_STATE }, context.signal)) {
    const record = page.find((r) => r.sis_user_id || r.user?.sis_user_id);
    if (record) {
      found = record.sis_user_id ?? record.user?.sis_user_id ?? null;
      break;
    }
  }
  known.set(userId, found);
  return found;
}
