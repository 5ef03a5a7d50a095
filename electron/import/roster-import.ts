/**
 * The RosterApi's previewImport and applyImport: a roster CSV read against a realm's cached roster (import-diff.ts),
 * shown, then queued as outbox edits.
 *
 * applyImport computes the diff again inside its write transaction, so what is queued is exactly what the roster then
 * holds, and queues every change through the Outbox's bulk path (one read of the realm's enrollments and ops, no
 * savepoint per edit): a 10,000-row file is one transaction of well under a second, all or nothing. A file with bad
 * rows queues nothing unless the user confirmed queuing the rest (skipProblems).
 */
import {
  RosterApiError,
  type ImportInputParsed,
  type ImportPreview,
  type ImportProblem,
  type ImportResult,
  type RealmSummary,
} from '../../shared/api';
import type { Cache } from '../db/cache';
import { writeTransaction } from '../db/write-transaction';
import { EditError, type Outbox } from '../sync/outbox';
import { planImport, type ImportPlan, type PlannedChange } from './import-diff';

/** How many changes and problems a preview lists (its counts are complete). */
export const PREVIEW_LIMIT = 1_000;

/** How many problems an error message quotes before "…". */
const QUOTED_PROBLEMS = 3;

const fileNameOf = (input: ImportInputParsed): string => input.fileName?.trim() || 'the file';

function realmOf(cache: Cache, realmId: string): RealmSummary {
  const realm = cache.realms.get(realmId);
  if (!realm) throw new RosterApiError('unknown_realm', `"${realmId}" is not a cached section or group; pull it first, or choose another.`);
  if (realm.pulledAt === null) {
    throw new RosterApiError('unknown_realm', `The roster of ${realm.title} (${realm.key}) was never pulled, so there is nothing to compare the file with; pull it first.`);
  }
  return realm;
}

function plan(cache: Cache, input: ImportInputParsed): ImportPlan {
  return planImport(cache, realmOf(cache, input.realmId), { content: input.content, fileName: fileNameOf(input), fullSync: input.fullSync });
}

const countOf = (changes: readonly PlannedChange[], kind: PlannedChange['kind']): number => changes.filter((change) => change.kind === kind).length;

/** Reads the file against the realm's cached roster: what it would change, and every row it cannot use. Queues nothing. */
export function previewImport(cache: Cache, input: ImportInputParsed): ImportPreview {
  const { realm, layout, rows, changes, unchanged, problems } = plan(cache, input);
  return {
    realmId: realm.id,
    layout,
    rows,
    toEnroll: countOf(changes, 'enroll'),
    toChange: countOf(changes, 'change'),
    toRemove: countOf(changes, 'remove'),
    unchanged,
    changes: changes.slice(0, PREVIEW_LIMIT).map(({ edit: _edit, ...change }) => change),
    problems: problems.slice(0, PREVIEW_LIMIT),
    problemCount: problems.length,
  };
}

const rowsWord = (n: number): string => `${n} ${n === 1 ? 'row' : 'rows'}`;
const changesWord = (n: number): string => `${n} ${n === 1 ? 'change' : 'changes'}`;

/** "line 4: …; line 9: …; and 3 more" */
export function quoteProblems(problems: readonly ImportProblem[], total = problems.length): string {
  const quoted = problems.slice(0, QUOTED_PROBLEMS).map((problem) => `line ${problem.line}: ${problem.message}`);
  if (total > quoted.length) quoted.push(`and ${total - quoted.length} more`);
  return quoted.join('; ');
}

/**
 * Queues the file's changes (computed again, in one transaction). Refuses with code import_problems while the file has
 * bad rows, unless skipProblems confirms queuing the rest.
 */
export function applyImport(cache: Cache, outbox: Outbox, input: ImportInputParsed & { skipProblems: boolean }): ImportResult {
  const fileName = fileNameOf(input);
  return writeTransaction(cache.db, () => {
    const { changes, problems } = plan(cache, input);
    if (problems.length > 0 && !input.skipProblems) {
      throw new RosterApiError(
        'import_problems',
        `${rowsWord(problems.length)} of ${fileName} cannot be imported (${quoteProblems(problems)}); nothing was queued. Fix them, or confirm to queue the other ${changesWord(changes.length)}`,
      );
    }
    const result: ImportResult = { queued: 0, merged: 0, cancelled: 0, skippedRows: problems.length };
    const edits = outbox.bulk();
    for (const change of changes) {
      try {
        result[edits.edit(change.edit).outcome] += 1;
      } catch (error) {
        // The diff found the roster editable; the outbox has the last word (an edit held further down its chain).
        if (error instanceof EditError) {
          const where = change.line === null ? `removing ${change.name}` : `line ${change.line}`;
          throw new RosterApiError('import_problems', `${fileName} ${where}: ${error.message}; nothing was queued.`);
        }
        throw error;
      }
    }
    edits.finish();
    return result;
  });
}
