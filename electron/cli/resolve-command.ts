/**
 * `roster resolve OP --keep-mine|--take-theirs`: settles a held edit. For a conflict, keep-mine queues the edit again
 * against the LMS's current values (the next sync pushes it), take-theirs drops the conflicting fields. A rejected edit
 * can only be dropped (take-theirs): sent again unchanged, the LMS would refuse it again.
 */
import { Outbox } from '../sync/outbox';
import { parseCommand, withContext } from './cli-context';
import { CliExit, EXIT } from './exit-codes';
import { describeOp, opJson, opLabel } from './op-json';
import { printJson, printLine } from './output';
import { UsageError } from './usage-error';

export async function runResolve(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    'resolve',
    args,
    { 'keep-mine': { type: 'boolean' }, 'take-theirs': { type: 'boolean' } },
    { names: ['OP'] },
  );
  if (Boolean(values['keep-mine']) === Boolean(values['take-theirs'])) throw new UsageError('resolve: say either --keep-mine or --take-theirs');
  const choice = values['keep-mine'] ? 'keep-mine' : 'take-theirs';
  const wanted = (positionals[0] as string).toLowerCase();

  return withContext(values, async ({ cache, json, account }) => {
    const { id: accountId } = account();
    const outbox = new Outbox(cache);
    const view = outbox.pending(accountId);
    const held = [...view.conflicts, ...view.rejected];
    const all = [...held, ...view.queued, ...view.inFlight];
    const matches = all.filter((op) => op.id.toLowerCase().startsWith(wanted) || op.id.toLowerCase().endsWith(wanted));
    if (matches.length === 0) throw new CliExit(EXIT.error, `no unsynced edit ${wanted} in account ${accountId}; \`roster pending\` lists them`);
    if (matches.length > 1) throw new CliExit(EXIT.error, `${wanted} matches ${matches.length} edits; give more of the op id`);
    const op = matches[0]!;
    if (op.state !== 'conflict' && op.state !== 'rejected') {
      throw new CliExit(EXIT.error, `edit ${opLabel(op)} is ${op.state}, not held: there is nothing to resolve (\`roster sync\` sends it)`);
    }
    const before = opJson(op);
    if (op.state === 'rejected') {
      if (choice === 'keep-mine') {
        throw new CliExit(EXIT.error, `edit ${opLabel(op)} was rejected by the LMS (${op.error ?? 'no reason given'}); sent again it would fail again: drop it with --take-theirs`);
      }
      outbox.discard(op.id);
    } else {
      outbox.resolve(op.id, choice);
    }
    const after = cache.outbox.get(op.id);
    if (json) {
      printJson({ id: op.id, choice, op: after ? opJson(after) : null });
      return 0;
    }
    if (!after) printLine(`Dropped ${opLabel(op)} (${describeOp(before)}): the LMS's values stand.`);
    else if (choice === 'keep-mine') printLine(`Kept ${opLabel(op)}: ${describeOp(opJson(after))}; \`roster sync\` sends it.`);
    else printLine(`Took the LMS's values for the conflicting fields; ${opLabel(op)} still sends: ${describeOp(opJson(after))}.`);
    return 0;
  });
}
