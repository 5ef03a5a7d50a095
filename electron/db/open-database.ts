import Database from 'better-sqlite3';
import { existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CacheFromNewerVersionError, migrate, schemaVersion } from './migrate';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations/index';

export { CacheFromNewerVersionError } from './migrate';

export interface OpenedDatabase {
  db: Database.Database;
  /** Something staff must be told about the cache (a damaged file was moved aside), or null. */
  notice: string | null;
}

export interface OpenDatabaseOptions {
  /** Clock for the timestamp in moved-aside file names; tests pin it. */
  now?: () => Date;
}

const SIDE_FILES = ['-wal', '-shm'] as const;
const CORRUPTION_CODES = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB']);

function isCorruptionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  // better-sqlite3 reports extended codes too (SQLITE_CORRUPT_INDEX, SQLITE_CORRUPT_VTAB, …).
  return typeof code === 'string' && (CORRUPTION_CODES.has(code) || code.startsWith('SQLITE_CORRUPT_'));
}

/** 2026-11-25T20:41:00.123Z → 2026-11-25T20-41-00Z: sortable, and legal in file names on Windows. */
export function fileTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z').replaceAll(':', '-');
}

function applyPragmas(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  // FULL: a commit is on disk when it returns, so a queued edit survives a power cut right after the user made it.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
}

type ProbeResult = { kind: 'ok' } | { kind: 'corrupt'; reason: string } | { kind: 'newer'; version: number };

/**
 * Looks at an existing file through a read-only connection, so neither a newer app's cache nor a damaged one is
 * written to (a read-write close would checkpoint the WAL into the main file). integrity_check, not the faster
 * quick_check: besides damaged pages and records it verifies that every index matches its table and that UNIQUE
 * constraints hold, so a cache whose outbox or realm indexes disagree with their rows is caught here rather than
 * answering queries wrongly. It reads the whole file, so it costs time on every start-up (cache-bench prints it).
 */
function probe(file: string): ProbeResult {
  const hadSideFiles = SIDE_FILES.map((suffix) => existsSync(file + suffix));
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const version = schemaVersion(db);
    if (version > LATEST_SCHEMA_VERSION) return { kind: 'newer', version };
    // At most 5 messages: the notice names the damage, it need not list all of it.
    const problems = db.pragma('integrity_check(5)', { simple: false }) as Array<{ integrity_check: string }>;
    if (problems.length !== 1 || problems[0]?.integrity_check !== 'ok') {
      return { kind: 'corrupt', reason: problems.map((p) => p.integrity_check).join('; ') || 'integrity_check failed' };
    }
    return { kind: 'ok' };
  } catch (error) {
    if (isCorruptionError(error)) return { kind: 'corrupt', reason: (error as Error).message };
    throw new Error(`Could not read the offline cache ${file}: ${(error as Error).message}`, { cause: error });
  } finally {
    db?.close();
    // A read-only open of a WAL database creates empty -wal/-shm files; take back only the ones we made.
    SIDE_FILES.forEach((suffix, i) => {
      const side = file + suffix;
      if (!hadSideFiles[i] && existsSync(side) && (suffix === '-shm' || statSync(side).size === 0)) rmSync(side, { force: true });
    });
  }
}

/** Reads whatever outbox rows a damaged file still yields. null when none could be read at all. */
function readOutboxRows(file: string): unknown[] | null {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    return db.prepare('SELECT * FROM outbox ORDER BY seq').all();
  } catch {
    return null;
  } finally {
    try {
      db?.close();
    } catch {
      // Closing a connection to a damaged file may fail too; there is nothing left to save from it.
    }
  }
}

/**
 * Moves a damaged cache aside with its -wal/-shm and returns the notice for staff. The outbox is the one thing in the
 * cache that exists nowhere else (edits not yet sent), so it is written out first, next to the cache.
 */
function setAside(file: string, reason: string, now: Date): string {
  const stamp = fileTimestamp(now);
  const dir = dirname(file);
  const rows = readOutboxRows(file);
  let outboxNote: string;
  if (rows === null) {
    outboxNote = 'Edits that had not been synced yet could not be read from it.';
  } else if (rows.length === 0) {
    outboxNote = 'It held no unsynced edits.';
  } else {
    const rescued = join(dir, `outbox-rescued-${stamp}.json`);
    writeFileSync(rescued, JSON.stringify({ file, rescuedAt: now.toISOString(), reason, ops: rows }, null, 2));
    outboxNote = `${rows.length} unsynced edit(s) were saved to ${rescued}.`;
  }
  const aside = `${file}.corrupt-${stamp}`;
  renameSync(file, aside);
  for (const suffix of SIDE_FILES) {
    if (existsSync(file + suffix)) renameSync(file + suffix, aside + suffix);
  }
  return (
    `The offline cache was damaged (${reason}) and has been moved aside to ${basename(aside)}. ` +
    `Roster Desk started with an empty cache; sync to download the rosters again. ${outboxNote}`
  );
}

/**
 * Opens (creating if needed) the cache at `file`, or ':memory:'. A damaged file is moved aside and replaced by an
 * empty cache (see `notice`); a file from a newer app version is refused with CacheFromNewerVersionError and left
 * exactly as it was.
 */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): OpenedDatabase {
  const now = options.now ?? (() => new Date());
  let notice: string | null = null;
  if (file !== ':memory:' && existsSync(file)) {
    const result = probe(file);
    if (result.kind === 'newer') throw new CacheFromNewerVersionError(file, result.version, LATEST_SCHEMA_VERSION);
    if (result.kind === 'corrupt') notice = setAside(file, result.reason, now());
  }
  const db = new Database(file);
  try {
    applyPragmas(db);
    migrate(db, MIGRATIONS, file);
  } catch (error) {
    db.close();
    throw error;
  }
  return { db, notice };
}
