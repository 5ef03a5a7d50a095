/**
 * PushItems as enrollments.csv rows for a SIS import (canvas-sis-import.ts). A SIS import names everything by SIS
 * id (lms-api-notes §2.6, sis_csv.md), while an item names Canvas ids, so each item is looked up first:
 *
 * - upsert: the realm's SIS id from the course and section list (canvas-directory.ts), the person's SIS id from
 *   their enrollments (GET users/:id/enrollments — a SIS importer is a root admin, who may read them, §2.1);
 * - update and remove: the enrollment itself (GET accounts/:id/enrollments/:id), which carries all three SIS ids.
 *
 * The status column takes active, inactive, completed and deleted only: a SIS import cannot invite (the Canvas SIS
 * export writes invited as active, which a push must not do silently), so such edits are refused with the reason,
 * as are edits whose course, section or person has no SIS id. A role change is two rows: the new role with the
 * status, and the old role deleted — the same non-atomic replacement as with single requests, but in one import.
 */
import { roleFromCanvas, type CanvasEnrollment, type CanvasState, type Role, type Status } from '../../../shared/domain';
import { LmsError } from '../lms-error';
import type { PushItem, PushResult } from '../provider';
import { lmsReason, type CanvasClient } from './canvas-client';
import type { CanvasDirectory } from './canvas-directory';
import type { SisEnrollmentRow, SisStatus } from './canvas-sis-import';

export interface SisRowContext {
  client: CanvasClient;
  directory: CanvasDirectory;
  accountId: string;
  signal?: AbortSignal;
}

const EVERY_STATE: CanvasState[] = ['active', 'invited', 'creation_pending', 'inactive', 'completed', 'rejected', 'deleted'];

/** The status column for a unified status, or the reason it cannot be written by a SIS import. */
export function sisStatus(status: Status): SisStatus | { refuse: string } {
  switch (status) {
    case 'active':
    case 'inactive':
    case 'completed':
    case 'deleted':
      return status;
    case 'invited':
    case 'creation_pending':
      return { refuse: 'a Canvas SIS import cannot invite (it would make the enrollment active); set the status to active, or push without SIS imports' };
    case 'rejected':
      return { refuse: 'only the invited person can reject an invitation in Canvas' };
    case 'requested':
      return { refuse: 'Canvas has no request-pending state' };
  }
}

type Rows = Array<Omit<SisEnrollmentRow, 'opId'>>;

class RowRefusal {
  constructor(
    readonly reason: string,
    readonly notFound = false,
  ) {}
}

/** Rows for the items, in item order, and a result for each item that cannot become a row. */
export async function sisRowsFor(
  items: readonly PushItem[],
  context: SisRowContext,
): Promise<{ rows: SisEnrollmentRow[]; refused: Map<string, PushResult> }> {
  const rows: SisEnrollmentRow[] = [];
  const refused = new Map<string, PushResult>();
  const userSis = new Map<string, string | null>();
  for (const item of items) {
    let made: Rows | RowRefusal;
    try {
      made = await rowsFor(item, context, userSis);
    } catch (error) {
      if (!(error instanceof LmsError) || error.status === undefined) throw error;
      if (error.kind === 'not-found') made = new RowRefusal(lmsReason(error), true);
      else if (error.kind === 'rejected' || error.kind === 'forbidden') {
        refused.set(item.opId, { opId: item.opId, outcome: 'rejected', code: error.status, reason: lmsReason(error) });
        continue;
      } else throw error;
    }
    if (made instanceof RowRefusal) {
      refused.set(
        item.opId,
        made.notFound ? { opId: item.opId, outcome: 'not-found', reason: made.reason } : { opId: item.opId, outcome: 'rejected', code: 400, reason: made.reason },
      );
      continue;
    }
    rows.push(...made.map((row) => ({ opId: item.opId, ...row })));
  }
  return { rows, refused };
}

async function rowsFor(item: PushItem, context: SisRowContext, userSis: Map<string, string | null>): Promise<Rows | RowRefusal> {
  switch (item.kind) {
    case 'upsert': {
      const status = sisStatus(item.fields.status);
      if (typeof status !== 'string') return new RowRefusal(status.refuse);
      const place = await context.directory.find(item.realmKey, context.signal);
      if (!place) return new RowRefusal(`${item.realmKey} is not one of this account's courses or sections`, true);
      const courseId = place.course.sis_course_id ?? '';
      const sectionId = place.section ? (place.section.sis_section_id ?? '') : '';
      if (place.section ? sectionId === '' : courseId === '') {
        return new RowRefusal(`${item.realmKey} has no SIS id, which SIS imports name ${place.section ? 'sections' : 'courses'} by; push without SIS imports`);
      }
      const user = await userSisId(item.userId, context, userSis);
      if (!user) return new RowRefusal(`user ${item.userId} has no SIS id, which SIS imports name people by; push without SIS imports`);
      return [{ courseId, sectionId, userId: user, role: item.fields.role, status }];
    }
    case 'update': {
      const record = await context.client.getEnrollment(context.accountId, item.enrollmentId, context.signal);
      // Also what a role change sent again finds once its first import went through; the engine's re-check of
      // in-flight ops against the roster settles it from there.
      if (record.enrollment_state === 'deleted') return new RowRefusal(`enrollment ${item.enrollmentId} was deleted`, true);
      const ids = sisIdsOf(record);
      if (ids instanceof RowRefusal) return ids;
      const oldRole = roleFromCanvas(record.type);
      const role: Role = item.fields.role ?? oldRole;
      const status = sisStatus(item.fields.status ?? record.enrollment_state);
      if (typeof status !== 'string') return new RowRefusal(status.refuse);
      if (record.type === 'StudentViewEnrollment') return new RowRefusal("Canvas's test student (Student View) is not managed by SIS imports");
      const rows: Rows = [{ ...ids, role, status }];
      if (role !== oldRole) rows.push({ ...ids, role: oldRole, status: 'deleted' });
      return rows;
    }
    case 'remove': {
      const record = await context.client.getEnrollment(context.accountId, item.enrollmentId, context.signal);
      const ids = sisIdsOf(record);
      if (ids instanceof RowRefusal) return ids;
      return [{ ...ids, role: roleFromCanvas(record.type), status: 'deleted' }];
    }
    case 'accesscode':
      return new RowRefusal('Canvas has no way to join with a code through its API');
  }
}

function sisIdsOf(record: CanvasEnrollment): { courseId: string; sectionId: string; userId: string } | RowRefusal {
  const userId = record.sis_user_id ?? record.user?.sis_user_id ?? '';
  const courseId = record.sis_course_id ?? '';
  const sectionId = record.sis_section_id ?? '';
  if (userId === '') return new RowRefusal(`user ${record.user_id} has no SIS id, which SIS imports name people by; push without SIS imports`);
  if (courseId === '' && sectionId === '') {
    return new RowRefusal(`enrollment ${record.id}'s course and section have no SIS id, which SIS imports name them by; push without SIS imports`);
  }
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
