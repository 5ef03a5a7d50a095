import { useEffect } from 'react';
import { useRosterStore } from './store';
import { selectAccountsPanelOpen } from './store/accounts-slice';
import { selectPendingPanelOpen } from './store/outbox-slice';
import { SessionHeader } from './features/session/SessionHeader';
import { NoticeBanner } from './features/session/NoticeBanner';
import { AccountBanners } from './features/accounts/AccountBanners';
import { AccountsPanel } from './features/accounts/AccountsPanel';
import { SyncBar } from './features/sync/SyncBar';
import { SyncBanners } from './features/sync/SyncBanners';
import { RealmSidebar } from './features/realms/RealmSidebar';
import { RosterView } from './features/roster/RosterView';
import { PendingPanel } from './features/pending/PendingPanel';
import { ExportDialog } from './features/export/ExportDialog';
import { ImportDialog } from './features/import/ImportDialog';

export function App() {
  const loadSession = useRosterStore((s) => s.loadSession);
  const loadRealms = useRosterStore((s) => s.loadRealms);
  const loadKeychainStatus = useRosterStore((s) => s.loadKeychainStatus);
  const refreshPending = useRosterStore((s) => s.refreshPending);
  const startSyncPolling = useRosterStore((s) => s.startSyncPolling);
  const accountsPanelOpen = useRosterStore(selectAccountsPanelOpen);
  const pendingPanelOpen = useRosterStore(selectPendingPanelOpen);

  useEffect(() => {
    void loadSession();
    void loadRealms();
    void loadKeychainStatus();
    void refreshPending();
    // The main process does not push: the sync bar polls syncStatus and refreshes what a finished run changed.
    return startSyncPolling();
  }, [loadSession, loadRealms, loadKeychainStatus, refreshPending, startSyncPolling]);

  return (
    <div className="app">
      <SessionHeader />
      <SyncBar />
      <NoticeBanner />
      <SyncBanners />
      <AccountBanners />
      {accountsPanelOpen && <AccountsPanel />}
      <div className="workspace">
        <RealmSidebar />
        <RosterView />
        {pendingPanelOpen && <PendingPanel />}
      </div>
      <ExportDialog />
      <ImportDialog />
    </div>
  );
}
