import type Database from 'better-sqlite3';

export const SYNC_OUTCOMES = ['ok', 'partial', 'failed', 'offline', 'cancelled'] as const;
export type SyncOutcome = (typeof SYNC_OUTCOMES)[number];

/** Per-run tallies, e.g. { pushed: 3, rejected: 1, pulledRealms: 12 }; free-form so the engine can grow it. */
export type SyncCounts = Record<string, number>;

export interface SyncRun {
  id: number;
  accountId: string;
  startedAt: string;
  /** null while the run is in progress (or when the app died during it). */
  finishedAt: string | null;
  outcome: SyncOutcome | null;
  counts: SyncCounts;
  message: string | null;
}

interface SyncRunRow {
  id: number;
  account_id: string;
  started_at: string;
  finished_at: string | null;
  outcome: SyncOutcome | null;
  counts: string;
  message: string | null;
}

const COLUMNS = 'id, account_id, started_at, finished_at, outcome, counts, message';

const SQL = {
  start: `INSERT INTO sync_runs (account_id, started_at) VALUES (?, ?)`,
  finish: `
    UPDATE sync_runs SET finished_at = @finishedAt, outcome = @outcome, counts = @counts, message = @message
    WHERE id = @id`,
  get: `SELECT ${COLUMNS} FROM sync_runs WHERE id = ?`,
  recent: `SELECT ${COLUMNS} FROM sync_runs WHERE account_id = ? ORDER BY started_at DESC, id DESC LIMIT ?`,
} as const;

const toRun = (row: SyncRunRow): SyncRun => ({
  id: row.id,
  accountId: row.account_id,
  startedAt: row.started_at,
  finishedAt: row.finished_at,
  outcome: row.outcome,
  counts: JSON.parse(row.counts) as SyncCounts,
  message: row.message,
});

export class SyncRunsRepo {
  private readonly stmt;

  constructor(
    db: Database.Database,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.stmt = {
      start: db.prepare<[string, string]>(SQL.start),
      finish: db.prepare(SQL.finish),
      get: db.prepare<[number], SyncRunRow>(SQL.get),
      recent: db.prepare<[string, number], SyncRunRow>(SQL.recent),
    };
  }

  /** Records that a sync of the account began; returns the run id to finish later. */
  start(accountId: string): SyncRun {
    const { lastInsertRowid } = this.stmt.start.run(accountId, this.now().toISOString());
    return this.get(Number(lastInsertRowid))!;
  }

  finish(id: number, outcome: SyncOutcome, counts: SyncCounts = {}, message: string | null = null): SyncRun {
    const { changes } = this.stmt.finish.run({
      id,
      outcome,
      counts: JSON.stringify(counts),
      message,
      finishedAt: this.now().toISOString(),
    });
    if (changes === 0) throw new Error(`Sync run ${id} is not in the sync log; cannot record its outcome.`);
    return this.get(id)!;
  }

  get(id: number): SyncRun | null {
    const row = this.stmt.get.get(id);
    return row ? toRun(row) : null;
  }

  /** The account's latest runs, newest first. */
  recent(accountId: string, limit = 20): SyncRun[] {
    return this.stmt.recent.all(accountId, limit).map(toRun);
  }
}
