import { useCallback, useId, useRef } from 'react';
import { useRosterStore } from '../../store';
import { selectPendingView } from '../../store/outbox-slice';
import { PENDING_PANEL_ID } from './pending-panel-id';
import { QueuedOps } from './QueuedOps';
import { RejectedOps } from './RejectedOps';
import { ConflictOps } from './ConflictOps';
import type { RunPendingAction } from './run-pending-action';
import './pending.css';

/** The pending-changes panel: every unsynced edit in words, with undo, discard and conflict settling. */
export function PendingPanel() {
  const view = useRosterStore(selectPendingView);
  const error = useRosterStore((s) => s.pendingError);
  const close = useRosterStore((s) => s.closePendingPanel);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const panelRef = useRef<HTMLElement>(null);
  const headingId = useId();

  const run = useCallback<RunPendingAction>((action) => {
    void action().then(() => {
      const focused = document.activeElement;
      if (!focused || focused === document.body || !panelRef.current?.contains(focused)) headingRef.current?.focus();
    });
  }, []);

  return (
    <aside ref={panelRef} id={PENDING_PANEL_ID} className="pending-panel" aria-labelledby={headingId}>
      <div className="pending-panel__head">
        <h2 id={headingId} ref={headingRef} tabIndex={-1}>
          Pending changes
        </h2>
        <button type="button" className="pending-panel__button" aria-label="Close pending changes" onClick={close}>
          Close
        </button>
      </div>
      {error && (
        <p role="alert" className="banner banner--error">
          {error}
        </p>
      )}
      {view === null ? (
        !error && <p className="pending-panel__muted">Loading pending changes…</p>
      ) : (
        <>
          <QueuedOps ops={view.queued} run={run} />
          {view.rejected.length > 0 && <RejectedOps ops={view.rejected} run={run} />}
          {view.conflicts.length > 0 && <ConflictOps ops={view.conflicts} run={run} />}
        </>
      )}
    </aside>
  );
}
