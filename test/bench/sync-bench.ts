/**
 * Sync benchmark: `tsx test/bench/sync-bench.ts` (npm run bench, after the cache benchmark).
 *
 * The sandbox LMS runs as its own process (`roster sandbox`), as a real server would, so its work does not share an
 * event loop with the client being measured.
 *   push — 5,000 mixed edits (updates, removes, enrolls) across 100 sections of the 100,000-enrollment district, with
 *          50 ms added latency and the sandbox's default rate limit (50 requests per 5 s per key). Figures: write
 *          requests used vs the bound ceil(U/50) + ceil(D/50) (target: equal), and wall time vs the rate-limit bound,
 *          the time the server's limit alone needs for every request the sync made: with a sliding window of 50 per
 *          5 s, request k (from 0) cannot start before floor(k / 50) × 5 s (target ≤ 1.2×).
 *   pull — the whole district (4,000 realms, 100,000 enrollments) into a fresh cache, vs the same pages fetched and
 *          parsed by the same client with no cache work (target ≤ 1.3×). No latency and no rate limit here: both would
 *          only add the same waiting to both sides and hide the cache's cost.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCache, type Cache } from '../../electron/db/cache';
import { realmIdOf } from '../../electron/db/realms-repo';
import { SchoologyClient } from '../../electron/lms/schoology/schoology-client';
import { SchoologyProvider } from '../../electron/lms/schoology/schoology-provider';
import { Transport } from '../../electron/lms/transport';
import { Outbox, type Edit } from '../../electron/sync/outbox';
import { SyncEngine } from '../../electron/sync/engine';
import { pullAccount } from '../../electron/sync/pull';

const ROOT = join(import.meta.dirname, '..', '..');
const ACCOUNT = 'bench';
const REALMS = 100;
const EDITS_PER_REALM = 50;
const RATE = { requests: 50, seconds: 5 };

const dir = mkdtempSync(join(tmpdir(), 'roster-sync-bench-'));
const children: ChildProcess[] = [];

interface RunningSandbox {
  url: string;
  key: string;
  secret: string;
}

async function sandbox(...args: string[]): Promise<RunningSandbox> {
  const child = spawn(process.execPath, [join(ROOT, 'electron', 'cli', 'roster-bin.js'), 'sandbox', '--seed', 'district', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const match = /listening on (\S+) consumer_key=(\S+) consumer_secret=(\S+)/.exec(out);
      if (match) resolve({ url: match[1]!, key: match[2]!, secret: match[3]! });
    });
    child.once('exit', (code) => reject(new Error(`roster sandbox exited (${code}) before listening`)));
  });
}

/** The client as the app builds it; `unthrottled` drops its own rate limiter, for a server that has none. */
function providerFor(lms: RunningSandbox, unthrottled = false): SchoologyProvider {
  return new SchoologyProvider(
    new SchoologyClient({
      baseUrl: lms.url,
      credentials: { consumerKey: lms.key, consumerSecret: lms.secret },
      ...(unthrottled ? { transport: new Transport({ rateLimit: null }) } : {}),
    }),
  );
}

function freshCache(name: string, lms: RunningSandbox): Cache {
  const cache = openCache(join(dir, `${name}.sqlite`));
  cache.accounts.save({ id: ACCOUNT, name: 'Bench district', provider: 'schoology', baseUrl: lms.url });
  return cache;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const verdict = (ok: boolean) => (ok ? 'OK' : 'MISSED');

/** 50 edits per section: 15 status changes, up to 10 removes, and enrolls of people from other sections for the rest. */
function mixedEdits(cache: Cache, keys: string[], strangers: string[]): Edit[] {
  const edits: Edit[] = [];
  let next = 0;
  for (const key of keys) {
    const realmId = realmIdOf(ACCOUNT, key);
    const members = cache.enrollments.listByRealm(realmId).filter((e) => e.role === 'student');
    const present = new Set(members.map((e) => e.userId));
    members.slice(0, 15).forEach((e) => edits.push({ kind: 'update', realmId, enrollmentId: e.enrollmentId, fields: { status: e.status === 'active' ? 'completed' : 'active' } }));
    members.slice(15, 25).forEach((e) => edits.push({ kind: 'remove', realmId, enrollmentId: e.enrollmentId }));
    let added = 0;
    const changed = Math.min(members.length, 25);
    while (added < EDITS_PER_REALM - changed) {
      const uid = strangers[next++ % strangers.length]!;
      if (present.has(uid)) continue;
      present.add(uid);
      edits.push({ kind: 'enroll', realmId, userId: uid, fields: { role: 'student', status: 'active' } });
      added++;
    }
  }
  return edits;
}

async function benchPush(): Promise<boolean> {
  const lms = await sandbox('--faults', 'latency=50', '--rate-limit', `${RATE.requests}/${RATE.seconds}`);
  const provider = providerFor(lms);
  const cache = freshCache('push', lms);
  const realms = (await provider.listRealms()).filter((realm) => realm.kind === 'section');
  const keys = realms.slice(0, REALMS).map((realm) => realm.key);
  // Setup, not measured: the sections being edited, and a few more whose people get enrolled elsewhere.
  await pullAccount(cache, ACCOUNT, provider, { realmKeys: [...keys, ...realms.slice(REALMS, REALMS + 60).map((r) => r.key)] });
  const strangers = realms
    .slice(REALMS, REALMS + 60)
    .flatMap((realm) => cache.enrollments.listByRealm(realmIdOf(ACCOUNT, realm.key)))
    .filter((e) => e.role === 'student')
    .map((e) => e.userId);
  const outbox = new Outbox(cache);
  const edits = mixedEdits(cache, keys, strangers);
  outbox.apply(edits);
  const queued = outbox.sendable(ACCOUNT);
  const upserts = queued.filter((op) => op.kind === 'enroll' || op.kind === 'update').length;
  const removes = queued.filter((op) => op.kind === 'remove').length;
  const bound = Math.ceil(upserts / 50) + Math.ceil(removes / 50);

  // Let the setup's requests leave the server's 5 s window, so the sync starts with the budget a fresh client has.
  await new Promise((resolve) => setTimeout(resolve, RATE.seconds * 1000));
  const engine = new SyncEngine({ cache, outbox, provider: async () => provider });
  const started = performance.now();
  const report = await engine.sync(ACCOUNT);
  const wall = performance.now() - started;
  const requests = report.requests.reads + report.requests.writes;
  // A sliding window of 50 per 5 s lets request k (from 0) start no earlier than floor(k / 50) windows in.
  const rateBound = Math.floor((requests - 1) / RATE.requests) * RATE.seconds * 1000;
  const left = outbox.sendable(ACCOUNT).length;
  cache.close();

  const writesOk = report.requests.writes === bound && report.outcome === 'ok' && left === 0;
  const wallOk = wall <= 1.2 * rateBound;
  console.log(`push: ${edits.length.toLocaleString('en')} edits → ${upserts} upserts + ${removes} removes across ${keys.length} sections (50 ms latency, ${RATE.requests} req / ${RATE.seconds} s)`);
  console.log(`  outcome ${report.outcome}; applied ${report.applied}, left in the outbox ${left}`);
  console.log(`  write requests ${report.requests.writes} vs bound ceil(U/50)+ceil(D/50) = ${bound}  ${verdict(writesOk)}`);
  console.log(`  all requests ${requests} (${report.requests.reads} reads: pre-push check and refresh of every touched section)`);
  console.log(`  wall ${seconds(wall)} vs rate-limit bound ${seconds(rateBound)} = ${(wall / rateBound).toFixed(2)}×  (target ≤ 1.2×)  ${verdict(wallOk)}`);
  return writesOk && wallOk;
}

async function benchPull(): Promise<boolean> {
  const lms = await sandbox('--rate-limit', '0');
  const provider = providerFor(lms, true);

  const bareStart = performance.now();
  const realms = await provider.listRealms();
  let bareRows = 0;
  const queue = realms.map((realm) => realm.key);
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let key = queue.shift(); key !== undefined; key = queue.shift()) {
        for await (const page of provider.pullRealm(key)) bareRows += page.length;
      }
    }),
  );
  const bare = performance.now() - bareStart;

  const cache = freshCache('pull', lms);
  const pullStart = performance.now();
  const summary = await pullAccount(cache, ACCOUNT, provider);
  const pulled = performance.now() - pullStart;
  cache.close();

  const ok = pulled <= 1.3 * bare && summary.enrollments === bareRows;
  console.log(`pull: ${summary.realms.toLocaleString('en')} realms, ${summary.enrollments.toLocaleString('en')} enrollments into a fresh cache`);
  console.log(`  ${seconds(pulled)} vs the same pages fetched and parsed with no cache work ${seconds(bare)} = ${(pulled / bare).toFixed(2)}×  (target ≤ 1.3×)  ${verdict(ok)}`);
  return ok;
}

try {
  const push = await benchPush();
  const pull = await benchPull();
  console.log(push && pull ? 'sync bench: all targets met' : 'sync bench: some targets missed');
} finally {
  for (const child of children) child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
