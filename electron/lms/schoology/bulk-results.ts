/**
 * Schoology's bulk endpoints answer HTTP 200 even when some items failed: each input item gets one row, in input
 * order, with its own HTTP-style response_code. This module turns those rows into typed per-item results, so a
 * caller can never mistake "the request succeeded" for "every item was applied".
 */
import { realmKey as makeRealmKey, type SchoologyBulkResultRow } from '../../../shared/domain';

/** Schoology's documented cap on the items of one bulk request; more is a 400 for the whole request. */
export const SCHOOLOGY_MAX_BATCH = 50;

export type BulkItemResult =
  /** Applied. `id` is the enrollment Schoology created or changed, `realmKey` where it lives, when the row says. */
  | { outcome: 'applied'; id?: string; realmKey?: string }
  /** Refused: `code` is the row's response_code, `reason` Schoology's words. */
  | { outcome: 'rejected'; code: number; reason: string }
  /** The enrollment (or the user or realm it names) does not exist. */
  | { outcome: 'not-found'; reason: string };

const APPLIED_CODES: ReadonlySet<number> = new Set([200, 201, 204]);

/** `.../sections/3719526/enrollments/44783136` → the realm key and enrollment id (location and self URLs look so). */
export function parseEnrollmentUrl(url: string | undefined): { realmKey?: string; id?: string } {
  if (!url) return {};
  const match = /\/(section|group)s\/(\d+)\/enrollments\/(\d+)\/?(?:[?#].*)?$/.exec(url);
  if (match) return { realmKey: makeRealmKey(match[1] as 'section' | 'group', match[2] as string), id: match[3] };
  // Schoology's locations are "not always the documented path"; a trailing number is still the enrollment id.
  const id = /\/(\d+)\/?(?:[?#].*)?$/.exec(url)?.[1];
  return id ? { id } : {};
}

/**
 * One row as a result. `knownRealmKey` is the realm the caller sent the item to, used when the row itself does not
 * say (bulk create in one realm, multi-realm upsert where the row omits realm/realm_id).
 */
export function bulkItemResult(row: SchoologyBulkResultRow, knownRealmKey?: string): BulkItemResult {
  const code = row.response_code;
  const words = row.error || row.message || '';
  if (APPLIED_CODES.has(code)) {
    const fromLocation = parseEnrollmentUrl(row.location);
    const id = row.id || fromLocation.id;
    const rowRealm =
      (row.realm === 'section' || row.realm === 'group') && row.realm_id ? makeRealmKey(row.realm, row.realm_id) : undefined;
    const realmKey = rowRealm ?? fromLocation.realmKey ?? knownRealmKey;
    return { outcome: 'applied', ...(id ? { id } : {}), ...(realmKey ? { realmKey } : {}) };
  }
  if (code === 404) return { outcome: 'not-found', reason: words || 'Schoology answered 404 Not Found for this item' };
  return { outcome: 'rejected', code, reason: words || `Schoology answered ${code} for this item without a reason` };
}

/** Consecutive slices of at most `size` items. */
export function chunk<T>(items: readonly T[], size = SCHOOLOGY_MAX_BATCH): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}
