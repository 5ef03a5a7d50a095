/**
 * `roster pending`: the account's unsynced edits — queued (in flight after a crash included: the next sync sends
 * them again), rejected by the LMS, and held in conflict — with the reason and the LMS's value for the held ones.
 */
import { Outbox } from '../sync/outbox';
import { parseCommand, withContext } from './cli-context';
import { conflictJson, describeOp, opJsonFor, opLabel, rejectedJson } from './op-json';
import { plural, printJson, printLine, printTable } from './output';

export async function runPending(args: string[]): Promise<number> {
  const { values } = parseCommand('pending', args, {}, { names: [] });
  return withContext(values, async ({ cache, json, account }) => {
    const { id, provider } = account();
    const view = new Outbox(cache).pending(id);
    // A Canvas account's ops name their role too (a TA and a teacher are both admin 1).
    const queued = [...view.queued, ...view.inFlight].sort((a, b) => a.seq - b.seq).map((op) => opJsonFor(op, provider));
    const rejected = view.rejected.map((op) => rejectedJson(cache, op, provider));
    const conflicts = view.conflicts.map((op) => conflictJson(cache, op, provider));
    if (json) {
      printJson({ queued, rejected, conflicts });
      return 0;
    }
    if (queued.length + rejected.length + conflicts.length === 0) {
      printLine('Nothing unsynced.');
      return 0;
    }
    const server = (s: { admin: number; status: number | null } | null) => (s ? `admin=${s.admin} status=${s.status ?? '?'}` : 'none');
    printTable(
      ['OP', 'STATE', 'EDIT', 'DETAIL'],
      [
        ...queued.map((op) => [opLabel(op), op.state === 'in_flight' ? 'queued (resend)' : 'queued', describeOp(op), op.error ?? '']),
        ...rejected.map((op) => [opLabel(op), 'rejected', describeOp(op), `${op.reason} (LMS has: ${server(op.server)})`]),
        ...conflicts.map((op) => [opLabel(op), 'conflict', describeOp(op), `${op.reason}`]),
      ],
    );
    printLine(
      `\n${plural(queued.length, 'queued edit')}, ${rejected.length} rejected, ${conflicts.length} in conflict.` +
        (conflicts.length + rejected.length > 0 ? ' Settle held ones with `roster resolve OP --keep-mine|--take-theirs`.' : ''),
    );
    return 0;
  });
}
