import { useEffect, useRef } from 'react';
import type { RosterSortColumn } from '../../../shared/api';
import { useRosterStore } from '../../store';
import { selectRosterSelection } from '../../store/roster-view-slice';
import { selectedCount } from '../../store/roster-selection';
import { formatCount } from './people-count';

const COLUMNS: { column: RosterSortColumn; label: string }[] = [
  { column: 'name', label: 'Name' },
  { column: 'schoolUid', label: 'School ID' },
  { column: 'role', label: 'Role' },
  { column: 'status', label: 'Status' },
  { column: 'pending', label: 'Pending' },
];

/** The sticky header row: "select all matching" and a sort button per column. */
export function RosterGridHeader({ total }: { total: number }) {
  const sort = useRosterStore((s) => s.rosterQuery.sort);
  const selection = useRosterStore(selectRosterSelection);
  const toggleSort = useRosterStore((s) => s.toggleSort);
  const toggleSelectAll = useRosterStore((s) => s.toggleSelectAll);
  const count = selectedCount(selection, total);
  const everything = total > 0 && count >= total;
  const box = useRef<HTMLInputElement>(null);

  useEffect(() => {
    // "Some selected" has no attribute: only the DOM property shows it.
    if (box.current) box.current.indeterminate = count > 0 && !everything;
  }, [count, everything]);

  return (
    <div role="rowgroup" className="roster-grid__head">
      <div role="row" aria-rowindex={1} className="roster-row roster-row--head">
        <div role="columnheader" className="roster-cell roster-cell--check">
          <input
            ref={box}
            type="checkbox"
            aria-label={`Select all ${formatCount(total)} matching people`}
            checked={everything}
            disabled={total === 0}
            onChange={toggleSelectAll}
          />
        </div>
        {COLUMNS.map(({ column, label }) => {
          const sorted = sort.column === column;
          return (
            <div key={column} role="columnheader" className="roster-cell" aria-sort={sorted ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'}>
              <button type="button" className="roster-sort" onClick={() => toggleSort(column)}>
                {label}
                <span aria-hidden="true">{sorted ? (sort.direction === 'asc' ? ' ▲' : ' ▼') : ''}</span>
              </button>
            </div>
          );
        })}
        <div role="columnheader" className="roster-cell roster-cell--action">
          <span className="visually-hidden">Remove or keep</span>
        </div>
      </div>
    </div>
  );
}
