import type Database from 'better-sqlite3';
import { writeTransaction } from './write-transaction';
import { newOpId } from './op-id';
import { type PendingKind } from '../../shared/api';
import { type EnrollmentFields } from '../../shared/domain/enrollment';

export const OUTBOX_STATES = ['queued', 'in_flight', 'rejected', 'conflict'] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

/** What an op sets: role/status for enroll and update; the code and realm kind for access_code; nothing for remove. */
export interface OutboxFields extends Partial<EnrollmentFields> {
  accessCode?: string;
  realmKind?: 'section' | 'group';
}

/**
 * What the user saw when making an edit: the role/status, and for Canvas the enrollment's updated_at as the cache held
 * it (`version`), so the engine can tell whether the server changed the enrollment since (conflict-check.ts). Kept in
 * the base JSON, so ops queued before versions existed (no `version`) read as they always did.
 */
export interface OpBase extends Partial<EnrollmentFields> {
  version?: string;
}

export interface OutboxOp {
  id: string;
  /** Order of creation; never reused, so "apply in seq order" holds across deletions. */
  seq: number;
  accountId: string;
  /** null for an access-code join: which realm it joins is known only once the LMS has applied it. */
  realmId: string | null;
  kind: PendingKind;
  enrollmentId: string | null;
  /** The person the op is about: given for enrolls, taken from the cached enrollment for updates and removes. */
  userId: string | null;
  fields: OutboxFields;
  /** What the user saw when making the edit, i.e. what the server is expected to hold; null = no enrollment. */
  base: OpBase | null;
  state: OutboxState;
  error: string | null;
  /** How often the op was sent; > 0 means it may have reached the server even if no answer came back. */
  attempts: number;
  createdAt: string;
  updatedAt: string;
}

export interface NewOutboxOp {
  /** Client-generated; defaults to a fresh UUID (time-ordered: see newOpId). */
  id?: string;
  accountId: string;
  realmId: string | null;
  kind: PendingKind;
  enrollmentId?: string | null;
  userId?: string | null;
  fields?: OutboxFields;
  base?: OpBase | null;
}

/** A rewrite of an op's content in place (coalescing, narrowing, resolving); the id and seq stay. */
export interface OutboxOpChange {
  kind?: PendingKind;
  enrollmentId?: string | null;
  userId?: string | null;
  fields?: OutboxFields;
  base?: OpBase | null;
  state?: OutboxState;
  error?: string | null;
  attempts?: number;
}

interface OutboxRow {
  id: string;
  seq: number;
  account_id: string;
  realm_id: string | null;
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
  // The same with positional parameters, which bind faster: a bulk edit inserts up to 100,000 ops.
  insertRow: `
    INSERT INTO outbox (id, seq, account_id, realm_id, kind, enrollment_id, user_id, fields, base, state, attempts,
      created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?)`,
  // Copies an enrolled user into the people directory from any cached enrollment of theirs in the account, unless
  // already there, so the roster overlay can name the pending row. The lookup scans the account's rosters (no index
  // on enrollments.user_id: ingest would pay for it on every row): ~20 ms with 100,000 rows, commit included, once
  // per user action.
  copyPerson: `
    INSERT INTO people (account_id, user_id, school_uid, name_title, name_first, name_first_preferred, name_middle,
      name_last, display_name, sortable_name, sort_key, search_key, picture_url)
    SELECT r.account_id, e.user_id, e.school_uid, '', e.name_first, e.name_first_preferred, '', e.name_last,
      e.display_name, e.sortable_name, e.sort_key, e.search_key, e.picture_url
    FROM realms r JOIN enrollments e ON e.realm_no = r.no
    WHERE r.account_id = @accountId AND e.user_id = @userId
      AND NOT EXISTS (SELECT 1 FROM people WHERE account_id = @accountId AND user_id = @userId)
    LIMIT 1`,
  // The same for the person of an update/remove, from the enrollment itself (a primary-key probe): the overlay can
  // then still name them should a later pull no longer find the enrollment the op is about.
  copyEnrolledPerson: `
    INSERT INTO people (account_id, user_id, school_uid, name_title, name_first, name_first_preferred, name_middle,
      name_last, display_name, sortable_name, sort_key, search_key, picture_url)
    SELECT r.account_id, e.user_id, e.school_uid, '', e.name_first, e.name_first_preferred, '', e.name_last,
      e.display_name, e.sortable_name, e.sort_key, e.search_key, e.picture_url
    FROM realms r JOIN enrollments e ON e.realm_no = r.no
    WHERE r.id = @realmId AND e.enrollment_id = @enrollmentId
    ON CONFLICT (account_id, user_id) DO NOTHING`,
  // copyPerson for many users at once: one scan of the account's rosters (the first row found per user wins).
  copyPeople: `
    INSERT INTO people (account_id, user_id, school_uid, name_title, name_first, name_first_preferred, name_middle,
      name_last, display_name, sortable_name, sort_key, search_key, picture_url)
    SELECT r.account_id, e.user_id, e.school_uid, '', e.name_first, e.name_first_preferred, '', e.name_last,
      e.display_name, e.sortable_name, e.sort_key, e.search_key, e.picture_url
    FROM realms r JOIN enrollments e ON e.realm_no = r.no
    WHERE r.account_id = @accountId AND e.user_id IN (SELECT value FROM json_each(@userIds))
    ON CONFLICT (account_id, user_id) DO NOTHING`,
  // copyEnrolledPerson for many enrollments of one realm, in the order given.
  copyEnrolledPeople: `
    INSERT INTO people (account_id, user_id, school_uid, name_title, name_first, name_first_preferred, name_middle,
      name_last, display_name, sortable_name, sort_key, search_key, picture_url)
    SELECT r.account_id, e.user_id, e.school_uid, '', e.name_first, e.name_first_preferred, '', e.name_last,
      e.display_name, e.sortable_name, e.sort_key, e.search_key, e.picture_url
    FROM realms r CROSS JOIN json_each(@enrollmentIds) j CROSS JOIN enrollments e ON e.realm_no = r.no AND e.enrollment_id = j.value
    WHERE r.id = @realmId
    ORDER BY j.key
    ON CONFLICT (account_id, user_id) DO NOTHING`,
  lastSeq: `SELECT value FROM counters WHERE name = 'outbox_seq'`,
  setLastSeq: `UPDATE counters SET value = ? WHERE name = 'outbox_seq' AND value < ?`,
  // The user of a cached enrollment, so an update/remove op carries its person like an enroll does.
  enrolledUser: `
    SELECT e.user_id FROM realms r JOIN enrollments e ON e.realm_no = r.no WHERE r.id = ? AND e.enrollment_id = ?`,
  get: `SELECT ${COLUMNS} FROM outbox WHERE id = ?`,
  byAccount: `SELECT ${COLUMNS} FROM outbox WHERE account_id = ? ORDER BY seq`,
  byAccountState: `SELECT ${COLUMNS} FROM outbox WHERE account_id = ? AND state = ? ORDER BY seq`,
  byRealm: `SELECT ${COLUMNS} FROM outbox WHERE realm_id = ? ORDER BY seq`,
  byTarget: `SELECT ${COLUMNS} FROM outbox WHERE realm_id = ? AND user_id = ? AND kind <> 'access_code' ORDER BY seq`,
  // Codes compare case-insensitively: staff type them as they read them, and the LMS does not tell case apart.
  accessCode: `
    SELECT ${COLUMNS} FROM outbox
    WHERE account_id = @accountId AND kind = 'access_code' AND upper(json_extract(fields, '$.accessCode')) = upper(@accessCode)
      AND json_extract(fields, '$.realmKind') = @realmKind
    ORDER BY seq`,
  rewrite: `
    UPDATE outbox SET kind = @kind, enrollment_id = @enrollmentId, user_id = @userId, fields = @fields, base = @base,
      state = @state, error = @error, attempts = @attempts, updated_at = @now
    WHERE id = @id`,
  // A rewrite that keeps the enrollment and person the op is about: SQLite then leaves the indexes on them alone (it
  // rewrites the entries of every index on a column the SET names, changed or not).
  rewriteContent: `
    UPDATE outbox SET kind = @kind, fields = @fields, base = @base, state = @state, error = @error, attempts = @attempts,
      updated_at = @now
    WHERE id = @id`,
  setState: `UPDATE outbox SET state = @state, error = @error, updated_at = @now WHERE id = @id`,
  countAttempt: `UPDATE outbox SET attempts = attempts + 1, updated_at = @now WHERE id = @id`,
  remove: `DELETE FROM outbox WHERE id = ?`,
  removeQueued: `DELETE FROM outbox WHERE account_id = ? AND state = 'queued'`,
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
    base: row.base === null ? null : (JSON.parse(row.base) as OpBase),
    state: row.state,
    error: row.error,
    attempts: row.attempts,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function checkNew(op: NewOutboxOp): void {
  if ((op.kind === 'update' || op.kind === 'remove') && !op.enrollmentId && !op.userId) {
    throw new Error(`A queued ${op.kind} needs the enrollment id it applies to (realm ${op.realmId}).`);
  }
  if (op.kind === 'enroll' && !op.userId) throw new Error(`A queued enroll needs the user to enroll (realm ${op.realmId}).`);
  if (op.kind !== 'access_code' && !op.realmId) throw new Error(`A queued ${op.kind} needs its realm.`);
}

/**
 * The queue of local edits. Storage only: validation, coalescing and the engine's state changes live in
 * electron/sync/outbox.ts, which is what edits should go through.
 */
export class OutboxRepo {
  private readonly stmt;

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.stmt = {
      nextSeq: db.prepare<[], number>(SQL.nextSeq).pluck(),
      insert: db.prepare(SQL.insert),
      insertRow: db.prepare<[string, number, string, string | null, string, string | null, string | null, string, string | null, string, string]>(SQL.insertRow),
      copyPerson: db.prepare<[{ accountId: string; userId: string }]>(SQL.copyPerson),
      copyEnrolledPerson: db.prepare<[{ realmId: string; enrollmentId: string }]>(SQL.copyEnrolledPerson),
      copyPeople: db.prepare<[{ accountId: string; userIds: string }]>(SQL.copyPeople),
      copyEnrolledPeople: db.prepare<[{ realmId: string; enrollmentIds: string }]>(SQL.copyEnrolledPeople),
      lastSeq: db.prepare<[], number>(SQL.lastSeq).pluck(),
      setLastSeq: db.prepare<[number, number]>(SQL.setLastSeq),
      enrolledUser: db.prepare<[string, string], string>(SQL.enrolledUser).pluck(),
      get: db.prepare<[string], OutboxRow>(SQL.get),
      byAccount: db.prepare<[string], OutboxRow>(SQL.byAccount),
      byAccountState: db.prepare<[string, OutboxState], OutboxRow>(SQL.byAccountState),
      byRealm: db.prepare<[string], OutboxRow>(SQL.byRealm),
      byTarget: db.prepare<[string, string], OutboxRow>(SQL.byTarget),
      accessCode: db.prepare<[{ accountId: string; accessCode: string; realmKind: string }], OutboxRow>(SQL.accessCode),
      rewrite: db.prepare(SQL.rewrite),
      rewriteContent: db.prepare(SQL.rewriteContent),
      setState: db.prepare(SQL.setState),
      countAttempt: db.prepare(SQL.countAttempt),
      remove: db.prepare<[string]>(SQL.remove),
      removeQueued: db.prepare<[string]>(SQL.removeQueued),
    };
  }

  /**
   * Queues `op` as given (no coalescing). An update/remove without a user gets the cached enrollment's. The op's person
   * is put in the people directory if a cached roster knows them, so the overlay can name them without a server row.
   */
  enqueue(op: NewOutboxOp): OutboxOp {
    checkNew(op);
    const id = op.id ?? newOpId();
    writeTransaction(this.db, () => {
      const seq = this.stmt.nextSeq.get();
      let userId = op.userId ?? null;
      if (userId === null && op.realmId && op.enrollmentId) userId = this.stmt.enrolledUser.get(op.realmId, op.enrollmentId) ?? null;
      this.stmt.insert.run({
        id,
        seq,
        accountId: op.accountId,
        realmId: op.realmId ?? null,
        kind: op.kind,
        enrollmentId: op.enrollmentId ?? null,
        userId,
        fields: JSON.stringify(op.fields ?? {}),
        base: op.base ? JSON.stringify(op.base) : null,
        now: this.now().toISOString(),
      });
      if (op.kind === 'enroll' && userId) this.rememberEnrolledPerson(op.accountId, userId);
      if (op.kind !== 'enroll' && op.realmId && op.enrollmentId) {
        this.stmt.copyEnrolledPerson.run({ realmId: op.realmId, enrollmentId: op.enrollmentId });
      }
    });
    return this.require(id);
  }

  /**
   * Queues `op` inside the caller's transaction without enqueue's per-op extras, for bulk edits (up to 100,000 ops in
   * one transaction): the caller numbers the ops (from lastSeq(), then setLastSeq() before commit), copies people
   * afterwards (rememberEnrolledPeople, copyEnrolledPeople) instead of once per op (a scan each for enrolls), and the op
   * is built here, not read back.
   */
  add(op: NewOutboxOp & { userId: string | null }, seq: number): OutboxOp {
    checkNew(op);
    const now = this.now().toISOString();
    const row: OutboxRow = {
      id: op.id ?? newOpId(),
      seq,
      account_id: op.accountId,
      realm_id: op.realmId ?? null,
      kind: op.kind,
      enrollment_id: op.enrollmentId ?? null,
      user_id: op.userId,
      fields: JSON.stringify(op.fields ?? {}),
      base: op.base ? JSON.stringify(op.base) : null,
      state: 'queued',
      error: null,
      attempts: 0,
      created_at: now,
      updated_at: now,
    };
    this.stmt.insertRow.run(row.id, row.seq, row.account_id, row.realm_id, row.kind, row.enrollment_id, row.user_id, row.fields, row.base, now, now);
    return toOp(row);
  }

  /** Copies the user into the people directory from a cached roster, unless already there (see copyPerson). */
  rememberEnrolledPerson(accountId: string, userId: string): void {
    this.stmt.copyPerson.run({ accountId, userId });
  }

  /** rememberEnrolledPerson for many users of one account: one scan of its rosters. */
  rememberEnrolledPeople(accountId: string, userIds: readonly string[]): void {
    if (userIds.length > 0) this.stmt.copyPeople.run({ accountId, userIds: JSON.stringify(userIds) });
  }

  /** What enqueue does for an update/remove's person, for many enrollments of one realm, first given first (see add). */
  copyEnrolledPeople(realmId: string, enrollmentIds: readonly string[]): void {
    if (enrollmentIds.length > 0) this.stmt.copyEnrolledPeople.run({ realmId, enrollmentIds: JSON.stringify(enrollmentIds) });
  }

  /** The last seq given out (see add). */
  lastSeq(): number {
    return this.stmt.lastSeq.get() ?? 0;
  }

  /** Records that seqs up to `seq` are given out (see add); never moves the counter back. */
  setLastSeq(seq: number): void {
    this.stmt.setLastSeq.run(seq, seq);
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

  listByState(accountId: string, state: OutboxState): OutboxOp[] {
    return this.stmt.byAccountState.all(accountId, state).map(toOp);
  }

  listByRealm(realmId: string): OutboxOp[] {
    return this.stmt.byRealm.all(realmId).map(toOp);
  }

  /** Every op about one person in one realm (any state, not access codes), oldest first. */
  listByTarget(realmId: string, userId: string): OutboxOp[] {
    return this.stmt.byTarget.all(realmId, userId).map(toOp);
  }

  /** Access-code joins of the account with this code and realm kind, oldest first. */
  findAccessCode(accountId: string, realmKind: string, accessCode: string): OutboxOp[] {
    return this.stmt.accessCode.all({ accountId, accessCode, realmKind }).map(toOp);
  }

  /** Rewrites an op's content and/or state in place; what `change` leaves out stays. Returns the op as stored. */
  rewrite(id: string, change: OutboxOpChange): OutboxOp {
    return this.rewriteOp(this.require(id), change);
  }

  /** rewrite() of an op the caller has just read (`op` is as stored): no reads. */
  rewriteOp(op: OutboxOp, change: OutboxOpChange): OutboxOp {
    const next = { ...op, ...change };
    const row: OutboxRow = {
      id: op.id,
      seq: op.seq,
      account_id: op.accountId,
      realm_id: op.realmId,
      kind: next.kind,
      enrollment_id: next.enrollmentId,
      user_id: next.userId,
      fields: JSON.stringify(next.fields),
      base: next.base ? JSON.stringify(next.base) : null,
      state: next.state,
      error: next.error,
      attempts: next.attempts,
      created_at: op.createdAt,
      updated_at: this.now().toISOString(),
    };
    const same = next.enrollmentId === op.enrollmentId && next.userId === op.userId;
    const { changes } = (same ? this.stmt.rewriteContent : this.stmt.rewrite).run({
      id: row.id, kind: row.kind, enrollmentId: row.enrollment_id, userId: row.user_id, fields: row.fields, base: row.base,
      state: row.state, error: row.error, attempts: row.attempts, now: row.updated_at,
    });
    if (changes === 0) throw new Error(`Queued edit "${op.id}" is not in the outbox (already synced or discarded).`);
    // Read back as toOp reads a stored row, so what a caller holds is exactly what a later get() returns.
    return toOp(row);
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

  /** Deletes every op of the account still in state queued; returns how many. */
  removeQueued(accountId: string): number {
    return this.stmt.removeQueued.run(accountId).changes;
  }
}
