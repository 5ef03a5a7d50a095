import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CacheFromNewerVersionError, openDatabase } from '../../../electron/db/open-database';
import { migrate, schemaVersion, type Migration } from '../../../electron/db/migrate';
import { LATEST_SCHEMA_VERSION } from '../../../electron/db/migrations/index';
import { initialMigration } from '../../../electron/db/migrations/001-initial';
import { outboxOutlivesRealmsMigration } from '../../../electron/db/migrations/002-outbox-outlives-realms';
import { searchKeyMigration } from '../../../electron/db/migrations/003-search-key';
import { RealmsRepo } from '../../../electron/db/realms-repo';
import { searchKeyOf } from '../../../electron/db/enrollments-repo';

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

  it('runs a migration’s data step in the same transaction, so a failing one leaves the previous version', () => {
    const db = new Database(':memory:');
    const steps: Migration[] = [
      { version: 1, name: 'one', sql: 'CREATE TABLE one (x)' },
      {
        version: 2,
        name: 'two',
        sql: 'CREATE TABLE two (x)',
        up: (d) => {
          d.prepare('INSERT INTO two VALUES (1)').run();
          throw new Error('the data step broke');
        },
      },
    ];
    expect(() => migrate(db, steps, ':memory:')).toThrow(/Cache migration 2 \(two\) failed: the data step broke/);
    expect(schemaVersion(db)).toBe(0);
    expect(db.prepare(`SELECT count(*) FROM sqlite_schema WHERE name IN ('one', 'two')`).pluck().get()).toBe(0);
    db.close();
  });

  it('runs a migration’s data step after its SQL', () => {
    const db = new Database(':memory:');
    const steps: Migration[] = [
      { version: 1, name: 'one', sql: 'CREATE TABLE one (x)', up: (d) => d.prepare('INSERT INTO one VALUES (42)').run() },
    ];
    migrate(db, steps, ':memory:');
    expect(db.prepare('SELECT x FROM one').pluck().all()).toEqual([42]);
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

describe('migration 2 (outbox outlives realms)', () => {
  /** A cache as version 1 of the app left it: an account, a realm with one enrollment, three queued edits, a conflict. */
  function writeVersion1Cache(): void {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    migrate(db, [initialMigration], file);
    db.exec(`
      INSERT INTO accounts (id, name, provider, base_url, created_at) VALUES ('acme', 'Acme', 'schoology', 'https://x/v1', 't0');
      INSERT INTO realms (id, account_id, key, provider, kind, remote_id, title)
        VALUES ('acme/sections/1', 'acme', 'sections/1', 'schoology', 'section', '1', 'Period 1');
      INSERT INTO enrollments (realm_no, enrollment_id, user_id, school_uid, name_first, name_first_preferred, name_last,
        display_name, sortable_name, sort_key, picture_url, role, status, source)
        VALUES (1, '10', '100', 's100', 'Ann', '', 'Lee', 'Ann Lee', 'Lee, Ann', 'lee, ann', '', 'student', 'active', '{}');
      INSERT INTO outbox (id, seq, account_id, realm_id, kind, enrollment_id, user_id, fields, base, state, error, attempts, created_at, updated_at) VALUES
        ('op-1', 1, 'acme', 'acme/sections/1', 'update', '10', NULL, '{"status":"inactive"}', '{"status":"active"}', 'queued', NULL, 0, 't1', 't1'),
        ('op-2', 2, 'acme', 'acme/sections/1', 'enroll', NULL, '200', '{"role":"student","status":"active"}', NULL, 'conflict', 'x', 1, 't2', 't2'),
        ('op-3', 3, 'acme', 'acme/sections/1', 'remove', '99', NULL, '{}', NULL, 'rejected', '403', 1, 't3', 't3');
      INSERT INTO conflicts (op_id, field, mine, theirs, detected_at) VALUES ('op-2', 'role', 'student', 'teacher', 't4');
      UPDATE counters SET value = 3 WHERE name = 'outbox_seq';
    `);
    db.close();
  }

  it('upgrades a version-1 cache keeping its queued ops, their conflicts and the op sequence', () => {
    writeVersion1Cache();
    const { db } = openDatabase(file);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(db.prepare('SELECT id, seq, kind, realm_id, enrollment_id, user_id, fields, base, state, error, attempts FROM outbox ORDER BY seq').all()).toEqual([
      { id: 'op-1', seq: 1, kind: 'update', realm_id: 'acme/sections/1', enrollment_id: '10', user_id: '100', fields: '{"status":"inactive"}', base: '{"status":"active"}', state: 'queued', error: null, attempts: 0 },
      { id: 'op-2', seq: 2, kind: 'enroll', realm_id: 'acme/sections/1', enrollment_id: null, user_id: '200', fields: '{"role":"student","status":"active"}', base: null, state: 'conflict', error: 'x', attempts: 1 },
      // Its enrollment is not cached, so there is no person to fill in.
      { id: 'op-3', seq: 3, kind: 'remove', realm_id: 'acme/sections/1', enrollment_id: '99', user_id: null, fields: '{}', base: null, state: 'rejected', error: '403', attempts: 1 },
    ]);
    expect(db.prepare('SELECT op_id, field, mine, theirs FROM conflicts').all()).toEqual([{ op_id: 'op-2', field: 'role', mine: 'student', theirs: 'teacher' }]);
    expect(db.prepare(`SELECT value FROM counters WHERE name = 'outbox_seq'`).pluck().get()).toBe(3);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });

  it('keeps the outbox indexes and adds the per-person one', () => {
    writeVersion1Cache();
    const { db } = openDatabase(file);
    const indexes = db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('outbox', 'conflicts') ORDER BY name`).pluck().all();
    expect(indexes).toEqual(['conflicts_by_op', 'outbox_by_account', 'outbox_by_realm', 'outbox_by_target']);
    db.close();
  });

  it('lets an op name no realm, and lets a realm go without its ops', () => {
    writeVersion1Cache();
    const { db } = openDatabase(file);
    db.prepare(`INSERT INTO outbox (id, seq, account_id, realm_id, kind, fields, created_at, updated_at) VALUES ('op-4', 4, 'acme', NULL, 'access_code', '{}', 't', 't')`).run();
    db.prepare(`DELETE FROM realms`).run();
    expect(db.prepare('SELECT count(*) FROM outbox').pluck().get()).toBe(4);
    db.close();
  });

  it('still drops an account’s ops and their conflicts with the account', () => {
    writeVersion1Cache();
    const { db } = openDatabase(file);
    db.prepare(`DELETE FROM accounts`).run();
    expect(db.prepare('SELECT count(*) FROM outbox').pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM conflicts').pluck().get()).toBe(0);
    db.close();
  });

  it('accepts enrollment conflicts', () => {
    writeVersion1Cache();
    const { db } = openDatabase(file);
    db.prepare(`INSERT INTO conflicts (op_id, field, mine, theirs, detected_at) VALUES ('op-1', 'enrollment', '10', NULL, 't')`).run();
    expect(() => db.prepare(`INSERT INTO conflicts (op_id, field, detected_at) VALUES ('op-1', 'grade', 't')`).run()).toThrow(/CHECK/);
    db.close();
  });

  it('adds the sync lock table, holding at most one row', () => {
    writeVersion1Cache();
    const { db } = openDatabase(file);
    const insert = db.prepare(`INSERT INTO sync_lock (owner, pid, host, acquired_at, expires_at) VALUES ('cli', 42, 'host', 't', 't')`);
    insert.run();
    expect(() => insert.run()).toThrow(/CHECK/);
    db.close();
  });
});


describe('migration 3 (search keys)', () => {
  /** A cache as version 2 of the app left it: an account, a realm with two enrollments, one person in `people`. */
  function writeVersion2Cache(): void {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    migrate(db, [initialMigration, outboxOutlivesRealmsMigration], file);
    db.exec(`
      INSERT INTO accounts (id, name, provider, base_url, created_at) VALUES ('acme', 'Acme', 'schoology', 'https://x/v1', 't0');
      INSERT INTO realms (id, account_id, key, provider, kind, remote_id, title)
        VALUES ('acme/sections/1', 'acme', 'sections/1', 'schoology', 'section', '1', 'Period 1');
      INSERT INTO enrollments (realm_no, enrollment_id, user_id, school_uid, name_first, name_first_preferred, name_last,
        display_name, sortable_name, sort_key, picture_url, role, status, source) VALUES
        (1, '10', '100', 'S100', 'Ann', '', 'Lee', 'Ann Lee', 'Lee, Ann', 'lee, ann', 'p10', 'student', 'active', '{"id":"10"}'),
        (1, '11', '101', 'S101', 'José', 'Pepe', 'Álvarez', 'José Álvarez', 'Álvarez, José', 'alvarez, jose', '', 'teacher', 'inactive', '{"id":"11"}');
      INSERT INTO people (account_id, user_id, school_uid, name_title, name_first, name_first_preferred, name_middle,
        name_last, display_name, sortable_name, sort_key, picture_url)
        VALUES ('acme', '200', 'S200', 'Dr.', 'Émile', '', 'M', 'Zola', 'Émile Zola', 'Zola, Émile', 'zola, emile', '');
      INSERT INTO outbox (id, seq, account_id, realm_id, kind, enrollment_id, user_id, fields, created_at, updated_at)
        VALUES ('op-1', 1, 'acme', 'acme/sections/1', 'enroll', NULL, '200', '{"role":"student","status":"active"}', 't', 't');
    `);
    db.close();
  }

  it('keeps every enrollment and person, column for column', () => {
    writeVersion2Cache();
    const { db } = openDatabase(file);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(db.prepare('SELECT realm_no, enrollment_id, user_id, school_uid, name_first, name_first_preferred, name_last, display_name, sortable_name, sort_key, picture_url, role, status, source FROM enrollments ORDER BY enrollment_id').all()).toEqual([
      { realm_no: 1, enrollment_id: '10', user_id: '100', school_uid: 'S100', name_first: 'Ann', name_first_preferred: '', name_last: 'Lee', display_name: 'Ann Lee', sortable_name: 'Lee, Ann', sort_key: 'lee, ann', picture_url: 'p10', role: 'student', status: 'active', source: '{"id":"10"}' },
      { realm_no: 1, enrollment_id: '11', user_id: '101', school_uid: 'S101', name_first: 'José', name_first_preferred: 'Pepe', name_last: 'Álvarez', display_name: 'José Álvarez', sortable_name: 'Álvarez, José', sort_key: 'alvarez, jose', picture_url: '', role: 'teacher', status: 'inactive', source: '{"id":"11"}' },
    ]);
    expect(db.prepare('SELECT user_id, name_title, name_middle, display_name FROM people').all()).toEqual([{ user_id: '200', name_title: 'Dr.', name_middle: 'M', display_name: 'Émile Zola' }]);
    expect(db.prepare('SELECT count(*) FROM outbox').pluck().get()).toBe(1);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });

  it('gives old rows the search keys new rows get', () => {
    writeVersion2Cache();
    const { db } = openDatabase(file);
    expect(db.prepare(`SELECT search_key FROM enrollments WHERE enrollment_id = '11'`).pluck().get()).toBe(
      searchKeyOf({ display: 'José Álvarez', sortable: 'Álvarez, José', first: 'José', firstPreferred: 'Pepe', last: 'Álvarez', schoolUid: 'S101' }),
    );
    expect(db.prepare(`SELECT search_key FROM people`).pluck().get()).toBe(
      searchKeyOf({ display: 'Émile Zola', sortable: 'Zola, Émile', first: 'Émile', firstPreferred: '', last: 'Zola', schoolUid: 'S200' }),
    );
    db.close();
  });

  it('keeps the raw LMS record the last column of an enrollment', () => {
    writeVersion2Cache();
    const { db } = openDatabase(file);
    const columns = db.prepare(`SELECT name FROM pragma_table_info('enrollments') ORDER BY cid`).pluck().all();
    expect(columns.at(-1)).toBe('source');
    expect(columns).toContain('search_key');
    db.close();
  });

  it('still drops a realm’s enrollments with the realm', () => {
    writeVersion2Cache();
    const { db } = openDatabase(file);
    db.prepare('DELETE FROM realms').run();
    expect(db.prepare('SELECT count(*) FROM enrollments').pluck().get()).toBe(0);
    db.close();
  });
});

describe('migration 4 (course SIS id)', () => {
  /** A cache as version 3 of the app left it: a Canvas course and one of its sections, one enrollment, one queued edit. */
  function writeVersion3Cache(): void {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    migrate(db, [initialMigration, outboxOutlivesRealmsMigration, searchKeyMigration], file);
    db.exec(`
      INSERT INTO accounts (id, name, provider, base_url, created_at) VALUES ('school', 'School', 'canvas', 'https://x/api/v1', 't0');
      INSERT INTO realms (id, account_id, key, provider, kind, remote_id, title, course_title, course_code, section_school_code, pulled_at) VALUES
        ('school/courses/101', 'school', 'courses/101', 'canvas', 'course', '101', 'Algebra I', 'Algebra I', 'ALG1', '', 't1'),
        ('school/sections/201', 'school', 'sections/201', 'canvas', 'section', '201', 'Algebra I P3', 'Algebra I', 'ALG1', 'ALG1-P3-2026', 't1');
      INSERT INTO enrollments (realm_no, enrollment_id, user_id, school_uid, name_first, name_first_preferred, name_last,
        display_name, sortable_name, sort_key, search_key, picture_url, role, status, source)
        VALUES (1, '1001', '101', 'S101', 'Ann', '', 'Lee', 'Ann Lee', 'Lee, Ann', 'lee, ann', 'ann lee', '', 'student', 'active', '{}');
      INSERT INTO outbox (id, seq, account_id, realm_id, kind, enrollment_id, user_id, fields, created_at, updated_at)
        VALUES ('op-1', 1, 'school', 'school/courses/101', 'update', '1001', '101', '{"status":"inactive"}', 't', 't');
    `);
    db.close();
  }

  it('gives every cached realm an empty course SIS id and keeps the rest of the realm, its roster and its edits', () => {
    writeVersion3Cache();
    const { db } = openDatabase(file);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(db.prepare('SELECT id, course_code, course_sis_id, section_school_code, pulled_at FROM realms ORDER BY id').all()).toEqual([
      { id: 'school/courses/101', course_code: 'ALG1', course_sis_id: '', section_school_code: '', pulled_at: 't1' },
      { id: 'school/sections/201', course_code: 'ALG1', course_sis_id: '', section_school_code: 'ALG1-P3-2026', pulled_at: 't1' },
    ]);
    expect(db.prepare('SELECT count(*) FROM enrollments').pluck().get()).toBe(1);
    expect(db.prepare('SELECT count(*) FROM outbox').pluck().get()).toBe(1);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });

  it('lets the next listing of the realms fill the course SIS id in, keeping the roster pulled before', () => {
    writeVersion3Cache();
    const { db } = openDatabase(file);
    const realms = new RealmsRepo(db);
    const course = realms.get('school/courses/101')!;
    expect(course.courseSisId).toBe('');
    realms.saveMany([{ ...course, courseSisId: 'ALG1-2026', pulledAt: null }]);
    expect(realms.get('school/courses/101')).toMatchObject({ courseSisId: 'ALG1-2026', courseCode: 'ALG1', pulledAt: 't1' });
    expect(db.prepare('SELECT count(*) FROM enrollments').pluck().get()).toBe(1);
    db.close();
  });
});
