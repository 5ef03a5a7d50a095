import type Database from 'better-sqlite3';
import type { KnownPerson } from '../../shared/api';
import { nameSortKey } from './enrollments-repo';

/**
 * "Add people": the people an account's cache knows whose name or school uid holds the typed text.
 *
 * Two sources, because `people` alone is nearly empty: ingest does not fill it (see the initial migration), so most
 * people the cache knows sit only in cached rosters. `people` (those looked up or queued to enroll) wins when someone is
 * in both. The rosters are scanned, not indexed: a LIKE over an account's enrollments is a few tens of milliseconds at
 * 100,000 rows, well inside typing speed, and an index would cost every pull.
 */
const MATCH = (alias: string): string =>
  `(${['display_name', 'name_first', 'name_last', 'name_first_preferred', 'school_uid'].map((c) => `${alias}.${c} LIKE :like ESCAPE '\\'`).join(' OR ')}
    OR instr(${alias}.sort_key, :key) > 0)`;

const SQL = `
  SELECT user_id, school_uid, display_name, sortable_name, min(source) AS source, sort_key FROM (
    SELECT p.user_id, p.school_uid, p.display_name, p.sortable_name, p.sort_key, 0 AS source
    FROM people p WHERE p.account_id = :account AND ${MATCH('p')}
    UNION ALL
    SELECT e.user_id, e.school_uid, e.display_name, e.sortable_name, e.sort_key, 1
    FROM realms r JOIN enrollments e ON e.realm_no = r.no
    WHERE r.account_id = :account AND ${MATCH('e')}
  )
  GROUP BY user_id
  ORDER BY sort_key, user_id
  LIMIT :limit`;

interface Row {
  user_id: string;
  school_uid: string;
  display_name: string;
  sortable_name: string;
}

const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export class PeopleSearch {
  private readonly stmt;

  constructor(db: Database.Database) {
    this.stmt = db.prepare<[{ account: string; like: string; key: string; limit: number }], Row>(SQL);
  }

  /** At most `limit` people, by name; matching is case- and accent-insensitive on the sort key. */
  find(accountId: string, text: string, limit: number): KnownPerson[] {
    const trimmed = text.trim();
    if (trimmed === '') return [];
    const rows = this.stmt.all({ account: accountId, like: `%${escapeLike(trimmed)}%`, key: nameSortKey(trimmed), limit });
    return rows.map((row) => ({ userId: row.user_id, schoolUid: row.school_uid, displayName: row.display_name, sortableName: row.sortable_name }));
  }
}
