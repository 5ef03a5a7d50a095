/** What a batch of roster edits did, counted and put in words for the status line under the toolbar. */
import type { BulkEditResult, EditResult } from '../../shared/api';

export interface EditTally {
  /** New or folded into an edit already queued: either way a change now waiting to sync. */
  queued: number;
  /** The net change was nothing (the value was already so, or an edit was taken back). */
  unchanged: number;
  /** Rows being sent to the LMS right now, left alone. */
  sending: number;
  /** Rows an edit could not apply to (a held edit, already queued for removal), left alone. */
  refused: number;
  /** The first refusal's reason, in the API's words. */
  refusedBecause: string | null;
}

export const EMPTY_TALLY: EditTally = { queued: 0, unchanged: 0, sending: 0, refused: 0, refusedBecause: null };

export function tallyOfResults(results: readonly EditResult[]): EditTally {
  let queued = 0;
  let unchanged = 0;
  for (const result of results) {
    if (result.outcome === 'cancelled') unchanged++;
    else queued++;
  }
  return { ...EMPTY_TALLY, queued, unchanged };
}

export const tallyOfBulk = (result: BulkEditResult): EditTally => ({
  ...EMPTY_TALLY,
  queued: result.queued + result.merged,
  unchanged: result.cancelled,
  sending: result.skipped,
});

export function addTallies(a: EditTally, b: EditTally): EditTally {
  return {
    queued: a.queued + b.queued,
    unchanged: a.unchanged + b.unchanged,
    sending: a.sending + b.sending,
    refused: a.refused + b.refused,
    refusedBecause: a.refusedBecause ?? b.refusedBecause,
  };
}

const was = (n: number): string => (n === 1 ? 'was' : 'were');

/** "Queued 12 changes; 1 was being sent and was left alone". */
export function describeTally(tally: EditTally): string {
  const parts = [`Queued ${tally.queued} ${tally.queued === 1 ? 'change' : 'changes'}`];
  if (tally.unchanged > 0) parts.push(`${tally.unchanged} needed no change`);
  if (tally.sending > 0) parts.push(`${tally.sending} ${was(tally.sending)} being sent and ${was(tally.sending)} left alone`);
  if (tally.refused > 0) parts.push(`${tally.refused} ${was(tally.refused)} left alone: ${tally.refusedBecause ?? 'the edit does not apply to them'}`);
  return parts.join('; ');
}
