/**
 * Sync in the renderer: each account's connectivity, running sync and last run (polled, since the main process does
 * not push), "Sync now", and the one-line summary of what the last run did.
 */
import type { StateCreator } from 'zustand';
import type { Account, SyncReportShape, SyncStatus } from '../../shared/api';
import { getApi } from '../api';
import type { RosterStore } from './index';
import { messageOf } from './error-message';

export const SYNC_POLL_MS = 700;

export interface SyncSlice {
  syncStatuses: SyncStatus[];
  /** Per account, when a run last reached the LMS (ok or partial) as far as this page has seen. */
  lastSyncedAt: Record<string, string>;
  /** Accounts whose "Sync now" this page started and is waiting on. */
  syncRequested: string[];
  /** What the last "Sync now" did, in words ("Synced: 2 applied, 1 rejected, 0 conflicts"); null before any run. */
  lastSyncSummary: string | null;
  startSyncPolling(): () => void;
  refreshSyncStatus(): Promise<void>;
  syncNow(accountId: string): Promise<void>;
  /** "Sync now" of the sync bar: every account, one after the other. */
  syncAllNow(): Promise<void>;
}

type RunCounts = Pick<SyncReportShape, 'outcome' | 'applied' | 'done' | 'rejected' | 'conflicts' | 'requeued' | 'message'>;

/** The summary of one run: counts when it reached the LMS, else the run's own message (which says what to do). */
export function syncSummaryOf(report: RunCounts): string {
  if (report.outcome === 'ok' || report.outcome === 'partial') {
    const conflicts = report.conflicts === 1 ? '1 conflict' : `${report.conflicts} conflicts`;
    const left = report.requeued > 0 ? `, ${report.requeued} left queued` : '';
    return `Synced: ${report.applied + report.done} applied, ${report.rejected} rejected, ${conflicts}${left}`;
  }
  return report.message ?? fallbackMessage(report.outcome);
}

function fallbackMessage(outcome: SyncReportShape['outcome']): string {
  switch (outcome) {
    case 'offline':
      return 'Not synced: the LMS cannot be reached. Your edits are kept and will sync when it is back.';
    case 'unauthorized':
      return 'Not synced: the LMS refused the sign-in. Sign in again under Manage accounts; your edits are kept.';
    case 'busy':
      return 'A sync of this account is already running.';
    default:
      return 'Not synced: the sync failed. Your edits are kept; try Sync now again.';
  }
}

/** Prefixes each account's line with its name when there are several, so staff know which one it was. */
function summaryLine(accounts: Account[], accountId: string, text: string): string {
  if (accounts.length < 2) return text;
  const name = accounts.find((account) => account.id === accountId)?.name ?? accountId;
  return `${name}: ${text}`;
}

type LastRun = NonNullable<SyncStatus['lastRun']>;

const reachedLms = (run: LastRun) => run.outcome === 'ok' || run.outcome === 'partial';
const countsOf = (run: LastRun): RunCounts => ({ outcome: run.outcome, message: run.message, ...run.counts });

/** What a status change means for the rest of the screen: a finished run or changed edits alter rows and counts. */
const fingerprint = (status: SyncStatus) => `${status.lastRun?.finishedAt ?? ''}|${status.pending}`;

export const createSyncSlice: StateCreator<RosterStore, [], [], SyncSlice> = (set, get) => {
  let seen: Map<string, string> | null = null;
  const lastFinished = new Map<string, string>();

  function refreshAfterChange(): Promise<unknown> {
    return Promise.all([get().refreshPending(), get().loadRealms(), get().refreshRoster()]);
  }

  /** Runs that finished since the last poll (background syncs included): their success time and summary. */
  function runNews(statuses: SyncStatus[], baseline: boolean): Partial<SyncSlice> {
    const lastSyncedAt = { ...get().lastSyncedAt };
    const finished: string[] = [];
    for (const { accountId, lastRun } of statuses) {
      if (!lastRun) continue;
      if (reachedLms(lastRun)) lastSyncedAt[accountId] = lastRun.finishedAt;
      if (!baseline && lastRun.finishedAt !== lastFinished.get(accountId)) finished.push(summaryLine(get().accounts, accountId, syncSummaryOf(countsOf(lastRun))));
      lastFinished.set(accountId, lastRun.finishedAt);
    }
    return finished.length > 0 ? { lastSyncedAt, lastSyncSummary: finished.join(' ') } : { lastSyncedAt };
  }

  return {
    syncStatuses: [],
    lastSyncedAt: {},
    syncRequested: [],
    lastSyncSummary: null,

    async refreshSyncStatus() {
      let statuses: SyncStatus[];
      try {
        statuses = await getApi().syncStatus();
      } catch {
        // The status is advisory: a failed poll leaves the bar as it was and the next one tries again.
        return;
      }
      const next = new Map(statuses.map((status) => [status.accountId, fingerprint(status)]));
      // The first answer is the baseline: the app has just loaded everything else itself.
      const previous = seen;
      const changed = previous !== null && (next.size !== previous.size || [...next].some(([id, print]) => previous.get(id) !== print));
      seen = next;
      // An unchanged answer sets nothing, so the bar does not re-render every poll (the roster keeps its frames).
      if (JSON.stringify(statuses) !== JSON.stringify(get().syncStatuses)) set({ syncStatuses: statuses, ...runNews(statuses, previous === null) });
      if (changed) await refreshAfterChange();
    },

    startSyncPolling() {
      let stopped = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      // Each poll waits for the previous answer, so a slow main process never has polls piling up.
      const poll = async () => {
        await get().refreshSyncStatus();
        if (!stopped) timer = setTimeout(() => void poll(), SYNC_POLL_MS);
      };
      void poll();
      return () => {
        stopped = true;
        clearTimeout(timer);
      };
    },

    async syncNow(accountId) {
      if (get().syncRequested.includes(accountId)) return;
      set({ syncRequested: [...get().syncRequested, accountId] });
      let text: string;
      try {
        text = syncSummaryOf(await getApi().syncNow({ accountId }));
      } catch (error) {
        // sync_unavailable (no keychain, or no sync in this host) says why in words: a summary, not a crash.
        text = messageOf(error);
      }
      set({
        syncRequested: get().syncRequested.filter((id) => id !== accountId),
        lastSyncSummary: summaryLine(get().accounts, accountId, text),
      });
      await Promise.all([get().refreshSyncStatus(), refreshAfterChange()]);
    },

    async syncAllNow() {
      const accountIds = get().accounts.map((account) => account.id);
      const lines: string[] = [];
      for (const accountId of accountIds) {
        await get().syncNow(accountId);
        const line = get().lastSyncSummary;
        if (line) lines.push(line);
      }
      if (lines.length > 1) set({ lastSyncSummary: lines.join(' ') });
    },
  };
};

export const selectSyncStatuses = (s: RosterStore) => s.syncStatuses;
export const selectLastSyncSummary = (s: RosterStore) => s.lastSyncSummary;
export const selectSyncRequested = (s: RosterStore) => s.syncRequested;
