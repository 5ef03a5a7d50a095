import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CacheFromNewerVersionError, openDatabase } from '../../../electron/db/open-database';
import { migrate, schemaVersion, type Migration } from '../../../electron/db/migrate';
import { LATEST_SCHEMA_VERSION } from '../../../electron/db/migrations/index';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'roster-migrations-'));
  file = join(dir, 'cache.sqlite');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('opening the cache', () => {
  it('gives a fresh file the latest schema version', () => {
    const { db, notice } = openDatabase(file);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(notice).toBeNull();
    db.close();
  });

  it('runs with WAL journaling, synchronous FULL, foreign keys on and a busy timeout', () => {
    const { db } = openDatabase(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBeGreaterThan(0);
    db.close();
  });

  it('reopens an up-to-date file without changing its schema or data', () => {
    const first = openDatabase(file).db;
    first.prepare(`INSERT INTO accounts (id, name, provider, base_url, created_at) VALUES ('a', 'A', 'canvas', 'https://x', 'now')`).run();
    const schema = first.prepare('SELECT sql FROM sqlite_schema ORDER BY name').all();
    first.close();
    const again = openDatabase(file).db;
    expect(schemaVersion(again)).toBe(LATEST_SCHEMA_VERSION);
    expect(again.prepare('SELECT sql FROM sqlite_schema ORDER BY name').all()).toEqual(schema);
    expect(again.prepare('SELECT id FROM accounts').pluck().all()).toEqual(['a']);
    again.close();
  });

  it('accepts :memory: for tests', () => {
    const { db } = openDatabase(':memory:');
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    db.close();
  });
});

describe('a cache written by a newer app version', () => {
  function writeNewerCache(): void {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE from_the_future (x TEXT); INSERT INTO from_the_future VALUES (1);');
    db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    db.close();
  }

  it('is refused with a message naming the file, both versions and what to do', () => {
    writeNewerCache();
    expect(() => openDatabase(file)).toThrow(CacheFromNewerVersionError);
    try {
      openDatabase(file);
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain(file);
      expect(message).toContain(`cache schema ${LATEST_SCHEMA_VERSION + 1}`);
      expect(message).toContain(`up to ${LATEST_SCHEMA_VERSION}`);
      expect(message).toMatch(/Update Roster Desk/);
      expect(error).toMatchObject({ foundVersion: LATEST_SCHEMA_VERSION + 1, supportedVersion: LATEST_SCHEMA_VERSION });
    }
  });

  it('is left byte-for-byte unchanged, with the same modification time', () => {
    writeNewerCache();
    const bytes = readFileSync(file);
    const mtime = statSync(file).mtimeMs;
    expect(() => openDatabase(file)).toThrow(CacheFromNewerVersionError);
    expect(readFileSync(file).equals(bytes)).toBe(true);
    expect(statSync(file).mtimeMs).toBe(mtime);
  });
});

describe('migrate', () => {
  it('applies all pending migrations in one transaction, so a failing one leaves the previous version', () => {
    const db = new Database(':memory:');
    const steps: Migration[] = [
      { version: 1, name: 'one', sql: 'CREATE TABLE one (x)' },
      { version: 2, name: 'two', sql: 'CREATE TABLE two (x); THIS IS NOT SQL' },
    ];
    expect(() => migrate(db, steps, ':memory:')).toThrow(/Cache migration 2 \(two\) failed/);
    expect(schemaVersion(db)).toBe(0);
    expect(db.prepare(`SELECT count(*) FROM sqlite_schema WHERE name = 'one'`).pluck().get()).toBe(0);
    db.close();
  });

  it('applies only the migrations after the current version', () => {
    const db = new Database(':memory:');
    const steps: Migration[] = [{ version: 1, name: 'one', sql: 'CREATE TABLE one (x)' }];
    expect(migrate(db, steps, ':memory:')).toEqual([1]);
    const more = [...steps, { version: 2, name: 'two', sql: 'CREATE TABLE two (x)' }];
    expect(migrate(db, more, ':memory:')).toEqual([2]);
    expect(schemaVersion(db)).toBe(2);
    db.close();
  });
});
