import type Database from 'better-sqlite3';
import { writeTransaction } from './write-transaction';

export interface Migration {
  /** Becomes PRAGMA user_version once applied; must equal the migration's 1-based position in the list. */
  version: number;
  name: string;
  sql: string;
  /**
   * A data step SQL alone cannot do (e.g. values computed in JS), run after `sql` inside the same transaction: a
   * failure rolls the whole upgrade back like a failing statement does.
   */
  up?: (db: Database.Database) => void;
}

/** The cache was written by a newer Roster Desk; opening it here could damage data this version does not understand. */
export class CacheFromNewerVersionError extends Error {
  constructor(
    readonly file: string,
    readonly foundVersion: number,
    readonly supportedVersion: number,
  ) {
    super(
      `The offline cache ${file} was written by a newer version of Roster Desk (cache schema ${foundVersion}; this ` +
        `version understands up to ${supportedVersion}). It was left untouched. Update Roster Desk to open it.`,
    );
    this.name = 'CacheFromNewerVersionError';
  }
}

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings the schema up to the last migration. All pending migrations and the version bump run in one transaction, so
 * a crash mid-way leaves the previous, consistent schema (user_version lives in the header page, which rolls back too).
 * Returns the versions applied.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[], file: string): number[] {
  migrations.forEach((m, index) => {
    if (m.version !== index + 1) throw new Error(`Migration "${m.name}" has version ${m.version}, expected ${index + 1}`);
  });
  const latest = migrations.length;
  const current = schemaVersion(db);
  if (current > latest) throw new CacheFromNewerVersionError(file, current, latest);
  const pending = migrations.slice(current);
  if (pending.length === 0) return [];
  writeTransaction(db, () => {
    for (const m of pending) {
      try {
        db.exec(m.sql);
        m.up?.(db);
      } catch (error) {
        throw new Error(`Cache migration ${m.version} (${m.name}) failed: ${(error as Error).message}`, { cause: error });
      }
    }
    db.pragma(`user_version = ${latest}`);
  });
  return pending.map((m) => m.version);
}
