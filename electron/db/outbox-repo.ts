import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { type PendingKind } from '../../shared/api';
import { type EnrollmentFields } from '../../shared/domain/enrollment';

export const OUTBOX_STATES = ['queued', 'in_flight', 'rejected', 'conflict'] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

/** What an op sets: role/status for enroll and update; the code for access_code; nothing for remove. */
export interface OutboxFields extends Partial<EnrollmentFields> {
  accessCode?: string;
}

export interface OutboxOp {
  id: string;
  /** Order of creation; never reused, so "apply in seq order" holds across deletions. */
  seq: number;
  accountId: string;
  realmId: string;
  kind: PendingKind;
  enrollmentId: string | null;
  userId: string | null;
  fields: OutboxFields;
  /** The server's role/status when the edit was made; what conflict detection compares against. */
  base: Partial<EnrollmentFields> | null;
  state: OutboxState;
  error: string | null;
  attempts: number;
  createdAt: string;
  updatedAt: string;
}

export interface NewOutboxOp {
  /** Client-generated; defaults to a fresh UUID. */
  id?: string;
  accountId: string;
  realmId: string;
  kind: PendingKind;
  enrollmentId?: string | null;
  userId?: string | null;
  fields?: OutboxFields;
  base?: Partial<EnrollmentFields> | null;
}

interface OutboxRow {
  id: string;
  seq: number;
  account_id: string;
  realm_id: string;
  kind: PendingKind;
  enrollment_id: string | null;
  user_id: string | null;
  fields: string;
  base: string | null;
  state: OutboxState;
  error: string | null;
  attempts: number;
  created_at: string;
  updated_at: string;
}

const COLUMNS =
  'id, seq, account_id, realm_id, kind, enrollment_id, user_id, fields, base, state, error, attempts, created_at, updated_at';

const SQL = {
  nextSeq: `UPDATE counters SET value = value + 1 WHERE name = 'outbox_seq' RETURNING value`,
  insert: `
    INSERT INTO outbox (id, seq, account_id, realm_id, kind, enrollment_id, user_id, fields, base, state, attempts,
      created_at, updated_at)
    VALUES (@id, @seq, @accountId, @realmId, @kind, @enrollmentId, @userId, @fields, @base, 'queued', 0, @now, @now)`,
  // Copies an enrolled user into the people directory from any cached enrollment of theirs in the account, unless
  // already there, so the roster overlay can name the pending row. The lookup scans the account's rosters (no index
  // on enrollments.user_id: ingest would pay for it on every row): ~20 ms with 100,000 rows, commit included, once
  // per user action.
  copyPerson: `
    INSERT INTO people (account_id, user_id, school_uid, name_title, name_first, name_first_preferred, name_middle,
      name_last, display_name, sortable_name, sort_key, picture_url)
    SELECT r.account_id, e.user_id, e.school_uid, '', e.name_first, e.name_first_preferred, '', e.name_last,
      e.display_name, e.sortable_name, e.sort_key, e.picture_url
    FROM realms r JOIN enrollments e ON e.realm_no = r.no
    WHERE r.account_id = @accountId AND e.user_id = @userId
      AND NOT EXISTS (SELECT 1 FROM people WHERE account_id = @accountId AND user_id = @userId)
    LIMIT 1`,
  get: `SELECT ${COLUMNS} FROM outbox WHERE id = ?`,
  byAccount: `SELECT ${COLUMNS} FROM outbox WHERE account_id = ? ORDER BY seq`,
  byRealm: `SELECT ${COLUMNS} FROM outbox WHERE realm_id = ? ORDER BY seq`,
  setState: `UPDATE outbox SET state = @state, error = @error, updated_at = @now WHERE id = @id`,
  countAttempt: `UPDATE outbox SET attempts = attempts + 1, updated_at = @now WHERE id = @id`,
  remove: `DELETE FROM outbox WHERE id = ?`,
} as const;

function toOp(row: OutboxRow): OutboxOp {
  return {
    id: row.id,
    seq: row.seq,
    accountId: row.account_id,
    realmId: row.realm_id,
    kind: row.kind,
    enrollmentId: row.enrollment_id,
    userId: row.user_id,
    fields: JSON.parse(row.fields) as OutboxFields,
    base: row.base === null ? null : (JSON.parse(row.base) as Partial<EnrollmentFields>),
    state: row.state,
    error: row.error,
    attempts: row.attempts,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The queue of local edits. Storage only: coalescing and sending live in electron/sync. */
export class OutboxRepo {
  private readonly stmt;

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.stmt = {
      nextSeq: db.prepare<[], number>(SQL.nextSeq).pluck(),
      insert: db.prepare(SQL.insert),
      copyPerson: db.prepare<[{ accountId: string; userId: string }]>(SQL.copyPerson),
      get: db.prepare<[string], OutboxRow>(SQL.get),
      byAccount: db.prepare<[string], OutboxRow>(SQL.byAccount),
      byRealm: db.prepare<[string], OutboxRow>(SQL.byRealm),
      setState: db.prepare(SQL.setState),
      countAttempt: db.prepare(SQL.countAttempt),
      remove: db.prepare<[string]>(SQL.remove),
    };
  }

  /** Queues `op`. An enroll also puts its user in the people directory if a cached roster knows them (copyPerson). */
  enqueue(op: NewOutboxOp): OutboxOp {
    if ((op.kind === 'update' || op.kind === 'remove') && !op.enrollmentId) {
      throw new Error(`A queued ${op.kind} needs the enrollment id it applies to (realm ${op.realmId}).`);
    }
    if (op.kind === 'enroll' && !op.userId) throw new Error(`A queued enroll needs the user to enroll (realm ${op.realmId}).`);
    const id = op.id ?? randomUUID();
    this.db.transaction(() => {
      const seq = this.stmt.nextSeq.get();
      this.stmt.insert.run({
        id,
        seq,
        accountId: op.accountId,
        realmId: op.realmId,
        kind: op.kind,
        enrollmentId: op.enrollmentId ?? null,
        userId: op.userId ?? null,
        fields: JSON.stringify(op.fields ?? {}),
        base: op.base ? JSON.stringify(op.base) : null,
        now: this.now().toISOString(),
      });
      if (op.kind === 'enroll' && op.userId) this.stmt.copyPerson.run({ accountId: op.accountId, userId: op.userId });
    })();
    return this.require(id);
  }

  get(id: string): OutboxOp | null {
    const row = this.stmt.get.get(id);
    return row ? toOp(row) : null;
  }

  require(id: string): OutboxOp {
    const op = this.get(id);
    if (!op) throw new Error(`Queued edit "${id}" is not in the outbox (already synced or discarded).`);
    return op;
  }

  listByAccount(accountId: string): OutboxOp[] {
    return this.stmt.byAccount.all(accountId).map(toOp);
  }

  listByRealm(realmId: string): OutboxOp[] {
    return this.stmt.byRealm.all(realmId).map(toOp);
  }

  /** Moves an op to `state`; `error` is what staff will read next to the row (null clears it). */
  setState(id: string, state: OutboxState, error: string | null = null): void {
    const { changes } = this.stmt.setState.run({ id, state, error, now: this.now().toISOString() });
    if (changes === 0) throw new Error(`Queued edit "${id}" is not in the outbox; cannot mark it ${state}.`);
  }

  countAttempt(id: string): void {
    this.stmt.countAttempt.run({ id, now: this.now().toISOString() });
  }

  remove(id: string): boolean {
    return this.stmt.remove.run(id).changes > 0;
  }
}
