/**
 * `roster sync [--dry-run]`: push the account's queued edits, then refresh the realms they touched. The exit code
 * tells a script what happened: 0 all done, 3 done but some edits rejected or in conflict (kept; see `roster
 * pending`), 4 the LMS could not be reached (every edit kept), 1 anything else. --dry-run prints the requests a sync
 * would send (one line each) without touching the network. With several accounts (a Schoology and a Canvas one side
 * by side) and no --account, a sync pushes each account in turn, each line naming its account; the exit code is the
 * worst of theirs.
 */
import type { AccountRecord } from '../db/accounts-repo';
import type { OutboxOp } from '../db/outbox-repo';
import { SyncEngine, type SyncProgress, type SyncReport } from '../sync/engine';
import { Outbox } from '../sync/outbox';
import type { PlannedRequest } from '../sync/planner';
import { parseCommand, withContext, type CliContext } from './cli-context';
import { CliExit, EXIT } from './exit-codes';
import { describeOp, opJsonFor, opLabel } from './op-json';
import { plural, printJson, printLine } from './output';

export async function runSync(args: string[]): Promise<number> {
  const { values } = parseCommand('sync', args, { 'dry-run': { type: 'boolean' } }, { names: [] });
  return withContext(values, async (context) => {
    const { cache, accounts, json, account } = context;
    const all = accounts.list();
    if (values.account === undefined && !values['dry-run'] && all.length > 1) return syncEach(context, all);
    const chosen = account();
    const accountId = chosen.id;
    const outbox = new Outbox(cache);

    if (values['dry-run']) {
      const engine = new SyncEngine({ cache, outbox, provider: (id) => accounts.providerFor(id), lockOwner: `roster-cli ${process.pid}` });
      const plan = engine.plan(accountId);
      if (json) printJson(plan);
      else if (plan.length === 0) printLine('Nothing to send.');
      else for (const request of plan) printLine(describeRequest(request));
      return EXIT.ok;
    }

    const { report, interrupted } = await push(context, accountId);
    if (interrupted && report.outcome === 'failed') {
      if (json) printJson(report);
      throw new CliExit(EXIT.error, report.message ?? 'sync stopped; the unsent edits stay queued');
    }
    const code = exitCodeOf(report);
    const hint = report.outcome === 'unauthorized' ? await accounts.signInAgainHint(accountId) : '';
    if (json) {
      printJson(report);
      if (code === EXIT.error) throw new CliExit(code, failureMessage(report, hint));
      return code;
    }
    if (code === EXIT.error) throw new CliExit(code, failureMessage(report, hint));
    printLine(summaryOf(report));
    printHeld(outbox, chosen, '');
    if (code === EXIT.unreachable) process.stderr.write(`roster: ${report.message ?? 'the LMS could not be reached'}; the unsent edits are kept, nothing was lost\n`);
    return code;
  });
}

/** One account's push, stoppable by Ctrl+C (or SIGTERM) after the request under way. */
async function push({ cache, accounts, json }: CliContext, accountId: string): Promise<{ report: SyncReport; interrupted: boolean }> {
  const outbox = new Outbox(cache);
  const engine = new SyncEngine({ cache, outbox, provider: (id) => accounts.providerFor(id), lockOwner: `roster-cli ${process.pid}` });
  const progress = process.stderr.isTTY && !json;
  const interrupted = new AbortController();
  // Ctrl+C (or SIGTERM) stops the sync after the request under way, so the lock is released and the unsent edits are
  // requeued; a second one quits at once, which is safe too (the next sync recovers), just less tidy.
  const stop = () => {
    if (interrupted.signal.aborted) process.exit(130);
    interrupted.abort(new Error('interrupted'));
    process.stderr.write('\nroster: stopping after the current request (press Ctrl+C again to quit at once)\n');
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  let report: SyncReport;
  try {
    report = await engine.sync(accountId, { signal: interrupted.signal, onProgress: progress ? showProgress : undefined });
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  if (progress) process.stderr.write('\r\u001b[K');
  return { report, interrupted: interrupted.signal.aborted };
}

/** Rejected and conflicting edits, each needing someone to act (held by an earlier run too), `prefix` before each line. */
function printHeld(outbox: Outbox, { id: accountId, provider }: Pick<AccountRecord, 'id' | 'provider'>, prefix: string): void {
  const view = outbox.pending(accountId);
  const held: Array<[string, OutboxOp]> = [
    ...view.rejected.map((op): [string, OutboxOp] => ['rejected', op]),
    ...view.conflicts.map((op): [string, OutboxOp] => ['conflict', op]),
  ];
  for (const [state, op] of held) {
    const why = state === 'rejected' ? (op.error ?? 'rejected by the LMS') : 'the LMS changed it too';
    printLine(`${prefix}  ${state} ${opLabel(op)}: ${describeOp(opJsonFor(op, provider))}: ${why}`);
  }
  if (held.length > 0) printLine(`${prefix}Kept. See \`roster pending\`; settle them with \`roster resolve OP --keep-mine|--take-theirs\`.`);
}

/** How bad an exit code is, so several accounts' syncs end with the worst: failed, unreachable, held, done. */
const SEVERITY: Record<number, number> = { [EXIT.ok]: 0, [EXIT.held]: 1, [EXIT.unreachable]: 2, [EXIT.error]: 3 };

/**
 * Every account in turn, one line each ("NAME: Pushed …"); an account that fails says why on stderr and the others
 * still go. --json: [{account, …report}].
 */
async function syncEach(context: CliContext, all: readonly AccountRecord[]): Promise<number> {
  const outbox = new Outbox(context.cache);
  const reports: Array<{ account: string } & SyncReport> = [];
  let worst: number = EXIT.ok;
  for (const { id, name, provider } of all) {
    const { report, interrupted } = await push(context, id);
    reports.push({ account: name, ...report });
    const code = interrupted && report.outcome === 'failed' ? EXIT.error : exitCodeOf(report);
    if ((SEVERITY[code] ?? 0) > (SEVERITY[worst] ?? 0)) worst = code;
    if (!context.json) {
      if (code === EXIT.error) {
        const hint = report.outcome === 'unauthorized' ? await context.accounts.signInAgainHint(id) : '';
        process.stderr.write(`roster: ${name}: ${failureMessage(report, hint)}\n`);
      } else {
        printLine(`${name}: ${summaryOf(report)}`);
        printHeld(outbox, { id, provider }, `${name}: `);
        if (code === EXIT.unreachable) process.stderr.write(`roster: ${name}: ${report.message ?? 'the LMS could not be reached'}; the unsent edits are kept, nothing was lost\n`);
      }
    }
    if (interrupted) break;
  }
  if (context.json) printJson(reports);
  return worst;
}

function exitCodeOf(report: SyncReport): number {
  switch (report.outcome) {
    case 'ok':
      return EXIT.ok;
    case 'partial':
      return EXIT.held;
    case 'offline':
      return EXIT.unreachable;
    default:
      return EXIT.error;
  }
}

/** `hint`: for 'unauthorized', how to sign the account in again (AccountService.signInAgainHint). */
function failureMessage(report: SyncReport, hint: string): string {
  switch (report.outcome) {
    case 'unauthorized':
      return `the LMS refused the account's credentials (an expired or revoked sign-in); ${hint}; the queued edits are kept and go out with the next sync`;
    case 'busy':
      return `another sync of this account is running${report.message ? ` (${report.message})` : ''}; try again when it has finished`;
    default:
      return `sync failed: ${report.message ?? 'no reason given'}; the queued edits are kept`;
  }
}

/** "Pushed 3 edits in 2 requests; 1 rejected (kept). Refreshed 2 realms." */
function summaryOf(report: SyncReport): string {
  const parts = [`Pushed ${plural(report.applied, 'edit')} in ${plural(report.requests.writes, 'request')}`];
  if (report.done > 0) parts.push(`${report.done} already on the LMS`);
  if (report.rejected > 0) parts.push(`${report.rejected} rejected (kept)`);
  if (report.conflicts > 0) parts.push(`${report.conflicts} in conflict (kept)`);
  if (report.requeued > 0) parts.push(`${plural(report.requeued, 'edit')} not sent (kept for the next sync)`);
  return `${parts.join('; ')}. Refreshed ${plural(report.refreshedRealms, 'realm')}.`;
}

/** One line per request: "POST enrollments?update_existing=1  upsert  50 edits". */
function describeRequest(request: PlannedRequest): string {
  let endpoint = request.endpoint;
  // A remove names every enrollment id in its query; a line shows the first few.
  const ids = /^(enrollments\?enrollment_ids=)(.*)$/.exec(endpoint);
  if (ids) {
    const list = (ids[2] ?? '').split(',');
    endpoint = `${ids[1]}${list.slice(0, 3).join(',')}${list.length > 3 ? ',…' : ''}`;
  }
  return `${request.method} ${endpoint}  ${request.kind}  ${plural(request.opIds.length, 'edit')}`;
}

function showProgress(p: SyncProgress): void {
  const batch = p.batch ? ` request ${p.batch.index}/${p.batch.count} (${p.batch.kind}, ${p.batch.size})` : '';
  process.stderr.write(`\rroster: ${p.phase} ${p.done}/${p.total}${batch}\u001b[K`);
}
