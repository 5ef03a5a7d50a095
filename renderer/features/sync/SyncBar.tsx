import { useRosterStore } from '../../store';
import { selectLastSyncSummary, selectSyncRequested, selectSyncStatuses } from '../../store/sync-slice';
import { selectAccounts } from '../../store/accounts-slice';
import { connectivityWords, syncedAtWords } from './sync-words';
import { SyncProgress } from './SyncProgress';
import './sync.css';

/** Per account: reachable or not, when it last synced; "Sync now", the running sync's progress and its summary. */
export function SyncBar() {
  const statuses = useRosterStore(selectSyncStatuses);
  const accounts = useRosterStore(selectAccounts);
  const lastSyncedAt = useRosterStore((s) => s.lastSyncedAt);
  const requested = useRosterStore(selectSyncRequested);
  const summary = useRosterStore(selectLastSyncSummary);
  const syncAllNow = useRosterStore((s) => s.syncAllNow);
  const several = accounts.length > 1;
  const nameOf = (accountId: string) => accounts.find((account) => account.id === accountId)?.name ?? accountId;
  const running = statuses.find((status) => status.syncing) ?? null;
  // Only this page's own "Sync now" disables the button: a background sync may take long on a bad network, and a click
  // meanwhile just reports that one is running.
  const requestedHere = requested.length > 0;
  const busy = requestedHere || running !== null;

  return (
    <section className="sync-bar" aria-label="Sync">
      {statuses.length === 0 && <span className="sync-bar__muted">No LMS account to sync</span>}
      {statuses.map((status) => {
        const syncedAt = lastSyncedAt[status.accountId];
        return (
          <span key={status.accountId} className="sync-bar__account">
            <span className={`sync-dot sync-dot--${status.connectivity}`} aria-hidden="true" />
            <span>
              {several && `${nameOf(status.accountId)}: `}
              {connectivityWords(status.connectivity)}
            </span>
            <span className="sync-bar__muted">
              {syncedAt ? (
                <>
                  Last synced <time dateTime={syncedAt}>{syncedAtWords(syncedAt)}</time>
                </>
              ) : status.lastRun ? (
                <>
                  Not synced yet; last try <time dateTime={status.lastRun.finishedAt}>{syncedAtWords(status.lastRun.finishedAt)}</time>
                </>
              ) : (
                'Never synced'
              )}
            </span>
          </span>
        );
      })}
      <button type="button" className="sync-bar__button" disabled={requestedHere || accounts.length === 0} onClick={() => void syncAllNow()}>
        Sync now
      </button>
      {busy && <SyncProgress status={running} accountName={several && running ? nameOf(running.accountId) : null} />}
      <p role="status" className="sync-bar__summary">
        {!requestedHere && summary}
      </p>
    </section>
  );
}
