import { useRosterStore } from '../../store';
import { ROSTER_PAGE_SIZE } from '../../store/roster-view-slice';

export function RosterPager() {
  const page = useRosterStore((s) => s.rosterPage);
  const load = useRosterStore((s) => s.loadRosterPage);
  if (!page || page.total === 0) return null;
  const first = page.offset + 1;
  const last = page.offset + page.rows.length;
  return (
    <nav className="pager" aria-label="Roster pages">
      <button type="button" disabled={page.offset === 0} onClick={() => void load({ offset: Math.max(0, page.offset - ROSTER_PAGE_SIZE) })}>
        Previous
      </button>
      <span aria-live="polite">
        {first}–{last} of {page.total}
      </span>
      <button type="button" disabled={last >= page.total} onClick={() => void load({ offset: page.offset + ROSTER_PAGE_SIZE })}>
        Next
      </button>
    </nav>
  );
}
