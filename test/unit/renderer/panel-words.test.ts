import { describe, expect, it } from 'vitest';
import { syncSummaryOf } from '../../../renderer/store/sync-slice';
import { conflictRowWords } from '../../../renderer/features/pending/conflict-words';
import { csvTable } from '../../../renderer/features/export/csv-preview';
import { progressWords } from '../../../renderer/features/sync/sync-words';

const run = { applied: 0, done: 0, rejected: 0, conflicts: 0, requeued: 0, message: null };

describe('the sync summary', () => {
  it('counts edits already on the server as applied', () => {
    expect(syncSummaryOf({ ...run, outcome: 'partial', applied: 1, done: 1, rejected: 1 })).toBe('Synced: 2 applied, 1 rejected, 0 conflicts');
  });

  it('says how many edits were left for the next sync', () => {
    expect(syncSummaryOf({ ...run, outcome: 'ok', conflicts: 1, requeued: 2 })).toBe('Synced: 0 applied, 0 rejected, 1 conflict, 2 left queued');
  });

  it("is the run's own message when the run did not reach the LMS", () => {
    const message = 'Schoology refused the sign-in: run `roster account login` again. 3 edits stay queued for the next sync.';
    expect(syncSummaryOf({ ...run, outcome: 'unauthorized', message })).toBe(message);
  });
});

describe('the sync progress words', () => {
  it('name the phase and how far it is', () => {
    expect(progressWords({ phase: 'pushing', done: 3, total: 10 })).toBe('Sending changes 3 of 10');
  });

  it('name only the phase while its total is unknown', () => {
    expect(progressWords({ phase: 'checking', done: 0, total: 0 })).toBe('Checking the LMS');
  });
});

describe('a conflict in words', () => {
  it("uses the provider's own labels for both sides", () => {
    expect(conflictRowWords('schoology', { field: 'status', mine: 'inactive', theirs: 'completed' })).toEqual({ field: 'Status', yours: 'Archived', theirs: 'Expired' });
  });

  it('says plainly when the LMS no longer has the enrollment', () => {
    expect(conflictRowWords('canvas', { field: 'enrollment', mine: '44783136', theirs: null }).theirs).toBe('The LMS no longer has this enrollment');
  });
});

describe('the export preview', () => {
  it('reads quoted fields with commas, quotes and line breaks', () => {
    const csv = 'Name,Note\r\n"Howlett, James","says ""hi""\r\ntwice"\r\n';
    expect(csvTable(csv)).toEqual({ header: ['Name', 'Note'], rows: [['Howlett, James', 'says "hi"\r\ntwice']] });
  });
});
