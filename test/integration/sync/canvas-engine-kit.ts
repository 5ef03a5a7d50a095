/**
 * What the Canvas sync engine tests share (the Canvas counterpart of engine-kit.ts): a real cache file in a temp dir,
 * pulled from the Canvas sandbox on 127.0.0.1 through a fast-retrying client, an outbox and an engine over them, and
 * ways to read the server's side. The provider is built as the app builds it, with `sisImport: 'auto'`: the sandbox's
 * `sisImports` option (true by default) decides whether pushes go as SIS imports or as single requests.
 *
 * The sandbox runs on a clock the test can move (`advance`): real time plus an offset, so the throttle's bucket still
 * drains while a test waits, and an import nobody polls lands once the test moves the clock past its time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCache, type Cache } from '../../../electron/db/cache';
import { realmIdOf } from '../../../electron/db/realms-repo';
import { CanvasClient, type CanvasClientOptions } from '../../../electron/lms/canvas/canvas-client';
import { CanvasProvider, type CanvasProviderOptions } from '../../../electron/lms/canvas/canvas-provider';
import type { PushBatch } from '../../../electron/lms/provider';
import {
  startCanvasSandbox,
  type CanvasSandbox,
  type CanvasSandboxOptions,
  type CanvasSandboxRequestRecord,
} from '../../../electron/sandbox/canvas/canvas-sandbox-server';
import { SyncEngine, type SyncEngineOptions, type SyncReport } from '../../../electron/sync/engine';
import { Outbox, type Edit } from '../../../electron/sync/outbox';
import { pullAccount } from '../../../electron/sync/pull';
import type { Status } from '../../../shared/domain';

export const CANVAS_ACCOUNT = 'canvas-school';
/** The small seed's sections (electron/sandbox/canvas/canvas-seed.ts); every one but English 9 P6 has a SIS id. */
export const ALGEBRA_P3 = 'sections/201';
export const ALGEBRA_P5 = 'sections/202';
export const BIOLOGY_P1 = 'sections/203';
export const BIOLOGY_P4 = 'sections/204';
export const ENGLISH_P2 = 'sections/205';
export const ENGLISH_P6_NO_SIS = 'sections/206';
export const HISTORY_P7_NO_SIS = 'sections/207';
export const SECTIONS = [ALGEBRA_P3, ALGEBRA_P5, BIOLOGY_P1, BIOLOGY_P4, ENGLISH_P2, ENGLISH_P6_NO_SIS, HISTORY_P7_NO_SIS] as const;
/** The token's user teaches every section: edits leave him alone so the realms stay his. */
export const STRICKLAND = '1';
export const HOWLETT = '101';
/** SIS imports are polled every millisecond here; Canvas's own pace is seconds. */
export const QUICK_POLL = { pollIntervalMs: 1 } as const;

export interface CanvasKit {
  dir: string;
  file: string;
  sandbox: CanvasSandbox;
  cache: Cache;
  outbox: Outbox;
  provider: CanvasProvider;
  engine: SyncEngine;
  /** Moves the sandbox's clock on (imports nobody polls land once their time has come). */
  advance(ms: number): void;
  realmId(key: string): string;
  /** A fresh provider as a new process builds it (it asks for SIS rights again). */
  newProvider(options?: Partial<CanvasClientOptions>): CanvasProvider;
  /** Another engine (and cache connection) on the same data dir, as a second process would have. */
  secondEngine(options?: Partial<SyncEngineOptions>): { cache: Cache; outbox: Outbox; engine: SyncEngine };
  close(): Promise<void>;
}

/** The two ways a Canvas push goes, as the account's SIS-import rights decide: every family runs with each. */
export const PUSH_MODES = [
  { mode: 'SIS imports', sisImports: true },
  { mode: 'single requests', sisImports: false },
] as const;

/** Fast retries: fault and throttle tests finish in well under a second. */
export const FAST_TRANSPORT = { baseDelayMs: 2, maxDelayMs: 50 } as const;

export function canvasEngineClient(sandbox: CanvasSandbox, options: Partial<CanvasClientOptions> = {}): CanvasClient {
  return new CanvasClient({ baseUrl: sandbox.url, token: sandbox.token, transport: FAST_TRANSPORT, ...options });
}

/** The provider as the account service builds it ('auto'), polling SIS imports quickly. */
export function canvasEngineProvider(sandbox: CanvasSandbox, options: Partial<CanvasClientOptions> = {}): CanvasProvider {
  const sisImport: CanvasProviderOptions['sisImport'] = { accountId: 'auto', ...QUICK_POLL };
  return new CanvasProvider(canvasEngineClient(sandbox, options), { sisImport });
}

/** A real provider that runs `beforePush` (with the batch number, from 1) right before each batch goes out. */
export function canvasProviderBeforePush(sandbox: CanvasSandbox, beforePush: (batch: PushBatch, n: number) => void): CanvasProvider {
  let n = 0;
  const client = canvasEngineClient(sandbox);
  return new (class extends CanvasProvider {
    override pushBatch(batch: PushBatch, signal?: AbortSignal) {
      beforePush(batch, ++n);
      return super.pushBatch(batch, signal);
    }
  })(client, { sisImport: { accountId: 'auto', ...QUICK_POLL } });
}

/** A pulled cache of the small Canvas seed. */
export async function startCanvasKit(options: { sandbox?: CanvasSandboxOptions; client?: Partial<CanvasClientOptions> } = {}): Promise<CanvasKit> {
  const dir = mkdtempSync(join(tmpdir(), 'roster-canvas-engine-'));
  const file = join(dir, 'cache.sqlite');
  let offset = 0;
  const sandbox = await startCanvasSandbox({ throttle: null, now: () => Date.now() + offset, ...options.sandbox });
  const cache = openCache(file);
  cache.accounts.save({ id: CANVAS_ACCOUNT, name: 'Canvas sandbox', provider: 'canvas', baseUrl: sandbox.url });
  const provider = canvasEngineProvider(sandbox, options.client);
  await pullAccount(cache, CANVAS_ACCOUNT, provider);
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
    advance: (ms) => {
      offset += ms;
    },
    realmId: (key) => realmIdOf(CANVAS_ACCOUNT, key),
    newProvider: (clientOptions = {}) => canvasEngineProvider(sandbox, { ...options.client, ...clientOptions }),
    secondEngine: (engineOptions = {}) => {
      const other = openCache(file);
      others.push(other);
      const otherOutbox = new Outbox(other);
      return { cache: other, outbox: otherOutbox, engine: new SyncEngine({ cache: other, outbox: otherOutbox, provider: async () => provider, ...engineOptions }) };
    },
    close: async () => {
      for (const other of others) other.close();
      cache.close();
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The server's live roster of a section as "user:Type:state", sorted (deleted enrollments are not on a roster). */
export function canvasServerRoster(sandbox: CanvasSandbox, key: string): string[] {
  return sandbox.store
    .enrollmentsInSection(sectionIdOf(key))
    .filter((e) => e.workflow_state !== 'deleted')
    .map((e) => `${e.user_id}:${e.type}:${e.workflow_state}`)
    .sort();
}

/** Sections where some person holds two live enrollments of one type (what a retried plain create would leave). */
export function canvasDuplicates(sandbox: CanvasSandbox): string[] {
  const found: string[] = [];
  for (const key of SECTIONS) {
    const seen = new Set<string>();
    for (const e of sandbox.store.enrollmentsInSection(sectionIdOf(key))) {
      if (e.workflow_state === 'deleted') continue;
      const slot = `${e.user_id}:${e.type}:${e.associated_user_id ?? ''}`;
      if (seen.has(slot)) found.push(`${key}:${slot}`);
      seen.add(slot);
    }
  }
  return found;
}

/** The write requests (anything but GET) among `records`, as "METHOD path". */
export function canvasWrites(records: readonly CanvasSandboxRequestRecord[]): string[] {
  return records.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`);
}

export function canvasRequestsSince(sandbox: CanvasSandbox, from: number): CanvasSandboxRequestRecord[] {
  return sandbox.requests.slice(from);
}

export function sectionIdOf(key: string): number {
  const match = /^sections\/(\d+)$/.exec(key);
  if (!match) throw new Error(`${key} is not a section realm`);
  return Number(match[1]);
}

/** The live StudentEnrollment of a person in a section, from the server. */
export function serverStudent(sandbox: CanvasSandbox, key: string, userId: string) {
  return sandbox.store.enrollmentsInSection(sectionIdOf(key)).find((e) => e.user_id === Number(userId) && e.type === 'StudentEnrollment' && e.workflow_state !== 'deleted');
}

/** A person's live enrollments in a section as "Type:state", sorted. */
export function personIn(sandbox: CanvasSandbox, key: string, userId: string): string[] {
  return sandbox.store
    .enrollmentsInSection(sectionIdOf(key))
    .filter((e) => e.user_id === Number(userId) && e.workflow_state !== 'deleted')
    .map((e) => `${e.type}:${e.workflow_state}`)
    .sort();
}

/** People of the seed with a SIS id and some enrollment (so a SIS import can name them), not in the section. */
export function newcomersFor(sandbox: CanvasSandbox, key: string, count: number): string[] {
  const there = new Set(sandbox.store.enrollmentsInSection(sectionIdOf(key)).map((e) => e.user_id));
  const found: string[] = [];
  for (let id = 102; id <= 186 && found.length < count; id++) {
    const user = sandbox.store.getUser(id);
    if (user?.sis_user_id && !there.has(id) && sandbox.store.enrollmentsOfUser(id).length > 0) found.push(String(id));
  }
  if (found.length < count) throw new Error(`only ${found.length} people can join ${key}; asked for ${count}`);
  return found;
}

/** Cached student enrollments of a section in a roster state a push can set (not the teacher, nor invitations). */
export function cachedStudents(kit: CanvasKit, key: string) {
  return kit.cache.enrollments
    .listByRealm(kit.realmId(key))
    .filter((e) => e.userId !== STRICKLAND && e.role === 'student' && (e.status === 'active' || e.status === 'inactive' || e.status === 'completed'));
}

export const flip = (status: Status): Status => (status === 'active' ? 'inactive' : 'active');

export function outboxSize(kit: CanvasKit): number {
  return kit.cache.outbox.listByAccount(CANVAS_ACCOUNT).length;
}

/** Syncs until the outbox is empty, at most `max` times; returns the reports. */
export async function syncUntilEmpty(kit: CanvasKit, max: number, engine: SyncEngine = kit.engine): Promise<SyncReport[]> {
  const reports: SyncReport[] = [];
  while (reports.length < max && outboxSize(kit) > 0) reports.push(await engine.sync(CANVAS_ACCOUNT));
  return reports;
}

/**
 * A queue over the sections that have SIS ids: `enrolls` newcomers, `updates` status flips and `removes`, plus the
 * server roster each section should end with.
 */
export function canvasQueue(kit: CanvasKit, enrolls: number, updates: number, removes: number): { edits: Edit[]; intended: Map<string, string[]> } {
  const keys = [ALGEBRA_P3, ALGEBRA_P5, BIOLOGY_P1, BIOLOGY_P4, ENGLISH_P2];
  const rosters = new Map(keys.map((key) => [key, new Map(kit.sandbox.store.enrollmentsInSection(sectionIdOf(key)).filter((e) => e.workflow_state !== 'deleted').map((e) => [String(e.id), `${e.user_id}:${e.type}:${e.workflow_state}`]))]));
  const edits: Edit[] = [];
  const pool = keys.flatMap((key) => cachedStudents(kit, key).map((e) => ({ key, e })));
  const touched = new Set<string>();
  for (const { key, e } of pool.slice(0, removes)) {
    edits.push({ kind: 'remove', realmId: e.realmId, enrollmentId: e.enrollmentId });
    rosters.get(key)!.delete(e.enrollmentId);
    touched.add(`${key}|${e.userId}`);
  }
  for (const { key, e } of pool.slice(removes, removes + updates)) {
    const status = flip(e.status);
    edits.push({ kind: 'update', realmId: e.realmId, enrollmentId: e.enrollmentId, fields: { status } });
    rosters.get(key)!.set(e.enrollmentId, `${e.userId}:StudentEnrollment:${status}`);
    touched.add(`${key}|${e.userId}`);
  }
  const newcomers = new Map(keys.map((key) => [key, newcomersFor(kit.sandbox, key, Math.ceil(enrolls / keys.length))]));
  for (let i = 0; i < enrolls; i++) {
    const key = keys[i % keys.length]!;
    const userId = newcomers.get(key)![Math.floor(i / keys.length)]!;
    edits.push({ kind: 'enroll', realmId: kit.realmId(key), userId, fields: { role: 'student', status: 'active' } });
    rosters.get(key)!.set(`new-${i}`, `${userId}:StudentEnrollment:active`);
  }
  return { edits, intended: new Map([...rosters].map(([key, roster]) => [key, [...roster.values()].sort()])) };
}
