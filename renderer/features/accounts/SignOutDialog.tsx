import { useId } from 'react';
import { useModalDialog } from '../../use-modal-dialog';
import type { Account } from '../../../shared/api';
import { signedInAs } from '../../store/accounts-slice';

interface SignOutDialogProps {
  account: Account;
  /** Queued, rejected or conflicting edits of the account that have not reached the LMS. */
  unsyncedEdits: number;
  onConfirm(): void;
  onCancel(): void;
}

/** A modal confirmation (focus is trapped, Escape cancels) that says what signing out throws away. */
export function SignOutDialog({ account, unsyncedEdits, onConfirm, onCancel }: SignOutDialogProps) {
  const ref = useModalDialog();
  const ids = useId();

  return (
    <dialog
      ref={ref}
      className="confirm-dialog"
      aria-labelledby={`${ids}-title`}
      aria-describedby={`${ids}-body`}
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
    >
      <h2 id={`${ids}-title`}>Sign out of {signedInAs(account)}?</h2>
      <div id={`${ids}-body`}>
        <p>Roster Desk removes this account's credentials from the keychain and its cached rosters from this computer.</p>
        {unsyncedEdits > 0 && (
          <p className="confirm-dialog__warning">
            {unsyncedEdits} unsynced {unsyncedEdits === 1 ? 'edit' : 'edits'} will be lost: {unsyncedEdits === 1 ? 'it has' : 'they have'} not
            reached the LMS yet.
          </p>
        )}
      </div>
      <div className="confirm-dialog__actions">
        <button type="button" autoFocus onClick={onCancel}>
          Stay signed in
        </button>
        <button type="button" className="button--danger" onClick={onConfirm}>
          {unsyncedEdits > 0 ? 'Sign out and discard edits' : 'Sign out'}
        </button>
      </div>
    </dialog>
  );
}
