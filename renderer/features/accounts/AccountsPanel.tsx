import { type KeyboardEvent, useEffect, useMemo, useRef, useState } from 'react';
import type { Account } from '../../../shared/api';
import { useRosterStore } from '../../store';
import { hostOf, selectAccountFormError, selectAccounts, selectAccountsBusy, selectRealms, signedInAs } from '../../store/accounts-slice';
import { AddAccountForm } from './AddAccountForm';
import { SignInForm } from './SignInForm';
import { SignOutDialog } from './SignOutDialog';

export const ACCOUNTS_PANEL_ID = 'accounts-panel';

/** The built-in Sandbox district is an account of the cache, but there is nothing to sign out of. */
const BUILT_IN_ACCOUNT_ID = 'sandbox';

/** The LMS accounts: who each is signed in as, signing out, and the two ways to add one. Escape closes it. */
export function AccountsPanel() {
  const accounts = useRosterStore(selectAccounts);
  const realms = useRosterStore(selectRealms);
  const busy = useRosterStore(selectAccountsBusy);
  const formError = useRosterStore(selectAccountFormError);
  const close = useRosterStore((s) => s.closeAccountsPanel);
  const signOut = useRosterStore((s) => s.signOut);
  const [confirming, setConfirming] = useState<Account | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => heading.current?.focus(), []);

  const unsyncedByAccount = useMemo(() => {
    const counts = new Map<string, number>();
    for (const realm of realms) counts.set(realm.accountId, (counts.get(realm.accountId) ?? 0) + realm.pendingCount);
    return counts;
  }, [realms]);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && !confirming) {
      event.stopPropagation();
      close();
    }
  };

  return (
    <section id={ACCOUNTS_PANEL_ID} className="accounts-panel" aria-labelledby="accounts-panel-title" onKeyDown={onKeyDown}>
      <div className="accounts-panel__head">
        <h2 id="accounts-panel-title" ref={heading} tabIndex={-1}>
          Accounts
        </h2>
        <button type="button" onClick={close} aria-label="Close accounts">
          Close
        </button>
      </div>
      {accounts.length === 0 ? (
        <p className="accounts-panel__empty">No LMS account yet. Add one with a Schoology API key or a Canvas access token, or sign in with Schoology or Canvas.</p>
      ) : (
        <ul className="accounts-list" aria-label="Signed-in accounts">
          {accounts.map((account) => (
            <li key={account.id} className="accounts-list__item">
              <span>
                Signed in as <strong>{account.user?.name ?? account.name}</strong> at {hostOf(account.baseUrl)}
              </span>
              {account.id !== BUILT_IN_ACCOUNT_ID && (
                <button type="button" disabled={busy !== 'idle'} onClick={() => setConfirming(account)} aria-label={`Sign out of ${signedInAs(account)}`}>
                  Sign out
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {formError && (
        <div role="alert" className="banner banner--error">
          {formError}
        </div>
      )}
      <div className="accounts-panel__forms">
        <SignInForm />
        <AddAccountForm />
      </div>
      {confirming && (
        <SignOutDialog
          account={confirming}
          unsyncedEdits={unsyncedByAccount.get(confirming.id) ?? 0}
          onCancel={() => setConfirming(null)}
          onConfirm={() => {
            const account = confirming;
            setConfirming(null);
            void signOut(account);
          }}
        />
      )}
    </section>
  );
}
