import { memo, useState, type ChangeEvent } from 'react';
import type { Edit, RosterRow } from '../../../shared/api';
import { roleLabel, statusLabel, type Role, type Status } from '../../../shared/domain/roles';
import type { Provider } from '../../../shared/domain/provider';
import { useRosterStore } from '../../store';
import { refOf } from '../../store/roster-selection';
import { rolesFor, statusesFor } from './provider-vocabulary';

/** Every row is this tall, so the virtualiser places rows by arithmetic and never measures one. */
export const ROW_HEIGHT = 40;

interface RowProps {
  index: number;
  /** Pixels from the top of the grid's body. */
  top: number;
  /** Absent while its block is on its way: the row keeps its place (and its focus) and shows a placeholder. */
  row: RosterRow | undefined;
  provider: Provider;
  selected: boolean;
  /** The row Tab reaches in the grid (roving tabindex): the others' controls stay out of the Tab order. */
  active: boolean;
}

/**
 * One person, or the placeholder of one. Memoised on its props (the row object only changes when its block is
 * refetched), so a scroll frame renders only the rows that came into view; store actions are read at event time
 * rather than passed down. The row element itself stays the same when its person arrives, so focus stays on it.
 */
export const RosterGridRow = memo(function RosterGridRow({ index, top, row, provider, selected, active }: RowProps) {
  const removing = row?.pending?.kind === 'remove';
  const classes = ['roster-row', row ? '' : 'roster-row--loading', selected ? 'roster-row--selected' : '', removing ? 'roster-row--removing' : ''];
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-selected={row ? selected : undefined}
      aria-busy={row ? undefined : true}
      tabIndex={active ? 0 : -1}
      data-index={index}
      className={classes.filter(Boolean).join(' ')}
      style={{ transform: `translateY(${top}px)` }}
    >
      {row ? <PersonCells index={index} row={row} provider={provider} selected={selected} active={active} /> : <PlaceholderCells />}
    </div>
  );
});

/** What the user just picked, shown until the refreshed row arrives (which replaces `row`, and so drops the draft). */
interface Draft {
  row: RosterRow;
  role?: Role;
  status?: Status;
}

function PersonCells({ index, row, provider, selected, active }: Omit<RowProps, 'top' | 'row'> & { row: RosterRow }) {
  const [draft, setDraft] = useState<Draft | null>(null);
  const current = draft?.row === row ? draft : null;
  const role = current?.role ?? row.role;
  const status = current?.status ?? row.status;
  const name = row.displayName;
  const removing = row.pending?.kind === 'remove';
  const tab = active ? 0 : -1;

  const queue = (fields: { role?: Role; status?: Status }) => {
    setDraft({ row, ...current, ...fields });
    const edit: Edit = { kind: 'update', ...refOf(row), fields };
    void useRosterStore.getState().applyEdits([edit]);
  };
  const onSelect = (event: ChangeEvent<HTMLInputElement>) => {
    const store = useRosterStore.getState();
    if ((event.nativeEvent as MouseEvent).shiftKey) void store.selectRowRange(index);
    else store.toggleRowSelection(index, row);
  };
  const onRemove = () => {
    const store = useRosterStore.getState();
    if (removing) void store.keepRow(row);
    else void store.applyEdits([{ kind: 'remove', ...refOf(row) }]);
  };

  return (
    <>
      <div role="gridcell" className="roster-cell roster-cell--check">
        <input type="checkbox" data-col="select" tabIndex={tab} aria-label={`Select ${name}`} checked={selected} onChange={onSelect} />
      </div>
      <div role="rowheader" className="roster-cell roster-cell--name">
        {name}
      </div>
      <div role="gridcell" className="roster-cell roster-cell--uid">
        {row.schoolUid}
      </div>
      <div role="gridcell" className="roster-cell">
        <select
          data-col="role"
          tabIndex={tab}
          aria-label={`Role of ${name}`}
          value={role}
          disabled={removing}
          onChange={(event) => queue({ role: event.target.value as Role })}
        >
          {withCurrent(rolesFor(provider), role).map((value) => (
            <option key={value} value={value}>
              {roleLabel(provider, value)}
            </option>
          ))}
        </select>
      </div>
      <div role="gridcell" className="roster-cell">
        <select
          data-col="status"
          tabIndex={tab}
          aria-label={`Status of ${name}`}
          value={status}
          disabled={removing}
          onChange={(event) => queue({ status: event.target.value as Status })}
        >
          {withCurrent(statusesFor(provider), status).map((value) => (
            <option key={value} value={value}>
              {statusLabel(provider, value)}
            </option>
          ))}
        </select>
      </div>
      <div role="gridcell" className="roster-cell">
        {row.pending ? <PendingMarker pending={row.pending} /> : null}
      </div>
      <div role="gridcell" className="roster-cell roster-cell--action">
        <button
          type="button"
          data-col="remove"
          tabIndex={tab}
          className="roster-row__remove"
          aria-label={`${removing ? 'Keep' : 'Remove'} ${name}`}
          onClick={onRemove}
        >
          {removing ? 'Keep' : 'Remove'}
        </button>
      </div>
    </>
  );
}

/** A row whose block is on its way: its place and size, but nothing to read or operate yet. */
function PlaceholderCells() {
  return (
    <>
      <div role="gridcell" className="roster-cell roster-cell--check" />
      <div role="gridcell" className="roster-cell roster-cell--name">
        <span className="visually-hidden">Loading…</span>
        <span className="skeleton" aria-hidden="true" />
      </div>
      <div role="gridcell" className="roster-cell">
        <span className="skeleton skeleton--short" aria-hidden="true" />
      </div>
      <div role="gridcell" className="roster-cell" />
      <div role="gridcell" className="roster-cell" />
      <div role="gridcell" className="roster-cell" />
      <div role="gridcell" className="roster-cell" />
    </>
  );
}

/** The provider's choices, plus the row's own value if the provider's list lacks it (the select must show the truth). */
function withCurrent<T extends string>(choices: readonly T[], current: T): readonly T[] {
  return choices.includes(current) ? choices : [...choices, current];
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
