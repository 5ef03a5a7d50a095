/**
 * The slice of the roster the renderer holds: blocks of rows of the current query, keyed by block number, fetched
 * for the rows on screen plus a little ahead and dropped again once far away, so memory stays bounded whatever the
 * roster's size. Pure functions over plain values; roster-view-slice.ts does the fetching.
 */
import type { RosterRow } from '../../shared/api';

/** Rows per fetch: a screen is ~30 rows, so one block covers several screens and a query stays well under 500. */
export const BLOCK_SIZE = 200;
/** Blocks fetched beyond the visible ones on each side, so scrolling on meets rows already there. */
const AHEAD = 1;
/** Blocks kept beyond the visible ones on each side before they are dropped. */
const KEEP = 4;

export interface RosterBlock {
  /** The fetch generation that answered it: older than the slice's current one means it is shown but refetched. */
  readonly generation: number;
  readonly rows: readonly RosterRow[];
}

export type RosterBlocks = Readonly<Record<number, RosterBlock>>;

/** The rows the virtualiser shows, first and last inclusive. */
export interface RowRange {
  readonly first: number;
  readonly last: number;
}

export const blockOf = (index: number): number => Math.floor(index / BLOCK_SIZE);

export function rowAt(blocks: RosterBlocks, index: number): RosterRow | undefined {
  return blocks[blockOf(index)]?.rows[index % BLOCK_SIZE];
}

/** The blocks a visible range shows rows of. */
export function visibleBlocks(range: RowRange, total: number | null): number[] {
  const last = Math.min(blockOf(range.last), lastBlockOf(total));
  const blocks: number[] = [];
  for (let block = blockOf(range.first); block <= last; block++) blocks.push(block);
  return blocks;
}

/** The blocks just beyond a visible range, fetched so that scrolling on meets rows already there. */
export function aheadBlocks(range: RowRange, total: number | null): number[] {
  const lastBlock = lastBlockOf(total);
  const first = blockOf(range.first);
  const last = Math.min(blockOf(range.last), lastBlock);
  const ahead: number[] = [];
  for (let step = 1; step <= AHEAD; step++) {
    if (last + step <= lastBlock) ahead.push(last + step);
    if (first - step >= 0) ahead.push(first - step);
  }
  return ahead;
}

const lastBlockOf = (total: number | null): number => (total === null ? Infinity : blockOf(Math.max(0, total - 1)));

/** The blocks worth keeping around a visible range; the others go. Answers the same object when nothing goes. */
export function withoutFarBlocks(blocks: RosterBlocks, range: RowRange): RosterBlocks {
  const low = blockOf(range.first) - KEEP;
  const high = blockOf(range.last) + KEEP;
  const kept = Object.entries(blocks).filter(([block]) => Number(block) >= low && Number(block) <= high);
  return kept.length === Object.keys(blocks).length ? blocks : Object.fromEntries(kept);
}
