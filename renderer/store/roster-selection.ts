/**
 * Which roster rows are selected, without ever listing 100,000 of them: either the rows picked one by one (or by a
 * range), or "everything the filter matches" minus the rows unticked since. Each value is immutable, so a store
 * update with a new selection is all a component needs to notice the change.
 */
import type { RosterRow, RowRef } from '../../shared/api';

export type RosterSelection =
  | { readonly all: false; readonly picked: ReadonlyMap<string, RowRef> }
  | { readonly all: true; readonly except: ReadonlyMap<string, RowRef> };

export const NO_SELECTION: RosterSelection = { all: false, picked: new Map() };

/**
 * How edits name a row: its enrollment, or for a person whose enroll is still queued, that op (the roster query
 * answers no row with neither).
 */
export function refOf(row: RosterRow): RowRef {
  return { realmId: row.realmId, enrollmentId: row.enrollmentId ?? row.pending?.opId ?? '' };
}

export const keyOf = (ref: RowRef): string => `${ref.realmId}\u0000${ref.enrollmentId}`;

/** keyOf(refOf(row)) without building the ref: the table asks it for every row on screen at every render. */
export const keyOfRow = (row: RosterRow): string => `${row.realmId}\u0000${row.enrollmentId ?? row.pending?.opId ?? ''}`;

export function isSelected(selection: RosterSelection, key: string): boolean {
  return selection.all ? !selection.except.has(key) : selection.picked.has(key);
}

export function selectedCount(selection: RosterSelection, total: number): number {
  return selection.all ? Math.max(0, total - selection.except.size) : selection.picked.size;
}

export const selectAll = (): RosterSelection => ({ all: true, except: new Map() });

export function toggle(selection: RosterSelection, ref: RowRef): RosterSelection {
  return setSelected(selection, [ref], !isSelected(selection, keyOf(ref)));
}

/** Selects (or unselects) every ref given: a range from the anchor row, or one row. */
export function setSelected(selection: RosterSelection, refs: readonly RowRef[], selected: boolean): RosterSelection {
  // In "all" mode selecting means taking a row off the exceptions; otherwise it means picking it.
  const add = selection.all ? !selected : selected;
  const next = new Map(selection.all ? selection.except : selection.picked);
  for (const ref of refs) {
    if (add) next.set(keyOf(ref), ref);
    else next.delete(keyOf(ref));
  }
  return selection.all ? { all: true, except: next } : { all: false, picked: next };
}
