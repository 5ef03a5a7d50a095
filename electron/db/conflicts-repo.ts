import type Database from 'better-sqlite3';

/** 'enrollment': the server no longer has the enrollment an update or remove was made against. */
export type ConflictField = 'role' | 'status' | 'enrollment';

/**
 * The server changed a field the user also changed offline (or removed the enrollment); both values are kept until
 * someone chooses.
 */
export interface Conflict {
  id: number;
  opId: string;
  field: ConflictField;
  mine: string | null;
  theirs: string | null;
  detectedAt: string;
  resolvedAt: string | null;
}

interface ConflictRow {
  id: number;
  op_id: string;
  field: ConflictField;
  mine: string | null;
  theirs: string | null;
  detected_at: string;
  resolved_at: string | null;
}

const COLUMNS = 'id, op_id, field, mine, theirs, detected_at, resolved_at';

const SQL = {
  insert: `INSERT INTO conflicts (op_id, field, mine, theirs, detected_at) VALUES (?, ?, ?, ?, ?)`,
  get: `SELECT ${COLUMNS} FROM conflicts WHERE id = ?`,
  byOp: `SELECT ${COLUMNS} FROM conflicts WHERE op_id = ? ORDER BY id`,
  open: `
    SELECT c.id, c.op_id, c.field, c.mine, c.theirs, c.detected_at, c.resolved_at
    FROM conflicts c JOIN outbox o ON o.id = c.op_id
    WHERE c.resolved_at IS NULL AND o.account_id = ? ORDER BY c.id`,
  openByOp: `SELECT ${COLUMNS} FROM conflicts WHERE op_id = ? AND resolved_at IS NULL ORDER BY id`,
  resolve: `UPDATE conflicts SET resolved_at = ? WHERE id = ? AND resolved_at IS NULL`,
  resolveOp: `UPDATE conflicts SET resolved_at = ? WHERE op_id = ? AND resolved_at IS NULL`,
} as const;

const toConflict = (row: ConflictRow): Conflict => ({
  id: row.id,
  opId: row.op_id,
  field: row.field,
  mine: row.mine,
  theirs: row.theirs,
  detectedAt: row.detected_at,
  resolvedAt: row.resolved_at,
});

export class ConflictsRepo {
  private readonly stmt;

  constructor(
    db: Database.Database,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.stmt = {
      insert: db.prepare(SQL.insert),
      get: db.prepare<[number], ConflictRow>(SQL.get),
      byOp: db.prepare<[string], ConflictRow>(SQL.byOp),
      open: db.prepare<[string], ConflictRow>(SQL.open),
      openByOp: db.prepare<[string], ConflictRow>(SQL.openByOp),
      resolve: db.prepare(SQL.resolve),
      resolveOp: db.prepare<[string, string]>(SQL.resolveOp),
    };
  }

  record(opId: string, field: ConflictField, mine: string | null, theirs: string | null): Conflict {
    try {
      const { lastInsertRowid } = this.stmt.insert.run(opId, field, mine, theirs, this.now().toISOString());
      return toConflict(this.stmt.get.get(Number(lastInsertRowid))!);
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
        throw new Error(`Cannot record a ${field} conflict: queued edit "${opId}" is not in the outbox.`, { cause: error });
      }
      throw error;
    }
  }

  listForOp(opId: string): Conflict[] {
    return this.stmt.byOp.all(opId).map(toConflict);
  }

  /** The op's conflicts nobody has chosen on yet, oldest first. */
  listOpenForOp(opId: string): Conflict[] {
    return this.stmt.openByOp.all(opId).map(toConflict);
  }

  /** Unresolved conflicts of an account's queued edits, oldest first. */
  listOpen(accountId: string): Conflict[] {
    return this.stmt.open.all(accountId).map(toConflict);
  }

  /** Marks a conflict resolved; false when it was already resolved or does not exist. */
  resolve(id: number): boolean {
    return this.stmt.resolve.run(this.now().toISOString(), id).changes > 0;
  }

  /** Marks every open conflict of the op resolved; returns how many. */
  resolveOp(opId: string): number {
    return this.stmt.resolveOp.run(this.now().toISOString(), opId).changes;
  }
}
