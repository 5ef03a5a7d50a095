/**
 * Pull: the LMS's realms and rosters into the offline cache. Each realm's roster is replaced in one transaction only
 * after its last page arrived, so a pull cut off by the network leaves that realm exactly as it was (never half a
 * roster) and the realms already committed stay fresh.
 */
import type { Cache } from '../db/cache';
import { realmIdOf } from '../db/realms-repo';
import type { LmsProvider } from '../lms/provider';

export interface PullOptions {
  /** Only these realms (keys such as "sections/3719526"); all the account can see when absent. */
  realmKeys?: readonly string[];
  signal?: AbortSignal;
  /** After each realm's roster is committed. */
  onRealm?: (progress: { realmKey: string; enrollments: number; done: number; total: number }) => void;
}

export interface PullSummary {
  realms: number;
  enrollments: number;
}

export async function pullAccount(
  cache: Cache,
  accountId: string,
  provider: LmsProvider,
  options: PullOptions = {},
): Promise<PullSummary> {
  const visible = await provider.listRealms(options.signal);
  // Titles and codes are refreshed for every visible realm; pulled_at and rosters are left to the snapshots below.
  cache.realms.saveMany(visible.map((realm) => ({ ...realm, accountId, pulledAt: null })));

  const wanted = options.realmKeys ?? visible.map((realm) => realm.key);
  let enrollments = 0;
  let done = 0;
  for (const key of wanted) {
    const realmId = realmIdOf(accountId, key);
    if (!cache.realms.get(realmId)) {
      throw new Error(`${key} is not a section or group this account can see; pull without it, or check the id.`);
    }
    const snapshot = cache.enrollments.beginRealmSnapshot(realmId);
    try {
      for await (const page of provider.pullRealm(key, options.signal)) snapshot.addPage(page);
    } catch (error) {
      snapshot.abort();
      throw error;
    }
    const { count } = snapshot.commit();
    enrollments += count;
    done += 1;
    options.onRealm?.({ realmKey: key, enrollments: count, done, total: wanted.length });
  }
  return { realms: done, enrollments };
}
