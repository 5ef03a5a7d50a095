import { useId } from 'react';
import { formatCount } from './people-count';
import { useModalDialog } from '../../use-modal-dialog';

interface RemoveSelectedDialogProps {
  count: number;
  onConfirm(): void;
  onCancel(): void;
}

/** Asks before queueing many removals at once (Escape and Cancel leave everyone where they are). */
export function RemoveSelectedDialog({ count, onConfirm, onCancel }: RemoveSelectedDialogProps) {
  const ref = useModalDialog();
  const ids = useId();
  const people = count === 1 ? '1 person' : `${formatCount(count)} people`;

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
      <h2 id={`${ids}-title`}>Remove {people}?</h2>
      <p id={`${ids}-body`}>
        Their removal is queued and reaches the LMS at the next sync. Until then each row shows struck through, and Keep (or Undo under
        Pending changes) takes it back.
      </p>
      <div className="confirm-dialog__actions">
        <button type="button" autoFocus onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="button--danger" onClick={onConfirm}>
          Remove
        </button>
      </div>
    </dialog>
  );
}
