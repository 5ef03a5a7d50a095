/**
 * Pull: the LMS's realms and rosters into the offline cache.
 *
 * A realm's roster reaches the cache only whole: its pages are collected until the last one arrived, so a pull cut off
 * by the network never leaves half a roster — that realm stays as it was, and the realms already complete are kept.
 * Complete rosters are committed several at a time: with synchronous=FULL every commit waits for the disk, and a
 * district is thousands of small sections (one commit each would cost more than the rows).
 * A few realms are fetched at once so server latency overlaps; the transport's rate limiter still paces requests.
 */
import type { Cache } from '../db/cache';
import { realmIdOf } from '../db/realms-repo';
import type { LmsProvider } from '../lms/provider';
import type { Enrollment } from '../../shared/domain';

export interface PullOptions {
  /** Only these realms (keys such as "sections/3719526"); all the account can see when absent. */
  realmKeys?: readonly string[];
  signal?: AbortSignal;
  /** After each realm's roster is complete (it is committed with the next flush, at the latest when pull returns). */
  onRealm?: (progress: { realmKey: string; enrollments: number; done: number; total: number }) => void;
  /** Realms fetched at once; default 4. */
  concurrency?: number;
}

export interface PullSummary {
  realms: number;
  enrollments: number;
}

/** Complete rosters are committed once this many rows wait (or at the end). */
const FLUSH_ROWS = 5_000;

export async function pullAccount(
  cache: Cache,
  accountId: string,
  provider: LmsProvider,
  options: PullOptions = {},
): Promise<PullSummary> {
  const visible = await provider.listRealms(options.signal);
  // Titles and codes are refreshed for every visible realm; pulled_at and rosters are left to the snapshots below.
  cache.realms.saveMany(visible.map((realm) => ({ ...realm, accountId, pulledAt: null })));

  const wanted = [...new Set(options.realmKeys ?? visible.map((realm) => realm.key))];
  for (const key of wanted) {
    if (!cache.realms.get(realmIdOf(accountId, key))) {
      throw new Error(`${key} is not a section or group this account can see; pull without it, or check the id.`);
    }
  }

  let pending: Array<{ realmId: string; enrollments: readonly Enrollment[] }> = [];
  let pendingRows = 0;
  let enrollments = 0;
  let done = 0;
  const flush = () => {
    if (pending.length === 0) return;
    for (const { count } of cache.enrollments.replaceRealmSnapshots(pending)) enrollments += count;
    pending = [];
    pendingRows = 0;
  };

  const queue = [...wanted];
  let failure: unknown = null;
  const worker = async () => {
    while (failure === null) {
      const key = queue.shift();
      if (key === undefined) return;
      const rows: Enrollment[] = [];
      try {
        for await (const page of provider.pullRealm(key, options.signal)) rows.push(...page);
      } catch (error) {
        failure ??= error;
        return;
      }
      pending.push({ realmId: realmIdOf(accountId, key), enrollments: rows });
      pendingRows += rows.length;
      done += 1;
      options.onRealm?.({ realmKey: key, enrollments: rows.length, done, total: wanted.length });
      if (pendingRows >= FLUSH_ROWS) flush();
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? 4, wanted.length));
  await Promise.all(Array.from({ length: workers }, worker));
  // Rosters that arrived whole are kept even when another realm failed: they are true, and the retry is shorter.
  flush();
  if (failure !== null) throw failure;
  return { realms: done, enrollments };
}
