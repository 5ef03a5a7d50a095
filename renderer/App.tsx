import { useEffect } from 'react';
import { useRosterStore } from './store';
import { selectAccountsPanelOpen } from './store/accounts-slice';
import { SessionHeader } from './features/session/SessionHeader';
import { NoticeBanner } from './features/session/NoticeBanner';
import { AccountBanners } from './features/accounts/AccountBanners';
import { AccountsPanel } from './features/accounts/AccountsPanel';
import { RealmSidebar } from './features/realms/RealmSidebar';
import { RosterView } from './features/roster/RosterView';

export function App() {
  const loadSession = useRosterStore((s) => s.loadSession);
  const loadRealms = useRosterStore((s) => s.loadRealms);
  const loadKeychainStatus = useRosterStore((s) => s.loadKeychainStatus);
  const accountsPanelOpen = useRosterStore(selectAccountsPanelOpen);

  useEffect(() => {
    void loadSession();
    void loadRealms();
    void loadKeychainStatus();
  }, [loadSession, loadRealms, loadKeychainStatus]);

  return (
    <div className="app">
      <SessionHeader />
      <NoticeBanner />
      <AccountBanners />
      {accountsPanelOpen && <AccountsPanel />}
      <div className="workspace">
        <RealmSidebar />
        <RosterView />
      </div>
    </div>
  );
}
