import { useRosterStore } from '../../store';

export function SessionHeader() {
  const accounts = useRosterStore((s) => s.accounts);
  const appInfo = useRosterStore((s) => s.appInfo);

  return (
    <header className="app-header">
      <h1>Roster Desk</h1>
      <div className="app-header__accounts" aria-label="Accounts">
        {accounts.length === 0
          ? 'No LMS account yet'
          : accounts.map((account) => (
              <span key={account.id} className="account-chip">
                {account.user ? `${account.user.name} · ` : ''}
                {account.name}
              </span>
            ))}
      </div>
      {appInfo && <span className="app-header__version">v{appInfo.version}</span>}
    </header>
  );
}
