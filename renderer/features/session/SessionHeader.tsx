import { useRosterStore } from '../../store';
import { selectAccountsPanelOpen } from '../../store/accounts-slice';
import { ACCOUNTS_PANEL_ID } from '../accounts/AccountsPanel';
import { selectPendingPanelOpen, selectPendingTotal } from '../../store/outbox-slice';
import { PENDING_PANEL_ID } from '../pending/pending-panel-id';

export function SessionHeader() {
  const accounts = useRosterStore((s) => s.accounts);
  const appInfo = useRosterStore((s) => s.appInfo);
  const panelOpen = useRosterStore(selectAccountsPanelOpen);
  const openPanel = useRosterStore((s) => s.openAccountsPanel);
  const closePanel = useRosterStore((s) => s.closeAccountsPanel);
  const pendingTotal = useRosterStore(selectPendingTotal);
  const pendingOpen = useRosterStore(selectPendingPanelOpen);
  const togglePending = useRosterStore((s) => s.togglePendingPanel);

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
      <button
        type="button"
        className="app-header__button"
        aria-expanded={panelOpen}
        aria-controls={panelOpen ? ACCOUNTS_PANEL_ID : undefined}
        onClick={panelOpen ? closePanel : openPanel}
      >
        Manage accounts
      </button>
      <button
        type="button"
        className="app-header__button"
        aria-expanded={pendingOpen}
        aria-controls={pendingOpen ? PENDING_PANEL_ID : undefined}
        onClick={togglePending}
      >
        Pending changes ({pendingTotal})
      </button>
      {appInfo && <span className="app-header__version">v{appInfo.version}</span>}
    </header>
  );
}
