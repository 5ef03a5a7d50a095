import type Database from 'better-sqlite3';
import type { KnownPerson } from '../../shared/api';
import { nameSortKey } from './enrollments-repo';

/**
 * "Add people": the people an account's cache knows whose name or school uid holds the typed text.
 *
 * Two sources, because `people` alone is nearly empty: ingest does not fill it (see the initial migration), so most
 * people the cache knows sit only in cached rosters. `people` (those looked up or queued to enroll) wins when someone is
 * in both. The rosters are scanned, not indexed: an instr() over the search keys of an account's enrollments is a few
 * tens of milliseconds at 100,000 rows, well inside typing speed, and an index would cost every pull.
 */
// Text with a comma may be a name typed "last, first", which the sort key holds (see searchKeyOf).
const MATCH = (alias: string, comma: boolean): string =>
  comma ? `(instr(${alias}.search_key, :key) > 0 OR instr(${alias}.sort_key, :key) > 0)` : `instr(${alias}.search_key, :key) > 0`;

const sql = (comma: boolean): string => `
  SELECT user_id, school_uid, display_name, sortable_name, min(source) AS source, sort_key FROM (
    SELECT p.user_id, p.school_uid, p.display_name, p.sortable_name, p.sort_key, 0 AS source
    FROM people p WHERE p.account_id = :account AND ${MATCH('p', comma)}
    UNION ALL
    SELECT e.user_id, e.school_uid, e.display_name, e.sortable_name, e.sort_key, 1
    FROM realms r JOIN enrollments e ON e.realm_no = r.no
    WHERE r.account_id = :account AND ${MATCH('e', comma)}
  )
  GROUP BY user_id
  ORDER BY sort_key, user_id
  LIMIT :limit`;

// An import's rows name people by user id or school uid: one scan of the account's rosters for all of them, the ids
// given as JSON arrays (json_each), rather than a scan per row.
const BY_IDS = `
  SELECT user_id, school_uid, display_name, sortable_name, min(source) AS source FROM (
    SELECT p.user_id, p.school_uid, p.display_name, p.sortable_name, 0 AS source
    FROM people p
    WHERE p.account_id = :account
      AND (p.user_id IN (SELECT value FROM json_each(:userIds)) OR p.school_uid IN (SELECT value FROM json_each(:schoolUids)))
    UNION ALL
    SELECT e.user_id, e.school_uid, e.display_name, e.sortable_name, 1
    FROM realms r JOIN enrollments e ON e.realm_no = r.no
    WHERE r.account_id = :account
      AND (e.user_id IN (SELECT value FROM json_each(:userIds)) OR e.school_uid IN (SELECT value FROM json_each(:schoolUids)))
  )
  GROUP BY user_id
  ORDER BY user_id`;

interface Row {
  user_id: string;
  school_uid: string;
  display_name: string;
  sortable_name: string;
}

export class PeopleSearch {
  private readonly plain;
  private readonly comma;
  private readonly byIdsStmt;

  constructor(db: Database.Database) {
    this.plain = db.prepare<[{ account: string; key: string; limit: number }], Row>(sql(false));
    this.comma = db.prepare<[{ account: string; key: string; limit: number }], Row>(sql(true));
    this.byIdsStmt = db.prepare<[{ account: string; userIds: string; schoolUids: string }], Row>(BY_IDS);
  }

  /** The people of the account with one of these user ids or (non-empty) school uids, by user id. */
  byIds(accountId: string, userIds: readonly string[], schoolUids: readonly string[]): KnownPerson[] {
    if (userIds.length === 0 && schoolUids.length === 0) return [];
    const rows = this.byIdsStmt.all({
      account: accountId,
      userIds: JSON.stringify(userIds),
      schoolUids: JSON.stringify(schoolUids.filter((uid) => uid !== '')),
    });
    return rows.map((row) => ({ userId: row.user_id, schoolUid: row.school_uid, displayName: row.display_name, sortableName: row.sortable_name }));
  }

  /** At most `limit` people, by name; matching is case- and accent-insensitive on the search key (see searchKeyOf). */
  find(accountId: string, text: string, limit: number): KnownPerson[] {
    const trimmed = text.trim();
    if (trimmed === '') return [];
    const stmt = trimmed.includes(',') ? this.comma : this.plain;
    const rows = stmt.all({ account: accountId, key: nameSortKey(trimmed), limit });
    return rows.map((row) => ({ userId: row.user_id, schoolUid: row.school_uid, displayName: row.display_name, sortableName: row.sortable_name }));
  }
}
