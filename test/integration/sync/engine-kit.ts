/**
 * What the sync engine tests share: a real cache file in a temp dir, pulled from a sandbox LMS on 127.0.0.1 through
 * a fast-retrying transport, an outbox and an engine over them, and ways to read the server's side.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCache, type Cache } from '../../../electron/db/cache';
import type { CachedEnrollment } from '../../../electron/db/enrollments-repo';
import { realmIdOf } from '../../../electron/db/realms-repo';
import type { PushBatch } from '../../../electron/lms/provider';
import { SchoologyClient } from '../../../electron/lms/schoology/schoology-client';
import { SchoologyProvider } from '../../../electron/lms/schoology/schoology-provider';
import { Transport } from '../../../electron/lms/transport';
import { startSandbox, type Sandbox, type SandboxOptions, type SandboxRequestRecord } from '../../../electron/sandbox/sandbox-server';
import { SyncEngine, type SyncEngineOptions } from '../../../electron/sync/engine';
import { Outbox, type Edit } from '../../../electron/sync/outbox';
import { pullAccount } from '../../../electron/sync/pull';
import type { Status } from '../../../shared/domain';

export const ACCOUNT = 'school';
export const P3 = 'sections/3719526';
export const P5 = 'sections/4318461';
export const ROBOTICS = 'groups/65371';
export const HOWLETT = { uid: '48289', enrollmentId: '44783136' } as const;
export const OWNER_UID = '45552';

export interface Kit {
  dir: string;
  file: string;
  sandbox: Sandbox;
  cache: Cache;
  outbox: Outbox;
  provider: SchoologyProvider;
  engine: SyncEngine;
  realmId(key: string): string;
  /** Another engine (and cache connection) on the same data dir, as a second process would have. */
  secondEngine(options?: Partial<SyncEngineOptions>): { cache: Cache; outbox: Outbox; engine: SyncEngine };
  providerWith(consumerSecret: string): SchoologyProvider;
  close(): Promise<void>;
}

export function clientFor(sandbox: Sandbox, consumerSecret = sandbox.consumerSecret): SchoologyClient {
  return new SchoologyClient({
    baseUrl: sandbox.url,
    credentials: { consumerKey: sandbox.consumerKey, consumerSecret },
    transport: new Transport({ baseDelayMs: 2, maxDelayMs: 50 }),
  });
}

export function providerFor(sandbox: Sandbox, consumerSecret = sandbox.consumerSecret): SchoologyProvider {
  return new SchoologyProvider(clientFor(sandbox, consumerSecret));
}

/** A real provider that runs `beforePush` (with the batch number, from 1) right before each batch goes out. */
export function providerBeforePush(sandbox: Sandbox, beforePush: (batch: PushBatch, n: number) => void): SchoologyProvider {
  let n = 0;
  return new (class extends SchoologyProvider {
    override pushBatch(batch: PushBatch, signal?: AbortSignal) {
      beforePush(batch, ++n);
      return super.pushBatch(batch, signal);
    }
  })(clientFor(sandbox));
}

/** A pulled cache of the small seed (plus `extraUsers` people nobody has enrolled yet: uids 900000…). */
export async function startKit(options: { sandbox?: SandboxOptions; extraUsers?: number } = {}): Promise<Kit> {
  const dir = mkdtempSync(join(tmpdir(), 'roster-engine-'));
  const file = join(dir, 'cache.sqlite');
  const sandbox = await startSandbox({ rateLimit: null, ...options.sandbox });
  addPeople(sandbox, options.extraUsers ?? 0);
  const cache = openCache(file);
  cache.accounts.save({ id: ACCOUNT, name: 'Sandbox', provider: 'schoology', baseUrl: sandbox.url });
  const provider = providerFor(sandbox);
  await pullAccount(cache, ACCOUNT, provider);
  const outbox = new Outbox(cache);
  const engine = new SyncEngine({ cache, outbox, provider: async () => provider });
  const others: Cache[] = [];
  return {
    dir,
    file,
    sandbox,
    cache,
    outbox,
    provider,
    engine,
    realmId: (key) => realmIdOf(ACCOUNT, key),
    secondEngine: (engineOptions = {}) => {
      const other = openCache(file);
      others.push(other);
      const otherOutbox = new Outbox(other);
      return { cache: other, outbox: otherOutbox, engine: new SyncEngine({ cache: other, outbox: otherOutbox, provider: async () => provider, ...engineOptions }) };
    },
    providerWith: (secret) => providerFor(sandbox, secret),
    close: async () => {
      for (const other of others) other.close();
      cache.close();
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The pid of a process that has just exited: nothing runs under it (a SIGKILLed sync's, say). */
export function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

export function extraUid(i: number): string {
  return String(900000 + i);
}

function addPeople(sandbox: Sandbox, count: number): void {
  const template = sandbox.store.getUser(HOWLETT.uid)!;
  for (let i = 0; i < count; i++) {
    sandbox.store.addUser({ ...template, uid: extraUid(i), school_uid: `x${i}`, name_first: 'Extra', name_last: `Student ${i}`, name_display: `Extra Student ${i}` });
  }
}

/** Every realm key of the seed. */
export function realmKeys(sandbox: Sandbox): string[] {
  return [...sandbox.store.listSections().map((s) => `sections/${s.id}`), ...sandbox.store.listGroups().map((g) => `groups/${g.id}`)];
}

/** The server's roster of a realm as "uid:admin:status", sorted. */
export function serverRoster(sandbox: Sandbox, key: string): string[] {
  return sandbox.store
    .enrollmentsIn(key)
    .map((e) => `${e.uid}:${e.admin}:${e.status}`)
    .sort();
}

/** Realms where some person holds more than one enrollment (what a retried plain create leaves behind). */
export function duplicates(sandbox: Sandbox): string[] {
  const found: string[] = [];
  for (const key of realmKeys(sandbox)) {
    const uids = sandbox.store.enrollmentsIn(key).map((e) => e.uid);
    for (const uid of new Set(uids)) if (uids.filter((u) => u === uid).length > 1) found.push(`${key}:${uid}`);
  }
  return found;
}

/** The write requests (anything but GET) among `records`, as "METHOD path?query". */
export function writes(records: readonly SandboxRequestRecord[]): string[] {
  return records
    .filter((r) => r.method !== 'GET')
    .map((r) => {
      const query = new URLSearchParams(r.query).toString();
      return `${r.method} ${r.path}${query ? `?${query}` : ''}`;
    });
}

/** The requests the sandbox saw from `from` on (an index into sandbox.requests taken before). */
export function requestsSince(sandbox: Sandbox, from: number): SandboxRequestRecord[] {
  return sandbox.requests.slice(from);
}

export const SCHOOLOGY_STATUS: Record<string, number> = { active: 1, completed: 2, invited: 3, requested: 4, inactive: 5 };
export const other = (status: Status): Status => (status === 'inactive' ? 'active' : 'inactive');

/** Cached enrollments of every realm except the key owner's own (he must stay to keep the realms visible). */
export function students(kit: Kit): CachedEnrollment[] {
  return realmKeys(kit.sandbox).flatMap((key) => kit.cache.enrollments.listByRealm(kit.realmId(key)).filter((e) => e.userId !== OWNER_UID));
}

/**
 * A queue of `enrolls` new enrollments, `updates` status changes and `removes` across every realm of the seed,
 * plus the server roster it should produce, realm by realm.
 */
export function bigQueue(kit: Kit, enrolls: number, updates: number, removes: number): { edits: Edit[]; intended: Map<string, string[]> } {
  const keys = realmKeys(kit.sandbox);
  const rosters = new Map(keys.map((key) => [key, new Map(kit.sandbox.store.enrollmentsIn(key).map((e) => [e.id, `${e.uid}:${e.admin}:${e.status}`]))]));
  const edits: Edit[] = [];
  const pool = students(kit);
  for (const e of pool.slice(0, removes)) {
    edits.push({ kind: 'remove', realmId: e.realmId, enrollmentId: e.enrollmentId });
    rosters.get(e.realmId.slice(ACCOUNT.length + 1))!.delete(e.enrollmentId);
  }
  for (const e of pool.slice(removes, removes + updates)) {
    const status = other(e.status);
    edits.push({ kind: 'update', realmId: e.realmId, enrollmentId: e.enrollmentId, fields: { status } });
    rosters.get(e.realmId.slice(ACCOUNT.length + 1))!.set(e.enrollmentId, `${e.userId}:${e.role === 'teacher' ? 1 : 0}:${SCHOOLOGY_STATUS[status]}`);
  }
  for (let i = 0; i < enrolls; i++) {
    const key = keys[i % keys.length]!;
    edits.push({ kind: 'enroll', realmId: kit.realmId(key), userId: extraUid(i), fields: { role: 'student', status: 'active' } });
    rosters.get(key)!.set(`new-${i}`, `${extraUid(i)}:0:1`);
  }
  return { edits, intended: new Map([...rosters].map(([key, roster]) => [key, [...roster.values()].sort()])) };
}
