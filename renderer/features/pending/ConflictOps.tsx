import { useId } from 'react';
import type { PendingView } from '../../../shared/api';
import type { Provider } from '../../../shared/domain/provider';
import { useRosterStore } from '../../store';
import { conflictRowWords } from './conflict-words';
import type { RunPendingAction } from './run-pending-action';

type ConflictOp = PendingView['conflicts'][number];

/** Edits the LMS changed under: the edit's values beside the LMS's, and the choice of which to keep. */
export function ConflictOps({ ops, run }: { ops: ConflictOp[]; run: RunPendingAction }) {
  const resolveConflict = useRosterStore((s) => s.resolveConflict);
  const busy = useRosterStore((s) => s.pendingBusy);
  const accounts = useRosterStore((s) => s.accounts);
  const headingId = useId();
  const providerOf = (accountId: string): Provider => accounts.find((account) => account.id === accountId)?.provider ?? 'schoology';

  return (
    <section className="pending-section" aria-labelledby={headingId}>
      <h3 id={headingId}>Conflicts</h3>
      <ul className="pending-list">
        {ops.map((op) => (
          <li key={op.id} className="pending-op pending-op--conflict">
            <span className="pending-op__sentence">{op.sentence}</span>
            {/* op.error restates the table below in the cache's vocabulary ("inactive" for Schoology's Archived): the table says it in the LMS's words. */}
            <table className="conflict-table" aria-label={`Yours and the server's: ${op.sentence}`}>
              <thead>
                <tr>
                  <th scope="col">Field</th>
                  <th scope="col">Yours</th>
                  <th scope="col">Server's</th>
                </tr>
              </thead>
              <tbody>
                {op.conflicts.map((conflict) => {
                  const words = conflictRowWords(providerOf(op.accountId), conflict);
                  return (
                    <tr key={conflict.field}>
                      <th scope="row">{words.field}</th>
                      <td>{words.yours}</td>
                      <td>{words.theirs}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            <div className="pending-op__actions">
              <button
                type="button"
                className="pending-panel__button"
                aria-label={`Keep mine: ${op.sentence}`}
                disabled={busy === op.id}
                onClick={() => run(() => resolveConflict(op.id, 'keep-mine'))}
              >
                Keep mine
              </button>
              <button
                type="button"
                className="pending-panel__button"
                aria-label={`Take theirs: ${op.sentence}`}
                disabled={busy === op.id}
                onClick={() => run(() => resolveConflict(op.id, 'take-theirs'))}
              >
                Take theirs
              </button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
