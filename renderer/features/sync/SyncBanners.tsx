import { useRosterStore } from '../../store';
import { selectSyncStatuses } from '../../store/sync-slice';
import { selectAccounts } from '../../store/accounts-slice';

/** What staff must know about sync: an LMS that cannot be reached (edits are safe) or a sign-in that expired (the fix). */
export function SyncBanners() {
  const statuses = useRosterStore(selectSyncStatuses);
  const accounts = useRosterStore(selectAccounts);
  const nameOf = (accountId: string) => accounts.find((account) => account.id === accountId)?.name ?? accountId;
  const offline = statuses.filter((status) => status.connectivity === 'offline');
  const expired = statuses.filter((status) => status.lastRun?.outcome === 'unauthorized');
  if (offline.length === 0 && expired.length === 0) return null;

  return (
    <div className="banners">
      {offline.map((status) => (
        <div key={`offline-${status.accountId}`} role="status" className="banner banner--warning">
          Offline: {nameOf(status.accountId)} cannot be reached. Your edits are kept on this computer and will sync when it is back.
        </div>
      ))}
      {expired.map((status) => (
        <div key={`expired-${status.accountId}`} role="alert" className="banner banner--error">
          {status.lastRun?.message ?? `${nameOf(status.accountId)} no longer accepts the sign-in. Sign in again under Manage accounts; your edits are kept.`}
        </div>
      ))}
    </div>
  );
}
