/**
 * "Change all filtered": one change for every row a roster filter matches, queued in one transaction, so the renderer
 * never has to send (or even hold) 100,000 row refs.
 *
 * Each row becomes the smallest edit that makes it what the change asks for — an update names only the fields that
 * differ from the row as it will be after sync, a remove of a row already queued for removal is nothing — and goes
 * through the Outbox like any other edit, so coalescing, rebasing and the held rules are exactly those of single edits.
 * Rows the Outbox must not touch now are skipped and counted, never a reason to fail the other 99,999: a row whose
 * edit is being sent (in flight), and a row whose edit the LMS rejected or that is in conflict (held until resolved).
 */
import type { BulkChange, BulkEditResult, RosterFilter, RowRef } from '../../shared/api';
import type { EnrollmentFields } from '../../shared/domain/enrollment';
import type { Cache } from '../db/cache';
import type { NamedRosterRow } from '../db/roster-query';
import { writeTransaction } from '../db/write-transaction';
import { EditError, type Edit, type Outbox } from './outbox';

export interface BulkEditInput {
  filter: Required<Pick<RosterFilter, 'realmIds'>> & Omit<RosterFilter, 'realmIds'>;
  except: readonly RowRef[];
  change: BulkChange;
}

export interface BulkEditOutcome extends BulkEditResult {
  /** Accounts with a new, changed or removed op: their sync should be told. */
  accounts: string[];
}

const refKey = (realmId: string, enrollmentId: string): string => `${realmId}\n${enrollmentId}`;

/** The row as edits name it: its enrollment id, or its pending enroll's op id. */
const refOf = (row: NamedRosterRow): string | null => row.enrollmentId ?? row.pending?.opId ?? null;

export function editFiltered(cache: Cache, outbox: Outbox, input: BulkEditInput): BulkEditOutcome {
  const except = new Set(input.except.map((ref) => refKey(ref.realmId, ref.enrollmentId)));
  const result: BulkEditOutcome = { queued: 0, merged: 0, cancelled: 0, skipped: 0, accounts: [] };
  const accounts = new Set<string>();

  writeTransaction(cache.db, () => {
    const accountOf = new Map<string, string>();
    for (const realmId of input.filter.realmIds) {
      const realm = cache.realms.owner(realmId);
      if (!realm) throw new EditError('unknown-realm', `Realm "${realmId}" is not in the offline cache; pull it first, or leave it out of the filter.`);
      accountOf.set(realmId, realm.accountId);
    }
    // Read every matching row first: the query's cursor holds the connection, and the edits below write.
    const rows = [...cache.roster.each({ ...input.filter, sort: { column: 'name', direction: 'asc' } })];
    const edits = outbox.bulk();
    for (const row of rows) {
      const ref = refOf(row);
      if (ref === null || except.has(refKey(row.realmId, ref))) continue;
      if (row.pending && row.pending.state !== 'queued') {
        result.skipped += 1;
        continue;
      }
      const edit = editFor(row, ref, input.change);
      if (!edit) continue;
      // A queued-looking op may be in flight (the roster shows both as queued): the Outbox would queue a second op
      // behind it, which a person's single click may do but a bulk change should not do to thousands at once.
      if (row.pending && edits.op(row.pending.opId)?.state === 'in_flight') {
        result.skipped += 1;
        continue;
      }
      try {
        // A row the Outbox refuses (held further down its chain) is refused before anything of it is written.
        const done = edits.edit(edit);
        result[done.outcome] += 1;
        accounts.add(accountOf.get(row.realmId)!);
      } catch (error) {
        if (error instanceof EditError && error.code === 'held') {
          result.skipped += 1;
          continue;
        }
        throw error;
      }
    }
    edits.finish();
  });
  result.accounts = [...accounts];
  return result;
}

/** The one edit that gives the row the change, or null when it already has it. */
function editFor(row: NamedRosterRow, enrollmentId: string, change: BulkChange): Extract<Edit, { kind: 'update' | 'remove' }> | null {
  const pendingRemoval = row.pending?.kind === 'remove';
  if (change.kind === 'remove') return pendingRemoval ? null : { kind: 'remove', realmId: row.realmId, enrollmentId };
  // A row queued for removal is struck through: changing its role would be invisible (undo the removal first).
  if (pendingRemoval) return null;
  const fields: Partial<EnrollmentFields> = {};
  if (change.fields.role !== undefined && change.fields.role !== row.role) fields.role = change.fields.role;
  if (change.fields.status !== undefined && change.fields.status !== row.status) fields.status = change.fields.status;
  if (fields.role === undefined && fields.status === undefined) return null;
  return { kind: 'update', realmId: row.realmId, enrollmentId, fields };
}
