import { roleLabel, statusLabel, type Role, type Status } from '../../../shared/domain/roles';
import type { Provider } from '../../../shared/domain/provider';
import { useRosterStore } from '../../store';
import { selectRosterQuery } from '../../store/roster-view-slice';
import { heldStatusesFor, rolesFor } from './provider-vocabulary';

interface RosterToolbarProps {
  provider: Provider;
  onAddPeople(): void;
  onJoinWithCode(): void;
}

/** Search and filters (every key press queries at once: the newest answer wins), and what to do with the roster. */
export function RosterToolbar({ provider, onAddPeople, onJoinWithCode }: RosterToolbarProps) {
  const query = useRosterStore(selectRosterQuery);
  const setQuery = useRosterStore((s) => s.setRosterQuery);
  const exportRoster = useRosterStore((s) => s.exportRosterView);
  const openImport = useRosterStore((s) => s.openImport);

  return (
    <div className="toolbar roster-toolbar">
      <div role="search" className="roster-toolbar__find">
        <input
          type="search"
          aria-label="Search people by name or school ID"
          placeholder="Search name or school ID"
          value={query.search}
          onChange={(event) => setQuery({ search: event.target.value })}
        />
        <label>
          Role
          <select aria-label="Filter by role" value={query.roles[0] ?? ''} onChange={(event) => setQuery({ roles: event.target.value ? [event.target.value as Role] : [] })}>
            <option value="">Any role</option>
            {rolesFor(provider).map((role) => (
              <option key={role} value={role}>
                {roleLabel(provider, role)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select
            aria-label="Filter by status"
            value={query.statuses[0] ?? ''}
            onChange={(event) => setQuery({ statuses: event.target.value ? [event.target.value as Status] : [] })}
          >
            <option value="">Any status</option>
            {heldStatusesFor(provider).map((status) => (
              <option key={status} value={status}>
                {statusLabel(provider, status)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="roster-toolbar__actions">
        <button type="button" onClick={onAddPeople}>
          Add people
        </button>
        <button type="button" onClick={onJoinWithCode}>
          Join with access code
        </button>
        <button type="button" onClick={() => void exportRoster()}>
          Export roster
        </button>
        <button type="button" onClick={openImport}>
          Import CSV…
        </button>
      </div>
    </div>
  );
}
