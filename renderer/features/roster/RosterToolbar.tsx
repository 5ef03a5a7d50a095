import { useRosterStore } from '../../store';
import { ROLES, STATUSES, roleLabel, statusLabel, type Role, type Status } from '../../../shared/domain/roles';
import type { Provider } from '../../../shared/domain/provider';

/** Schoology only knows admin and member; offering TA or observer there would be a lie. */
const rolesFor = (provider: Provider): Role[] => (provider === 'schoology' ? ['teacher', 'student'] : [...ROLES]);
const statusesFor = (provider: Provider): Status[] =>
  provider === 'schoology' ? ['active', 'completed', 'invited', 'requested', 'inactive'] : STATUSES.filter((s) => s !== 'requested');

export function RosterToolbar({ provider }: { provider: Provider }) {
  const query = useRosterStore((s) => s.rosterQuery);
  const load = useRosterStore((s) => s.loadRosterPage);

  return (
    <div className="toolbar" role="search">
      <input
        type="search"
        aria-label="Search people by name or school ID"
        placeholder="Search name or school ID"
        value={query.search}
        onChange={(event) => void load({ search: event.target.value, offset: 0 })}
      />
      <label>
        Role
        <select
          aria-label="Filter by role"
          value={query.roles[0] ?? ''}
          onChange={(event) => void load({ roles: event.target.value ? [event.target.value as Role] : [], offset: 0 })}
        >
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
          onChange={(event) => void load({ statuses: event.target.value ? [event.target.value as Status] : [], offset: 0 })}
        >
          <option value="">Any status</option>
          {statusesFor(provider).map((status) => (
            <option key={status} value={status}>
              {statusLabel(provider, status)}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
