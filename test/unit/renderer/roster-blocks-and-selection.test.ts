import { describe, expect, it } from 'vitest';
import type { RosterRow } from '../../../shared/api';
import { BLOCK_SIZE, aheadBlocks, rowAt, visibleBlocks, withoutFarBlocks, type RosterBlocks } from '../../../renderer/store/roster-page-cache';
import { NO_SELECTION, isSelected, keyOf, keyOfRow, refOf, selectAll, selectedCount, setSelected, toggle } from '../../../renderer/store/roster-selection';
import { describeTally, tallyOfBulk, tallyOfResults } from '../../../renderer/store/roster-edit-outcome';
import { peopleCount } from '../../../renderer/features/roster/people-count';

const person = (enrollmentId: string | null, opId?: string): RosterRow => ({
  realmId: 'school/sections/1',
  enrollmentId,
  userId: `u${enrollmentId ?? opId}`,
  schoolUid: '',
  displayName: 'Someone',
  sortableName: 'Someone',
  pictureUrl: '',
  role: 'student',
  status: 'active',
  server: enrollmentId ? { role: 'student', status: 'active' } : null,
  pending: opId ? { opId, kind: 'enroll', fields: [], state: 'queued', error: null } : null,
});

const blocksAt = (...numbers: number[]): RosterBlocks => Object.fromEntries(numbers.map((n) => [n, { generation: 1, rows: [] }]));

describe('the roster block cache', () => {
  it('asks for the blocks a visible range shows, and one beyond on each side', () => {
    const range = { first: BLOCK_SIZE * 3 + 10, last: BLOCK_SIZE * 4 + 5 };
    expect(visibleBlocks(range, 100_000)).toEqual([3, 4]);
    expect(aheadBlocks(range, 100_000)).toEqual([5, 2]);
  });

  it('asks for nothing past the last row', () => {
    expect(visibleBlocks({ first: 0, last: 40 }, 30)).toEqual([0]);
    expect(aheadBlocks({ first: 0, last: 40 }, 30)).toEqual([]);
  });

  it('drops blocks far from the visible range, so memory stays bounded', () => {
    const kept = withoutFarBlocks(blocksAt(0, 1, 40, 44, 45, 49, 90), { first: BLOCK_SIZE * 45, last: BLOCK_SIZE * 45 + 30 });
    expect(Object.keys(kept).map(Number)).toEqual([44, 45, 49]);
  });

  it('answers the same object when nothing is dropped (no store update, no render)', () => {
    const blocks = blocksAt(2, 3);
    expect(withoutFarBlocks(blocks, { first: BLOCK_SIZE * 2, last: BLOCK_SIZE * 2 + 30 })).toBe(blocks);
  });

  it('finds a row by its index in the whole roster', () => {
    const row = person('9');
    const rows = Array.from({ length: BLOCK_SIZE }, (_, i) => (i === 7 ? row : person(String(i))));
    expect(rowAt({ 2: { generation: 1, rows } }, BLOCK_SIZE * 2 + 7)).toBe(row);
    expect(rowAt({ 2: { generation: 1, rows } }, 7)).toBeUndefined();
  });
});

describe('the roster selection', () => {
  it('names a row by its enrollment, or by the queued enroll of a person not enrolled yet', () => {
    expect(refOf(person('44783136'))).toEqual({ realmId: 'school/sections/1', enrollmentId: '44783136' });
    expect(refOf(person(null, 'op-7'))).toEqual({ realmId: 'school/sections/1', enrollmentId: 'op-7' });
    expect(keyOfRow(person(null, 'op-7'))).toBe(keyOf(refOf(person(null, 'op-7'))));
  });

  it('toggles a row in and out', () => {
    const ref = refOf(person('1'));
    const once = toggle(NO_SELECTION, ref);
    expect(isSelected(once, keyOf(ref))).toBe(true);
    expect(isSelected(toggle(once, ref), keyOf(ref))).toBe(false);
  });

  it('holds "everything matching" as the exceptions only, however many rows match', () => {
    const ref = refOf(person('1'));
    const all = toggle(selectAll(), ref);
    expect(all.all && all.except.size).toBe(1);
    expect(isSelected(all, keyOf(ref))).toBe(false);
    expect(isSelected(all, keyOf(refOf(person('2'))))).toBe(true);
    expect(selectedCount(all, 100_000)).toBe(99_999);
  });

  it('selects a range on top of what was selected', () => {
    const range = ['1', '2', '3'].map((id) => refOf(person(id)));
    const selection = setSelected(toggle(NO_SELECTION, refOf(person('9'))), range, true);
    expect(selectedCount(selection, 10)).toBe(4);
  });
});

describe('what a bulk edit did, in words', () => {
  it('counts queued and merged edits as changes, and says what was left alone', () => {
    expect(describeTally(tallyOfBulk({ queued: 10, merged: 2, cancelled: 0, skipped: 1 }))).toBe('Queued 12 changes; 1 was being sent and was left alone');
  });

  it('says how many needed no change', () => {
    const results = [{ outcome: 'queued' as const, opId: 'a' }, { outcome: 'cancelled' as const, opId: null }];
    expect(describeTally(tallyOfResults(results))).toBe('Queued 1 change; 1 needed no change');
  });
});

describe('the roster status line', () => {
  it('counts everyone, or how many of everyone a search or filter leaves', () => {
    expect(peopleCount(100_000, 100_000, false)).toBe('100,000 people');
    expect(peopleCount(1, 32, true)).toBe('1 of 32 people');
  });
});
