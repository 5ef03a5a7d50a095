import { useId, useState, type FormEvent } from 'react';
import type { RealmSummary } from '../../../shared/api';
import { useQueueEdits } from './queue-edits';
import { useModalDialog } from '../../use-modal-dialog';
import './dialogs.css';

interface AccessCodeDialogProps {
  realm: RealmSummary;
  onClose(): void;
}

type JoinKind = 'section' | 'group';

/** The LMS's access-code limit (shared/api.ts EditSchema). */
const MAX_CODE_LENGTH = 64;

/**
 * Joins the signed-in account to a course section or group with the access code its owner handed out. The join is
 * a queued edit like any other: it reaches the LMS at the next sync, and which realm it opens is known only then.
 */
export function AccessCodeDialog({ realm, onClose }: AccessCodeDialogProps) {
  const dialogRef = useModalDialog();
  const ids = useId();
  const queueEdits = useQueueEdits();
  const [code, setCode] = useState('');
  const [kind, setKind] = useState<JoinKind>(realm.kind === 'group' ? 'group' : 'section');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function join(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const accessCode = code.trim();
    if (!accessCode) {
      setError('Type the access code first: the owner of the course section or group can find it in its settings.');
      return;
    }
    setBusy(true);
    setError(null);
    const failure = await queueEdits([{ kind: 'access_code', accountId: realm.accountId, realmKind: kind, accessCode }]);
    setBusy(false);
    if (failure === null) return onClose();
    setError(failure);
  }

  return (
    <dialog
      ref={dialogRef}
      className="roster-dialog"
      aria-labelledby={`${ids}-title`}
      aria-describedby={`${ids}-about`}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <h2 id={`${ids}-title`}>Join with an access code</h2>
      <form onSubmit={(event) => void join(event)} noValidate>
        <div className="roster-dialog__field">
          <label htmlFor={`${ids}-code`}>Access code</label>
          <input
            id={`${ids}-code`}
            type="text"
            autoFocus
            autoComplete="off"
            spellCheck={false}
            maxLength={MAX_CODE_LENGTH}
            aria-invalid={error !== null && code.trim() === ''}
            value={code}
            onChange={(event) => setCode(event.target.value)}
          />
        </div>
        <fieldset className="roster-dialog__choices">
          <legend>The code opens a</legend>
          <div className="roster-dialog__options">
            {(
              [
                ['section', 'Course section'],
                ['group', 'Group'],
              ] as const
            ).map(([value, label]) => (
              <label key={value}>
                <input type="radio" name={`${ids}-kind`} value={value} checked={kind === value} onChange={() => setKind(value)} />
                {label}
              </label>
            ))}
          </div>
        </fieldset>
        <p id={`${ids}-about`} className="roster-dialog__hint">
          You join at the next sync. Until then the join waits under Pending changes, where you can still undo it; the
          course section or group appears in the sidebar once the LMS has accepted the code.
        </p>
        {error && (
          <p role="alert" className="roster-dialog__error">
            {error}
          </p>
        )}
        <div className="roster-dialog__actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button--primary" aria-disabled={busy}>
            Join
          </button>
        </div>
      </form>
    </dialog>
  );
}
