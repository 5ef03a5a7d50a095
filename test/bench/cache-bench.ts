/**
 * Offline-cache benchmark: `tsx test/bench/cache-bench.ts` (npm run bench).
 *
 * Each figure is printed beside a bare baseline measured in the same run on the same machine, so the ratios hold on a
 * slow laptop as on a fast one:
 *   ingest  — snapshot ingest vs plain prepared inserts of the same rows (JSON.stringify of the record included; the
 *             derived sort and search keys as plain lower-casing, so the bare row has every column the cache's has) into
 *             one index-free table in another fresh file with the same pragmas and the same transactions. Measured
 *             twice: committing 100 realms per transaction (replaceRealmSnapshots, how a district pull should commit;
 *             the target, ≥ 0.7×) and one realm per transaction (replaceRealmSnapshot; reported for reference: with
 *             synchronous=FULL each commit waits for the disk, and a snapshot commit writes more pages than the bare
 *             table's, so that ratio measures fsyncs more than the ingest).
 *   query   — one 40-row roster page, filtered, sorted, outbox overlaid, varying realm/offset/sort over 1,000 queries
 *             vs a plain indexed SELECT of 40 rows. Target p95 ≤ 5 ms and ≤ 20× the bare p95.
 *   enqueue — queueing one enroll, which copies the person into `people` from a cached roster by scanning the
 *             account's enrollments (target < 50 ms: a user action, not a loop).
 *   open    — reopening the 100,000-enrollment cache, which runs PRAGMA integrity_check on it (no target; printed
 *             beside quick_check to show what the stricter check costs at start-up).
 * Ingest runs alternate bare and snapshot and keep each side's best: the machine is shared, and the best run is the
 * one least disturbed by neighbours.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RosterQueryParsed, type RosterSortColumn, ROSTER_SORT_COLUMNS } from '../../shared/api';
import { type Enrollment } from '../../shared/domain/enrollment';
import { type Role, type Status } from '../../shared/domain/roles';
import { openCache, type Cache } from '../../electron/db/cache';
import { realmIdOf } from '../../electron/db/realms-repo';
import { generateDistrict, type District } from './generate-district';

const INGEST_RUNS = 3;
const REALMS_PER_COMMIT = 100;
const QUERIES = 1000;
const PAGE = 40;

const dir = mkdtempSync(join(tmpdir(), 'roster-bench-'));
let fileNo = 0;
const freshFile = (name: string): string => join(dir, `${name}-${fileNo++}.sqlite`);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const verdict = (ok: boolean): string => (ok ? 'OK' : 'MISSED');
const rate = (rowsPerSecond: number): string => `${Math.round(rowsPerSecond).toLocaleString('en')} rows/s`;

type Snapshot = { realmId: string; enrollments: Enrollment[] };

function commitsOf(district: District, realmsPerCommit: number): Snapshot[][] {
  const all = [...district.rosters].map(([key, enrollments]) => ({ realmId: realmIdOf(district.account.id, key), enrollments }));
  const out: Snapshot[][] = [];
  for (let i = 0; i < all.length; i += realmsPerCommit) out.push(all.slice(i, i + realmsPerCommit));
  return out;
}

function bareIngest(district: District, commits: Snapshot[][]): number {
  const db = new Database(freshFile('bare-ingest'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.exec(`CREATE TABLE t (realm_id TEXT, enrollment_id TEXT, user_id TEXT, school_uid TEXT, name_first TEXT,
    name_first_preferred TEXT, name_last TEXT, display_name TEXT, sortable_name TEXT, sort_key TEXT, search_key TEXT,
    picture_url TEXT, role TEXT, status TEXT, source TEXT)`);
  const insert = db.prepare('INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const write = db.transaction((snapshots: Snapshot[]) => {
    for (const { realmId, enrollments } of snapshots) {
      for (const e of enrollments) {
        const n = e.name;
        insert.run(realmId, e.id, e.userId, e.schoolUid, n.first, n.firstPreferred, n.last, n.display, n.sortable,
          n.sortable.toLowerCase(), `${n.display}\n${e.schoolUid}`.toLowerCase(), e.pictureUrl, e.role, e.status, JSON.stringify(e.source.record));
      }
    }
  });
  const started = performance.now();
  for (const commit of commits) write(commit);
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return district.enrollmentCount / seconds;
}

function snapshotIngest(district: District, commits: Snapshot[][]): { rate: number; cache: Cache } {
  const cache = openCache(freshFile('cache'));
  cache.accounts.save(district.account);
  cache.realms.saveMany(district.realms);
  const started = performance.now();
  for (const commit of commits) {
    if (commit.length === 1) cache.enrollments.replaceRealmSnapshot(commit[0]!.realmId, commit[0]!.enrollments);
    else cache.enrollments.replaceRealmSnapshots(commit);
  }
  const seconds = (performance.now() - started) / 1000;
  return { rate: district.enrollmentCount / seconds, cache };
}

/** Best of INGEST_RUNS alternating runs per side; returns the cache of the last snapshot run for the queries. */
function compareIngest(district: District, realmsPerCommit: number): { bare: number; ingest: number; cache: Cache } {
  const commits = commitsOf(district, realmsPerCommit);
  let bare = 0;
  let ingest = 0;
  let cache: Cache | undefined;
  for (let run = 0; run < INGEST_RUNS; run++) {
    bare = Math.max(bare, bareIngest(district, commits));
    const result = snapshotIngest(district, commits);
    ingest = Math.max(ingest, result.rate);
    cache?.close();
    cache = result.cache;
  }
  return { bare, ingest, cache: cache! };
}

/** About 4,000 pending edits over half the realms: updates, removes and enrolls, some rejected. */
function queuePendingEdits(cache: Cache, district: District, realmIds: string[]): void {
  const accountId = district.account.id;
  const roles: Role[] = ['teacher', 'ta', 'student', 'observer'];
  const statuses: Status[] = ['active', 'inactive', 'completed'];
  cache.db.transaction(() => {
    realmIds.forEach((realmId, r) => {
      if (r % 2 !== 0) return;
      const roster = district.rosters.get(district.realms[r]!.key)!;
      for (let i = 0; i < 3; i++) {
        const e = roster[(r * 7 + i * 11) % roster.length]!;
        const op = cache.outbox.enqueue({
          accountId, realmId, kind: i === 2 ? 'remove' : 'update', enrollmentId: e.id,
          fields: i === 0 ? { role: roles[r % roles.length]! } : i === 1 ? { status: statuses[r % statuses.length]! } : {},
          base: { role: e.role, status: e.status },
        });
        if (r % 10 === 0 && i === 0) cache.outbox.setState(op.id, 'rejected', 'Schoology refused the change (403)');
      }
      // Enroll a student from another section, so the overlay names them from the people table.
      const other = district.rosters.get(district.realms[(r + 97) % realmIds.length]!.key)![5]!;
      cache.outbox.enqueue({ accountId, realmId, kind: 'enroll', userId: other.userId, fields: { role: 'student', status: 'active' } });
    });
  })();
}

function timeQueries(run: (i: number) => unknown): { median: number; p95: number } {
  for (let i = 0; i < 50; i++) run(i); // prepare the statements, warm the pages
  const times: number[] = [];
  for (let i = 0; i < QUERIES; i++) {
    const started = performance.now();
    run(i);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { median: percentile(times, 50), p95: percentile(times, 95) };
}

function main(): void {
  const benchStarted = performance.now();
  const district = generateDistrict();
  const realmIds = district.realms.map((realm) => realmIdOf(district.account.id, realm.key));
  console.log(`district: ${district.enrollmentCount.toLocaleString('en')} enrollments in ${realmIds.length} sections`);

  const perRealm = compareIngest(district, 1);
  perRealm.cache.close();
  const batched = compareIngest(district, REALMS_PER_COMMIT);
  const cache = batched.cache;
  const ingestRatio = batched.ingest / batched.bare;
  console.log(
    `ingest (${REALMS_PER_COMMIT} realms per commit): ${rate(batched.ingest)} vs bare ${rate(batched.bare)} ` +
      `= ${ingestRatio.toFixed(2)}× (target ≥ 0.70×) ${verdict(ingestRatio >= 0.7)}`,
  );
  console.log(
    `ingest (1 realm per commit, reference): ${rate(perRealm.ingest)} vs bare ${rate(perRealm.bare)} ` +
      `= ${(perRealm.ingest / perRealm.bare).toFixed(2)}× (fsync-bound, no target)`,
  );

  queuePendingEdits(cache, district, realmIds);
  const filters: Array<Pick<RosterQueryParsed, 'statuses' | 'roles' | 'search'>> = [
    { statuses: ['active', 'invited'] },
    { roles: ['student'] },
    { statuses: ['active'], roles: ['student', 'teacher'] },
    { search: 'an' },
  ];
  let rowsSeen = 0;
  const query = timeQueries((i) => {
    const start = (i * 7919) % realmIds.length;
    const count = i % 5 === 0 ? 4 : 1; // mostly one realm, every fifth query a handful
    const column: RosterSortColumn = ROSTER_SORT_COLUMNS[i % ROSTER_SORT_COLUMNS.length]!;
    const page = cache.roster.query({
      realmIds: Array.from({ length: count }, (_, k) => realmIds[(start + k * 37) % realmIds.length]!),
      ...filters[i % filters.length],
      sort: { column, direction: i % 2 === 0 ? 'asc' : 'desc' },
      offset: (i % 3) * 10,
      limit: PAGE,
    });
    rowsSeen += page.rows.length;
  });
  const realmNos = cache.db.prepare('SELECT no FROM realms ORDER BY no').pluck().all() as number[];
  const plain = cache.db.prepare(
    'SELECT enrollment_id, user_id, display_name, role, status FROM enrollments WHERE realm_no = ? LIMIT 40 OFFSET ?',
  );
  const bareQuery = timeQueries((i) => plain.all(realmNos[(i * 7919) % realmNos.length], (i % 3) * 10));
  const queryRatio = query.p95 / bareQuery.p95;
  console.log(
    `query p95: ${query.p95.toFixed(3)} ms (median ${query.median.toFixed(3)} ms, ${(rowsSeen / QUERIES).toFixed(1)} rows/page) ` +
      `vs bare p95 ${bareQuery.p95.toFixed(3)} ms (median ${bareQuery.median.toFixed(3)} ms) = ${queryRatio.toFixed(1)}× ` +
      `(target ≤ 5 ms and ≤ 20×) ${verdict(query.p95 <= 5 && queryRatio <= 20)}`,
  );

  // Queueing an enroll copies the person into `people` from a cached roster: a scan of the account's enrollments (no
  // user index, so ingest stays lean). Slow cases: the last realm's teacher (in no other roster), and a user no roster
  // holds (the whole account scanned).
  const lastRoster = district.rosters.get(district.realms.at(-1)!.key)!;
  const lastOnly = lastRoster.find((e) => e.role === 'teacher') ?? lastRoster[0]!;
  const enqueueMs = (userId: string): number => {
    const started = performance.now();
    cache.outbox.enqueue({ accountId: district.account.id, realmId: realmIds[0]!, kind: 'enroll', userId });
    return performance.now() - started;
  };
  const knownMs = enqueueMs(lastOnly.userId);
  const unknownMs = enqueueMs('no-such-user');
  console.log(
    `enroll enqueue with people copy: ${knownMs.toFixed(1)} ms (user from a cached roster), ${unknownMs.toFixed(1)} ms ` +
      `(user no roster holds: full scan) (target < 50 ms) ${verdict(Math.max(knownMs, unknownMs) < 50)}`,
  );

  cache.db.pragma('wal_checkpoint(TRUNCATE)');
  const size = statSync(cache.db.name).size / 1e6;
  console.log(`database size: ${size.toFixed(1)} MB for ${district.enrollmentCount.toLocaleString('en')} enrollments`);
  const file = cache.db.name;
  cache.close();
  // Start-up cost of the damage check (the file is in the OS cache here, as on a warm restart). quick_check, which the
  // open does not use, is timed beside it to show what the stricter check adds.
  let started = performance.now();
  const reopened = openCache(file);
  const openMs = performance.now() - started;
  if (reopened.notice !== null) throw new Error(`The bench cache was reported damaged: ${reopened.notice}`);
  reopened.close();
  const reader = new Database(file, { readonly: true });
  started = performance.now();
  reader.pragma('quick_check');
  const quickMs = performance.now() - started;
  reader.close();
  console.log(`open with integrity_check: ${openMs.toFixed(0)} ms (quick_check alone: ${quickMs.toFixed(0)} ms)`);
  rmSync(dir, { recursive: true, force: true });
  console.log(`bench time: ${((performance.now() - benchStarted) / 1000).toFixed(1)} s`);
}

main();
