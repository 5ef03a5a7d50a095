import Database from 'better-sqlite3';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enrollmentFromSchoology } from '../../../shared/domain/schoology-mapping';
import { openCache } from '../../../electron/db/cache';
import { fileTimestamp, openDatabase } from '../../../electron/db/open-database';

let dir: string;
let file: string;
const NOW = new Date('2026-11-25T20:41:00.456Z');
const STAMP = '2026-11-25T20-41-00Z';
const now = () => NOW;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'roster-corrupt-'));
  file = join(dir, 'cache.sqlite');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A real cache with a 600-enrollment roster (many pages) and two queued edits; closed, so all of it is in the file. */
function writeCacheWithOutbox(): string[] {
  const cache = openCache(file);
  cache.accounts.save({ id: 'acme', name: 'Acme', provider: 'schoology', baseUrl: 'https://api.schoology.com/v1' });
  const realmId = cache.realms.save({
    key: 'sections/1', accountId: 'acme', provider: 'schoology', kind: 'section', remoteId: '1', title: 'Period 1',
    courseTitle: '', courseCode: '', courseSisId: '', sectionCode: '', sectionSchoolCode: '', gradingPeriods: [], pulledAt: null,
  });
  const roster = Array.from({ length: 600 }, (_, i) =>
    enrollmentFromSchoology(
      { id: String(1000 + i), uid: String(5000 + i), name_first: 'Ann', name_last: `Lee ${'x'.repeat(200)}${i}`, admin: 0, status: 1 },
      'sections/1',
    ),
  );
  cache.enrollments.replaceRealmSnapshot(realmId, roster);
  const ops = [
    cache.outbox.enqueue({ accountId: 'acme', realmId, kind: 'remove', enrollmentId: '1000' }),
    cache.outbox.enqueue({ accountId: 'acme', realmId, kind: 'update', enrollmentId: '1001', fields: { role: 'teacher' }, base: { role: 'student' } }),
  ];
  cache.close();
  return ops.map((op) => op.id);
}

/** Pages of the enrollments table: damaging them leaves the outbox readable. */
function enrollmentPages(): number[] {
  const db = new Database(file, { readonly: true });
  const pages = db.prepare(`SELECT pageno FROM dbstat WHERE name = 'enrollments' AND pagetype = 'leaf' ORDER BY pageno`).pluck().all() as number[];
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.close();
  return pages.map((page) => (page - 1) * pageSize);
}

function overwrite(offset: number, bytes: Buffer): void {
  const fd = openSync(file, 'r+');
  writeSync(fd, bytes, 0, bytes.length, offset);
  closeSync(fd);
}

describe('a damaged cache file', () => {
  it('made of garbage is moved aside with a timestamp and replaced by an empty cache', () => {
    writeFileSync(file, Buffer.alloc(64 * 1024, 0x5a));
    const { db, notice } = openDatabase(file, { now });
    expect(existsSync(`${file}.corrupt-${STAMP}`)).toBe(true);
    expect(readFileSync(`${file}.corrupt-${STAMP}`).equals(Buffer.alloc(64 * 1024, 0x5a))).toBe(true);
    expect(db.prepare('SELECT count(*) FROM enrollments').pluck().get()).toBe(0);
    expect(notice).toMatch(/damaged/);
    expect(notice).toContain(`cache.sqlite.corrupt-${STAMP}`);
    expect(notice).toMatch(/empty cache/);
    db.close();
  });

  it('says when no queued edit could be read from it', () => {
    writeFileSync(file, Buffer.alloc(8192, 0x5a));
    const { db, notice } = openDatabase(file, { now });
    expect(notice).toMatch(/could not be read/);
    expect(readdirSync(dir).filter((f) => f.startsWith('outbox-rescued'))).toEqual([]);
    db.close();
  });

  it('with a damaged page is detected at open and moved aside', () => {
    writeCacheWithOutbox();
    const pages = enrollmentPages();
    overwrite(pages[Math.floor(pages.length / 2)]!, Buffer.alloc(4096, 0xff));
    const { db, notice } = openDatabase(file, { now });
    expect(notice).toMatch(/damaged/);
    expect(existsSync(`${file}.corrupt-${STAMP}`)).toBe(true);
    expect(db.prepare('SELECT count(*) FROM outbox').pluck().get()).toBe(0);
    db.close();
  });

  it('cut short (truncated pages) is detected at open and moved aside', () => {
    writeCacheWithOutbox();
    truncateSync(file, statSync(file).size - 3 * 4096);
    const { db, notice } = openDatabase(file, { now });
    expect(notice).toMatch(/damaged/);
    expect(existsSync(`${file}.corrupt-${STAMP}`)).toBe(true);
    db.close();
  });

  it('whose index disagrees with its table (found by integrity_check, not quick_check) is moved aside', () => {
    const opIds = writeCacheWithOutbox();
    // Same-length edit of the index's definition in the stored schema: every page stays well-formed, but the index
    // entries no longer match what the definition says they hold. Only integrity_check compares the two.
    const bytes = readFileSync(file);
    const from = Buffer.from('outbox_by_realm ON outbox (realm_id, enrollment_id)');
    const to = Buffer.from('outbox_by_realm ON outbox (enrollment_id, realm_id)');
    let edits = 0;
    for (let at = bytes.indexOf(from); at >= 0; at = bytes.indexOf(from, at + 1), edits++) to.copy(bytes, at);
    expect(edits).toBeGreaterThan(0);
    writeFileSync(file, bytes);
    const check = new Database(file, { readonly: true });
    expect(check.pragma('quick_check', { simple: true })).toBe('ok');
    check.close();

    const { db, notice } = openDatabase(file, { now });
    expect(notice).toMatch(/damaged \(row \d+ missing from index outbox_by_realm/);
    expect(existsSync(`${file}.corrupt-${STAMP}`)).toBe(true);
    const rescued = JSON.parse(readFileSync(join(dir, `outbox-rescued-${STAMP}.json`), 'utf8')) as { ops: Array<{ id: string }> };
    expect(rescued.ops.map((op) => op.id)).toEqual(opIds);
    db.close();
  });

  it('has its readable outbox rows rescued to a JSON file named in the notice', () => {
    const opIds = writeCacheWithOutbox();
    for (const offset of enrollmentPages().slice(2, 6)) overwrite(offset, Buffer.alloc(4096, 0xff));
    const { db, notice } = openDatabase(file, { now });
    const rescued = join(dir, `outbox-rescued-${STAMP}.json`);
    expect(existsSync(rescued)).toBe(true);
    const content = JSON.parse(readFileSync(rescued, 'utf8')) as { ops: Array<{ id: string; kind: string; fields: string }> };
    expect(content.ops.map((op) => op.id)).toEqual(opIds);
    expect(content.ops[1]).toMatchObject({ kind: 'update', fields: '{"role":"teacher"}' });
    expect(notice).toContain(rescued);
    expect(notice).toMatch(/2 unsynced edit/);
    db.close();
  });

  it('is moved aside together with its -wal and -shm files', () => {
    writeFileSync(file, Buffer.alloc(8192, 0x5a));
    writeFileSync(`${file}-wal`, 'wal');
    writeFileSync(`${file}-shm`, 'shm');
    const { db } = openDatabase(file, { now });
    expect(readFileSync(`${file}.corrupt-${STAMP}-wal`, 'utf8')).toBe('wal');
    // The -shm is only an index SQLite rebuilds; it is moved so nothing of the damaged file is left beside the new one.
    expect(existsSync(`${file}.corrupt-${STAMP}-shm`)).toBe(true);
    db.close();
  });

  it('is reported through openCache as the cache notice', () => {
    writeFileSync(file, Buffer.alloc(8192, 0x5a));
    const cache = openCache(file, { now });
    expect(cache.notice).toMatch(/moved aside/);
    expect(cache.accounts.list()).toEqual([]);
    cache.close();
  });
});

describe('a healthy cache file', () => {
  it('opens without a notice and keeps its outbox', () => {
    const opIds = writeCacheWithOutbox();
    const cache = openCache(file, { now });
    expect(cache.notice).toBeNull();
    expect(cache.outbox.listByAccount('acme').map((op) => op.id)).toEqual(opIds);
    cache.close();
  });
});

describe('fileTimestamp', () => {
  it('is an ISO time without milliseconds or colons', () => {
    expect(fileTimestamp(NOW)).toBe(STAMP);
  });
});
