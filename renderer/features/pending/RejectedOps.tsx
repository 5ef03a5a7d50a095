import { useId } from 'react';
import type { PendingOp } from '../../../shared/api';
import { useRosterStore } from '../../store';
import type { RunPendingAction } from './run-pending-action';

/** Edits the LMS refused, each with the LMS's own reason; discarding one lets the roster show the LMS's value again. */
export function RejectedOps({ ops, run }: { ops: PendingOp[]; run: RunPendingAction }) {
  const discardEdit = useRosterStore((s) => s.discardEdit);
  const busy = useRosterStore((s) => s.pendingBusy);
  const headingId = useId();

  return (
    <section className="pending-section" aria-labelledby={headingId}>
      <h3 id={headingId}>Rejected by the LMS</h3>
      <ul className="pending-list">
        {ops.map((op) => (
          <li key={op.id} className="pending-op pending-op--rejected">
            <span className="pending-op__sentence">{op.sentence}</span>
            <span className="pending-op__reason">{op.error ?? 'The LMS gave no reason.'}</span>
            <button
              type="button"
              className="pending-panel__button"
              aria-label={`Discard: ${op.sentence}`}
              disabled={busy === op.id}
              onClick={() => run(() => discardEdit(op.id))}
            >
              Discard
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
