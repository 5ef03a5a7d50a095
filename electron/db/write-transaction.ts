import type Database from 'better-sqlite3';

/**
 * Runs `fn` in a BEGIN IMMEDIATE transaction (a savepoint when already inside one).
 *
 * Every transaction that writes takes the write lock up front: a deferred one that reads first and writes later fails
 * at once with SQLITE_BUSY when another process (the CLI beside the app, a sync) wrote in between — busy_timeout does
 * not apply to that upgrade — and a staff member's edit would be refused instead of waiting its turn for a moment.
 */
export function writeTransaction<T>(db: Database.Database, fn: () => T): T {
  return db.transaction(fn).immediate();
}
