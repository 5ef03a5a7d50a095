/**
 * The push plan: which items travel together, so that U upserts and D removes cost exactly ceil(U/max) +
 * ceil(D/max) write requests. Creates and updates both go as upserts (POST enrollments?update_existing=1) because
 * that one endpoint mixes realms: per-realm bulk PUTs could never be fewer requests. Access-code joins have an
 * endpoint of their own and go one per request. Pure.
 */
import type { PushBatch, PushItem } from '../lms/provider';

/** What the planner is handed: updates arrive already turned into upserts (see conflict-check). */
export type PlanItem = Exclude<PushItem, { kind: 'update' }>;

/** One request of a plan, for `roster sync --dry-run` and logs. */
export interface PlannedRequest {
  method: 'POST' | 'DELETE';
  endpoint: string;
  kind: 'upsert' | 'remove' | 'accesscode';
  opIds: string[];
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Batches in the order they should be sent: upserts, then removes, then joins; within each kind the items keep the
 * order given (the outbox's seq order). Every op of one person is in a different round (see the engine), so the
 * order between kinds never decides an outcome.
 */
export function planPush(items: readonly PlanItem[], maxBatch: number): PushBatch[] {
  if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new Error(`A push batch must hold at least one item (maxBatch ${maxBatch}).`);
  const upserts = items.filter((item): item is Extract<PlanItem, { kind: 'upsert' }> => item.kind === 'upsert');
  const removes = items.filter((item): item is Extract<PlanItem, { kind: 'remove' }> => item.kind === 'remove');
  const joins = items.filter((item): item is Extract<PlanItem, { kind: 'accesscode' }> => item.kind === 'accesscode');
  return [
    ...chunks(upserts, maxBatch).map((batch): PushBatch => ({ kind: 'upsert', items: batch })),
    ...chunks(removes, maxBatch).map((batch): PushBatch => ({ kind: 'remove', items: batch })),
    ...joins.map((item): PushBatch => ({ kind: 'accesscode', items: [item] })),
  ];
}

/** The request a batch becomes, in Schoology's terms (the one LMS with a push path today). */
export function describeBatch(batch: PushBatch): PlannedRequest {
  const opIds = batch.items.map((item) => item.opId);
  switch (batch.kind) {
    case 'upsert':
      return { method: 'POST', endpoint: 'enrollments?update_existing=1', kind: 'upsert', opIds };
    case 'remove':
      return {
        method: 'DELETE',
        endpoint: `enrollments?enrollment_ids=${batch.items.map((item) => item.enrollmentId).join(',')}`,
        kind: 'remove',
        opIds,
      };
    case 'accesscode':
      return { method: 'POST', endpoint: `${batch.items[0].realmKind}s/accesscode`, kind: 'accesscode', opIds };
    case 'update':
      throw new Error(`The planner never makes per-realm update batches (got one for ${batch.realmKey}); updates go as upserts.`);
  }
}
