/** What one sync run did, for the CLI's summary, the UI's sync bar and the scheduler's next move. */
export interface SyncReport {
  outcome: 'ok' | 'partial' | 'offline' | 'unauthorized' | 'busy' | 'failed';
  applied: number;
  done: number;
  rejected: number;
  conflicts: number;
  requeued: number;
  /**
   * Requests this run made: reads are roster pages (and realm listings, one each however many pages), writes are push
   * batches; the transport's retries are not counted.
   */
  requests: { reads: number; writes: number };
  refreshedRealms: number;
  message: string | null;
  runId: number | null;
}

/** A report of a run that sent nothing (busy, or failed before it began). */
export const emptyReport = (outcome: SyncReport['outcome'], message: string): SyncReport => ({
  outcome,
  applied: 0,
  done: 0,
  rejected: 0,
  conflicts: 0,
  requeued: 0,
  requests: { reads: 0, writes: 0 },
  refreshedRealms: 0,
  message,
  runId: null,
});
