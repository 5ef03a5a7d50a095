import { useCallback, useEffect, useLayoutEffect, useRef, useState, type FocusEvent, type KeyboardEvent } from 'react';
import { defaultRangeExtractor, useVirtualizer, type Range } from '@tanstack/react-virtual';
import type { Provider } from '../../../shared/domain/provider';
import { useRosterStore } from '../../store';
import { selectRosterBlocks, selectRosterSelection, selectRosterTotal } from '../../store/roster-view-slice';
import { rowAt } from '../../store/roster-page-cache';
import { isSelected, keyOfRow } from '../../store/roster-selection';
import { RosterGridHeader } from './RosterGridHeader';
import { ROW_HEIGHT, RosterGridRow } from './RosterGridRow';

/** The sticky header's height (roster.css holds it to this): the rows start below it. */
const HEADER_HEIGHT = 36;
/** Rows rendered beyond the visible ones, so a scroll frame rarely shows an empty strip. */
const OVERSCAN = 8;
/** Placeholder rows while a roster's first answer is on its way. */
const FIRST_PLACEHOLDERS = 8;

interface FocusRequest {
  index: number;
  /** The control (data-col) to focus in the row, or null for the row itself. */
  col: string | null;
}

/**
 * The roster as a virtualised grid: only the rows in view (and a few around) are in the page, whatever the size of
 * the roster; the rows themselves come from the slice's block cache, which this component tells what is in view.
 * Keyboard: Tab reaches one row (roving tabindex), arrows/PageUp/PageDown/Home/End move between rows, Space selects.
 */
export function RosterGrid({ provider, filtered }: { provider: Provider; filtered: boolean }) {
  const blocks = useRosterStore(selectRosterBlocks);
  const total = useRosterStore(selectRosterTotal);
  const selection = useRosterStore(selectRosterSelection);
  const queryKey = useRosterStore((s) => s.rosterQueryKey);
  const showRange = useRosterStore((s) => s.showRosterRange);
  const scrollRef = useRef<HTMLDivElement>(null);
  const bodyRef = useRef<HTMLDivElement>(null);
  const [activeIndex, setActiveIndex] = useState(0);
  const focusRequest = useRef<FocusRequest | null>(null);
  const count = total ?? 0;
  const active = Math.min(activeIndex, Math.max(0, count - 1));

  // The row Tab reaches stays rendered even when scrolled away, so the grid can always be tabbed into (and a row
  // keeps its focus while the wheel scrolls past it).
  const rangeExtractor = useCallback(
    (range: Range) => {
      const indexes = defaultRangeExtractor(range);
      if (count === 0 || indexes.includes(active)) return indexes;
      return active < (indexes[0] ?? 0) ? [active, ...indexes] : [...indexes, active];
    },
    [active, count],
  );

  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: OVERSCAN,
    scrollMargin: HEADER_HEIGHT,
    scrollPaddingStart: HEADER_HEIGHT,
    rangeExtractor,
  });
  const items = virtualizer.getVirtualItems();
  // What is in view (and overscanned), without the active row kept rendered far away.
  const visible = virtualizer.range;
  const first = Math.max(0, (visible?.startIndex ?? 0) - OVERSCAN);
  const last = Math.max(first, Math.min(count - 1, (visible?.endIndex ?? 0) + OVERSCAN));

  useEffect(() => {
    showRange({ first, last });
  }, [first, last, queryKey, showRange]);

  // Another realm, search, filter or sort: new rows, from the top.
  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
    setActiveIndex(0);
  }, [queryKey]);

  // A keyboard move asked for a row that had to be rendered first.
  useLayoutEffect(() => {
    const request = focusRequest.current;
    if (!request) return;
    const row = bodyRef.current?.querySelector<HTMLElement>(`[data-index="${request.index}"]`);
    if (!row) return;
    const control = request.col ? row.querySelector<HTMLElement>(`[data-col="${request.col}"]:not(:disabled)`) : null;
    (control ?? row).focus({ preventScroll: true });
    focusRequest.current = null;
  });

  const moveTo = (index: number, col: string | null) => {
    const target = Math.max(0, Math.min(count - 1, index));
    focusRequest.current = { index: target, col };
    setActiveIndex(target);
    virtualizer.scrollToIndex(target, { align: 'auto' });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const target = event.target as HTMLElement;
    const row = target.closest<HTMLElement>('[data-index]');
    if (!row || count === 0) return;
    const index = Number(row.dataset.index);
    const onRow = target === row;
    // A select's own arrows, Home and End change its value; the grid leaves them alone.
    const inSelect = target instanceof HTMLSelectElement;
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? ROW_HEIGHT * 10) / ROW_HEIGHT) - 2);
    let next: number;
    switch (event.key) {
      case 'ArrowDown':
        next = index + 1;
        break;
      case 'ArrowUp':
        next = index - 1;
        break;
      case 'PageDown':
        next = index + page;
        break;
      case 'PageUp':
        next = index - page;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = count - 1;
        break;
      case ' ':
        // On the row, Space selects it; on its checkbox, shift+Space selects the range (plain Space ticks it natively).
        if (onRow || (event.shiftKey && target instanceof HTMLInputElement)) {
          event.preventDefault();
          const store = useRosterStore.getState();
          const shown = rowAt(store.rosterBlocks, index);
          if (event.shiftKey) void store.selectRowRange(index);
          else if (shown) store.toggleRowSelection(index, shown);
        }
        return;
      default:
        return;
    }
    if (inSelect || event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    moveTo(next, onRow ? null : (target.dataset.col ?? null));
  };

  // A click or Tab into a row makes it the one Tab comes back to.
  const onFocus = (event: FocusEvent<HTMLDivElement>) => {
    const row = (event.target as HTMLElement).closest<HTMLElement>('[data-index]');
    if (row) setActiveIndex(Number(row.dataset.index));
  };

  return (
    <div
      ref={scrollRef}
      role="grid"
      aria-label="Roster"
      aria-rowcount={count + 1}
      aria-colcount={7}
      aria-multiselectable="true"
      aria-busy={total === null}
      className="roster-grid"
    >
      <RosterGridHeader total={count} />
      <div
        ref={bodyRef}
        role="rowgroup"
        className="roster-grid__body"
        style={{ height: total === null ? FIRST_PLACEHOLDERS * ROW_HEIGHT : virtualizer.getTotalSize() }}
        onKeyDown={onKeyDown}
        onFocus={onFocus}
      >
        {total === null
          ? Array.from({ length: FIRST_PLACEHOLDERS }, (_, index) => (
              <RosterGridRow key={index} index={index} top={index * ROW_HEIGHT} row={undefined} provider={provider} selected={false} active={false} />
            ))
          : items.map((item) => {
              const row = rowAt(blocks, item.index);
              const top = item.start - HEADER_HEIGHT;
              return (
                <RosterGridRow
                  key={item.key}
                  index={item.index}
                  top={top}
                  row={row}
                  provider={provider}
                  selected={row ? isSelected(selection, keyOfRow(row)) : false}
                  active={item.index === active}
                />
              );
            })}
      </div>
      {total === 0 && <p className="roster-grid__empty">{filtered ? 'Nobody matches this search and these filters.' : 'Nobody is on this roster yet.'}</p>}
    </div>
  );
}
