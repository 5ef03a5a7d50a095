import { useState } from 'react';
import { roleLabel, statusLabel, type Role, type Status } from '../../../shared/domain/roles';
import type { Provider } from '../../../shared/domain/provider';
import { useRosterStore } from '../../store';
import { selectRosterSelection } from '../../store/roster-view-slice';
import { selectedCount } from '../../store/roster-selection';
import { formatCount } from './people-count';
import { rolesFor, statusesFor } from './provider-vocabulary';
import { RemoveSelectedDialog } from './RemoveSelectedDialog';

/** What to do with the selected rows; shown only while something is selected. Edits stay possible during a sync. */
export function BulkBar({ provider, total }: { provider: Provider; total: number }) {
  const selection = useRosterStore(selectRosterSelection);
  const busy = useRosterStore((s) => s.rosterBusy);
  const editSelected = useRosterStore((s) => s.editSelected);
  const clearSelection = useRosterStore((s) => s.clearSelection);
  const [confirming, setConfirming] = useState(false);
  const count = selectedCount(selection, total);
  if (count === 0) return null;

  return (
    <section className="bulk-bar" aria-label="Selection" aria-busy={busy}>
      <span className="bulk-bar__count">{formatCount(count)} selected</span>
      <select
        aria-label="Set role for selected"
        value=""
        disabled={busy}
        onChange={(event) => {
          if (event.target.value) void editSelected({ kind: 'update', fields: { role: event.target.value as Role } });
        }}
      >
        <option value="">Set role…</option>
        {rolesFor(provider).map((role) => (
          <option key={role} value={role}>
            {roleLabel(provider, role)}
          </option>
        ))}
      </select>
      <select
        aria-label="Set status for selected"
        value=""
        disabled={busy}
        onChange={(event) => {
          if (event.target.value) void editSelected({ kind: 'update', fields: { status: event.target.value as Status } });
        }}
      >
        <option value="">Set status…</option>
        {statusesFor(provider).map((status) => (
          <option key={status} value={status}>
            {statusLabel(provider, status)}
          </option>
        ))}
      </select>
      <button type="button" className="button--danger" disabled={busy} onClick={() => setConfirming(true)}>
        Remove selected
      </button>
      <button type="button" onClick={clearSelection}>
        Clear selection
      </button>
      {confirming && (
        <RemoveSelectedDialog
          count={count}
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            void editSelected({ kind: 'remove' });
          }}
        />
      )}
    </section>
  );
}
