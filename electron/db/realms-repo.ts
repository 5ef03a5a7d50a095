import type Database from 'better-sqlite3';
import { writeTransaction } from './write-transaction';
import { type RealmSummary } from '../../shared/api';
import { type Provider } from '../../shared/domain/provider';
import { type Realm, type RealmKind } from '../../shared/domain/realm';

/** The cache-wide realm id: "<accountId>/<key>", e.g. "district-1/sections/3719526". */
export function realmIdOf(accountId: string, key: string): string {
  return `${accountId}/${key}`;
}

interface RealmRow {
  id: string;
  account_id: string;
  key: string;
  provider: Provider;
  kind: RealmKind;
  remote_id: string;
  title: string;
  course_title: string;
  course_code: string;
  course_sis_id: string;
  section_code: string;
  section_school_code: string;
  grading_periods: string;
  pulled_at: string | null;
  enrollment_count: number;
  pending_count: number;
}

// pendingCount counts the people with an op still in the outbox (in flight included: an edit is pending until the
// server has confirmed it and the op is deleted). Per person, not per op, because a person's ops chain (one in flight,
// a newer one queued) and the roster shows them as one pending row.
const SELECT = `
  SELECT r.id, r.account_id, r.key, r.provider, r.kind, r.remote_id, r.title, r.course_title, r.course_code,
    r.course_sis_id, r.section_code, r.section_school_code, r.grading_periods, r.pulled_at, r.enrollment_count,
    (SELECT count(DISTINCT coalesce(o.user_id, o.id)) FROM outbox o WHERE o.realm_id = r.id) AS pending_count
  FROM realms r`;

const SQL = {
  upsert: `
    INSERT INTO realms (id, account_id, key, provider, kind, remote_id, title, course_title, course_code, course_sis_id,
      section_code, section_school_code, grading_periods, pulled_at)
    VALUES (@id, @accountId, @key, @provider, @kind, @remoteId, @title, @courseTitle, @courseCode, @courseSisId,
      @sectionCode, @sectionSchoolCode, @gradingPeriods, @pulledAt)
    ON CONFLICT (id) DO UPDATE SET
      provider = excluded.provider, kind = excluded.kind, remote_id = excluded.remote_id, title = excluded.title,
      course_title = excluded.course_title, course_code = excluded.course_code,
      course_sis_id = excluded.course_sis_id, section_code = excluded.section_code,
      section_school_code = excluded.section_school_code, grading_periods = excluded.grading_periods,
      pulled_at = coalesce(excluded.pulled_at, realms.pulled_at)`,
  get: `${SELECT} WHERE r.id = ?`,
  owner: `SELECT id, account_id, provider FROM realms WHERE id = ?`,
  listAll: `${SELECT} ORDER BY r.account_id, r.course_title, r.title, r.id`,
  listAccount: `${SELECT} WHERE r.account_id = ? ORDER BY r.course_title, r.title, r.id`,
  remove: `DELETE FROM realms WHERE id = ?`,
} as const;

function toSummary(row: RealmRow): RealmSummary {
  return {
    id: row.id,
    accountId: row.account_id,
    key: row.key,
    provider: row.provider,
    kind: row.kind,
    remoteId: row.remote_id,
    title: row.title,
    courseTitle: row.course_title,
    courseCode: row.course_code,
    courseSisId: row.course_sis_id,
    sectionCode: row.section_code,
    sectionSchoolCode: row.section_school_code,
    gradingPeriods: JSON.parse(row.grading_periods) as string[],
    pulledAt: row.pulled_at,
    enrollmentCount: row.enrollment_count,
    pendingCount: row.pending_count,
  };
}

export class RealmsRepo {
  private readonly stmt;

  constructor(private readonly db: Database.Database) {
    this.stmt = {
      upsert: db.prepare(SQL.upsert),
      get: db.prepare<[string], RealmRow>(SQL.get),
      owner: db.prepare<[string], Pick<RealmRow, 'id' | 'account_id' | 'provider'>>(SQL.owner),
      listAll: db.prepare<[], RealmRow>(SQL.listAll),
      listAccount: db.prepare<[string], RealmRow>(SQL.listAccount),
      remove: db.prepare<[string]>(SQL.remove),
    };
  }

  /** Saves realms as listed by the LMS (titles, codes); their rosters and pulled_at are kept. Returns the ids. */
  saveMany(realms: readonly Realm[]): string[] {
    return writeTransaction(this.db, () => realms.map((realm) => this.save(realm)));
  }

  save(realm: Realm): string {
    const id = realmIdOf(realm.accountId, realm.key);
    try {
      this.stmt.upsert.run({
        id,
        accountId: realm.accountId,
        key: realm.key,
        provider: realm.provider,
        kind: realm.kind,
        remoteId: realm.remoteId,
        title: realm.title,
        courseTitle: realm.courseTitle,
        courseCode: realm.courseCode,
        courseSisId: realm.courseSisId,
        sectionCode: realm.sectionCode,
        sectionSchoolCode: realm.sectionSchoolCode,
        gradingPeriods: JSON.stringify(realm.gradingPeriods),
        pulledAt: realm.pulledAt,
      });
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
        throw new Error(`Cannot save realm "${realm.key}": account "${realm.accountId}" is not in the offline cache.`, {
          cause: error,
        });
      }
      throw error;
    }
    return id;
  }

  get(id: string): RealmSummary | null {
    const row = this.stmt.get.get(id);
    return row ? toSummary(row) : null;
  }

  /**
   * Which account and LMS a realm belongs to, without get()'s counts: those read every pending op of the realm, which
   * edits that run once per row (a bulk change of 100,000) cannot afford.
   */
  owner(id: string): { id: string; accountId: string; provider: RealmSummary['provider'] } | null {
    const row = this.stmt.owner.get(id);
    return row ? { id: row.id, accountId: row.account_id, provider: row.provider } : null;
  }

  /** For the realm list (RealmSchema), with roster and pending-edit counts. */
  list(accountId?: string): RealmSummary[] {
    const rows = accountId === undefined ? this.stmt.listAll.all() : this.stmt.listAccount.all(accountId);
    return rows.map(toSummary);
  }

  /**
   * Removes the realm with its cached roster. Queued edits to it stay in the outbox (see migration 002): staff still
   * see them in the pending list and decide; removing the account drops them.
   */
  remove(id: string): boolean {
    return this.stmt.remove.run(id).changes > 0;
  }
}
