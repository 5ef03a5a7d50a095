import type Database from 'better-sqlite3';
import { rowsSql, type Shape } from './roster-query';

/** One person of a roster selection, as an export that lists people apart from enrollments needs them. */
export interface RosterPerson {
  userId: string;
  schoolUid: string;
  firstName: string;
  lastName: string;
  displayName: string;
  /** Teacher or TA in at least one of the rows. */
  teaches: boolean;
  /** Designer in at least one of the rows. */
  designs: boolean;
}

export interface RosterPeopleSelection {
  /** Realms of one account: user ids name people within an account. */
  realmIds: readonly string[];
  /** true: the rows as they will be after sync (queued enrolls included); false: the LMS's rows and values. */
  includePending: boolean;
  /** Only these rows: "<realmId>\n<enrollment id, or the op id of a row the LMS does not have>". */
  only?: readonly string[];
}

type RawPerson = [userId: string, schoolUid: string, firstName: string, lastName: string, displayName: string, teaches: 0 | 1, designs: 0 | 1];

const SHAPE: Shape = { column: 'name', direction: 'asc', statuses: false, roles: false, search: false, comma: false };

/**
 * The distinct people of the overlaid roster rows (the same rows as RosterQueryRepo reads), grouped in SQL so a
 * district's 100,000 rows stream out as one row per person and JS never holds them. Ordered by user id (numeric
 * order for the LMS's digit ids).
 */
function peopleSql(selected: boolean): string {
  return `
  SELECT user_id, max(school_uid), max(name_first), max(name_last), max(display_name),
    max(effective_role IN ('teacher', 'ta')), max(effective_role = 'designer')
  FROM (
    SELECT *, CASE WHEN :pending = 1 THEN role ELSE server_role END AS effective_role
    FROM (${rowsSql(SHAPE, true)})
  )
  WHERE effective_role IS NOT NULL${
    selected ? `\n    AND (realm_id || char(10) || coalesce(enrollment_id, json_extract(op, '$[0]'))) IN (SELECT value FROM json_each(:only))` : ''
  }
  GROUP BY user_id
  ORDER BY length(user_id), user_id`;
}

export class RosterPeopleQuery {
  private readonly statements = new Map<boolean, Database.Statement<[Record<string, string | number>], RawPerson>>();

  constructor(private readonly db: Database.Database) {}

  /** The people one at a time; the cursor holds the connection, so consume it before writing to the cache. */
  *each(selection: RosterPeopleSelection): Generator<RosterPerson> {
    const selected = selection.only !== undefined;
    let stmt = this.statements.get(selected);
    if (!stmt) {
      stmt = this.db.prepare<[Record<string, string | number>], RawPerson>(peopleSql(selected)).raw();
      this.statements.set(selected, stmt);
    }
    const params: Record<string, string | number> = { realms: JSON.stringify(selection.realmIds), pending: selection.includePending ? 1 : 0 };
    if (selection.only) params.only = JSON.stringify(selection.only);
    for (const [userId, schoolUid, firstName, lastName, displayName, teaches, designs] of stmt.iterate(params)) {
      yield { userId, schoolUid, firstName, lastName, displayName, teaches: teaches === 1, designs: designs === 1 };
    }
  }
}
