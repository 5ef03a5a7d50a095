import type { RosterRow, RosterSortColumn } from '../../../shared/api';
import { roleLabel, statusLabel } from '../../../shared/domain/roles';
import type { Provider } from '../../../shared/domain/provider';
import { useRosterStore } from '../../store';

const COLUMNS: { column: RosterSortColumn; label: string }[] = [
  { column: 'name', label: 'Name' },
  { column: 'schoolUid', label: 'School ID' },
  { column: 'role', label: 'Role' },
  { column: 'status', label: 'Status' },
  { column: 'pending', label: 'Pending' },
];

export function RosterTable({ provider }: { provider: Provider }) {
  const page = useRosterStore((s) => s.rosterPage);
  const sort = useRosterStore((s) => s.rosterQuery.sort);
  const loading = useRosterStore((s) => s.rosterLoading);
  const toggleSort = useRosterStore((s) => s.toggleSort);

  return (
    <table className="roster-table" aria-busy={loading}>
      <thead>
        <tr>
          {COLUMNS.map(({ column, label }) => (
            <th key={column} scope="col" aria-sort={sort.column === column ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'}>
              <button type="button" onClick={() => toggleSort(column)}>
                {label}
                <span aria-hidden="true">{sort.column === column ? (sort.direction === 'asc' ? ' ▲' : ' ▼') : ''}</span>
              </button>
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {page?.rows.map((row) => <RosterTableRow key={`${row.realmId}:${row.enrollmentId ?? row.pending?.opId}`} row={row} provider={provider} />)}
        {page && page.rows.length === 0 && (
          <tr>
            <td colSpan={COLUMNS.length} className="roster-table__empty">
              Nobody matches these filters.
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}

function RosterTableRow({ row, provider }: { row: RosterRow; provider: Provider }) {
  return (
    <tr className={row.pending?.kind === 'remove' ? 'row--removing' : undefined}>
      <th scope="row">{row.displayName}</th>
      <td>{row.schoolUid}</td>
      <td>{roleLabel(provider, row.role)}</td>
      <td>{statusLabel(provider, row.status)}</td>
      <td>{row.pending ? <PendingMarker pending={row.pending} /> : null}</td>
    </tr>
  );
}

const PENDING_WORDS = { enroll: 'To enroll', update: 'Changed', remove: 'To remove', access_code: 'Joining' } as const;

function PendingMarker({ pending }: { pending: NonNullable<RosterRow['pending']> }) {
  const stateWord = pending.state === 'queued' ? '' : pending.state === 'conflict' ? ' · conflict' : ' · rejected';
  return (
    <span className={`pending pending--${pending.state}`} title={pending.error ?? undefined}>
      {PENDING_WORDS[pending.kind]}
      {stateWord}
    </span>
  );
}
