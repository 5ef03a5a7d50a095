import { useId } from 'react';
import type { PendingOp } from '../../../shared/api';
import { useRosterStore } from '../../store';
import type { RunPendingAction } from './run-pending-action';

interface QueuedOpsProps {
  ops: PendingOp[];
  run: RunPendingAction;
}

/** Edits waiting for the next sync; those being sent right now cannot be taken back, so they show no Undo. */
export function QueuedOps({ ops, run }: QueuedOpsProps) {
  const undoEdit = useRosterStore((s) => s.undoEdit);
  const undoAll = useRosterStore((s) => s.undoAll);
  const busy = useRosterStore((s) => s.pendingBusy);
  const headingId = useId();
  const undoable = ops.filter((op) => op.state === 'queued');
  const accountIds = [...new Set(undoable.map((op) => op.accountId))];

  const undoEverything = async () => {
    for (const accountId of accountIds) await undoAll(accountId);
  };

  return (
    <section className="pending-section" aria-labelledby={headingId}>
      <div className="pending-section__head">
        <h3 id={headingId}>Waiting to sync</h3>
        {undoable.length > 0 && (
          <button type="button" className="pending-panel__button" disabled={busy !== null} onClick={() => run(undoEverything)}>
            Undo all
          </button>
        )}
      </div>
      {ops.length === 0 ? (
        <p className="pending-panel__muted">Nothing waiting to sync.</p>
      ) : (
        <ul className="pending-list">
          {ops.map((op) => (
            <li key={op.id} className="pending-op">
              <span className="pending-op__sentence">{op.sentence}</span>
              {op.error && <span className="pending-op__note">{op.error}</span>}
              {op.state === 'in_flight' ? (
                <span className="pending-op__sending">sending…</span>
              ) : (
                <button
                  type="button"
                  className="pending-panel__button"
                  aria-label={`Undo: ${op.sentence}`}
                  disabled={busy === op.id}
                  onClick={() => run(() => undoEdit(op.id))}
                >
                  Undo
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
