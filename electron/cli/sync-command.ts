/**
 * `roster sync [--dry-run]`: push the account's queued edits, then refresh the realms they touched. The exit code
 * tells a script what happened: 0 all done, 3 done but some edits rejected or in conflict (kept; see `roster
 * pending`), 4 the LMS could not be reached (every edit kept), 1 anything else. --dry-run prints the requests a sync
 * would send (one line each) without touching the network.
 */
import type { OutboxOp } from '../db/outbox-repo';
import { SyncEngine, type SyncProgress, type SyncReport } from '../sync/engine';
import { Outbox } from '../sync/outbox';
import type { PlannedRequest } from '../sync/planner';
import { parseCommand, withContext } from './cli-context';
import { CliExit, EXIT } from './exit-codes';
import { describeOp, opJson, opLabel } from './op-json';
import { plural, printJson, printLine } from './output';

export async function runSync(args: string[]): Promise<number> {
  const { values } = parseCommand('sync', args, { 'dry-run': { type: 'boolean' } }, { names: [] });
  return withContext(values, async ({ cache, accounts, json, account }) => {
    const { id: accountId } = account();
    const outbox = new Outbox(cache);
    const engine = new SyncEngine({ cache, outbox, provider: (id) => accounts.providerFor(id), lockOwner: `roster-cli ${process.pid}` });

    if (values['dry-run']) {
      const plan = engine.plan(accountId);
      if (json) printJson(plan);
      else if (plan.length === 0) printLine('Nothing to send.');
      else for (const request of plan) printLine(describeRequest(request));
      return EXIT.ok;
    }

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
    if (interrupted.signal.aborted && report.outcome === 'failed') {
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
    const view = outbox.pending(accountId);
    const held: Array<[string, OutboxOp]> = [
      ...view.rejected.map((op): [string, OutboxOp] => ['rejected', op]),
      ...view.conflicts.map((op): [string, OutboxOp] => ['conflict', op]),
    ];
    for (const [state, op] of held) {
      // Ops held by an earlier run are listed too: each needs someone to act.
      const why = state === 'rejected' ? (op.error ?? 'rejected by the LMS') : 'the LMS changed it too';
      printLine(`  ${state} ${opLabel(op)}: ${describeOp(opJson(op))}: ${why}`);
    }
    if (held.length > 0) printLine('Kept. See `roster pending`; settle them with `roster resolve OP --keep-mine|--take-theirs`.');
    if (code === EXIT.unreachable) process.stderr.write(`roster: ${report.message ?? 'the LMS could not be reached'}; the unsent edits are kept, nothing was lost\n`);
    return code;
  });
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
