import { useEffect } from 'react';
import { useRosterStore } from './store';
import { SessionHeader } from './features/session/SessionHeader';
import { NoticeBanner } from './features/session/NoticeBanner';
import { RealmSidebar } from './features/realms/RealmSidebar';
import { RosterView } from './features/roster/RosterView';

export function App() {
  const loadSession = useRosterStore((s) => s.loadSession);
  const loadRealms = useRosterStore((s) => s.loadRealms);

  useEffect(() => {
    void loadSession();
    void loadRealms();
  }, [loadSession, loadRealms]);

  return (
    <div className="app">
      <SessionHeader />
      <NoticeBanner />
      <div className="workspace">
        <RealmSidebar />
        <RosterView />
      </div>
    </div>
  );
}
