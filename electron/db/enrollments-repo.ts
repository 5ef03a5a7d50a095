import type Database from 'better-sqlite3';
import { type Enrollment, type EnrollmentSource } from '../../shared/domain/enrollment';
import { type Provider } from '../../shared/domain/provider';
import { ROLES, STATUSES, type Role, type Status } from '../../shared/domain/roles';

/** An enrollment as last seen on the server. `source` is the provider record exactly as it was ingested. */
export interface CachedEnrollment {
  realmId: string;
  enrollmentId: string;
  userId: string;
  schoolUid: string;
  displayName: string;
  sortableName: string;
  pictureUrl: string;
  role: Role;
  status: Status;
  provider: Provider;
  source: EnrollmentSource['record'];
}

export interface CachedPerson {
  accountId: string;
  userId: string;
  schoolUid: string;
  title: string;
  first: string;
  firstPreferred: string;
  middle: string;
  last: string;
  displayName: string;
  sortableName: string;
  pictureUrl: string;
}

export interface SnapshotResult {
  realmId: string;
  /** Enrollments now cached for the realm. */
  count: number;
}

/**
 * Collects a realm's roster page by page and swaps it in at the end.
 *
 * Pages are only held in memory until commit(); commit() then, in ONE transaction, deletes the realm's previous
 * server snapshot, inserts every collected enrollment, upserts the people and stamps the realm's pulled_at. So the
 * cache shows either the old roster or the complete new one, never half a pull, and no write transaction is held open
 * while pages are fetched over the network (which would block the user's edits from being queued meanwhile).
 * Memory is bounded by one realm's roster (a few MB for even a very large group). abort() or simply dropping the
 * writer leaves the cache as it was.
 */
export interface RealmSnapshotWriter {
  addPage(enrollments: readonly Enrollment[]): void;
  commit(): SnapshotResult;
  abort(): void;
}

interface EnrollmentRow {
  enrollment_id: string;
  user_id: string;
  school_uid: string;
  display_name: string;
  sortable_name: string;
  picture_url: string;
  role: Role;
  status: Status;
  provider: Provider;
  source: string;
}

interface PersonRow {
  account_id: string;
  user_id: string;
  school_uid: string;
  name_title: string;
  name_first: string;
  name_first_preferred: string;
  name_middle: string;
  name_last: string;
  display_name: string;
  sortable_name: string;
  picture_url: string;
}

// An enrollment's provider is its realm's (one realm lives in one LMS), so the row does not repeat it.
const ENROLLMENT_COLUMNS = `e.enrollment_id, e.user_id, e.school_uid, e.display_name, e.sortable_name, e.picture_url, e.role,
  e.status, r.provider, e.source`;

const SQL = {
  realm: `SELECT no, account_id, key, provider FROM realms WHERE id = ?`,
  deleteRealm: `DELETE FROM enrollments WHERE realm_no = ?`,
  // OR REPLACE: a paged pull can see the same enrollment twice when the roster shifts between pages; last one wins.
  insert: `
    INSERT OR REPLACE INTO enrollments (realm_no, enrollment_id, user_id, school_uid, name_first, name_first_preferred,
      name_last, display_name, sortable_name, sort_key, picture_url, role, status, source)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  upsertPerson: `
    INSERT INTO people (account_id, user_id, school_uid, name_title, name_first, name_first_preferred, name_middle,
      name_last, display_name, sortable_name, sort_key, picture_url)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (account_id, user_id) DO UPDATE SET
      school_uid = excluded.school_uid, name_title = excluded.name_title, name_first = excluded.name_first,
      name_first_preferred = excluded.name_first_preferred, name_middle = excluded.name_middle,
      name_last = excluded.name_last, display_name = excluded.display_name, sortable_name = excluded.sortable_name,
      sort_key = excluded.sort_key, picture_url = excluded.picture_url`,
  stampRealm: `
    UPDATE realms SET pulled_at = @now, enrollment_count = (SELECT count(*) FROM enrollments WHERE realm_no = @realmNo)
    WHERE no = @realmNo
    RETURNING enrollment_count`,
  listRealm: `SELECT ${ENROLLMENT_COLUMNS} FROM realms r JOIN enrollments e ON e.realm_no = r.no WHERE r.id = ? ORDER BY e.sort_key, e.user_id`,
  get: `SELECT ${ENROLLMENT_COLUMNS} FROM realms r JOIN enrollments e ON e.realm_no = r.no WHERE r.id = ? AND e.enrollment_id = ?`,
  person: `
    SELECT account_id, user_id, school_uid, name_title, name_first, name_first_preferred, name_middle, name_last,
      display_name, sortable_name, picture_url
    FROM people WHERE account_id = ? AND user_id = ?`,
  dataVersion: `PRAGMA data_version`,
} as const;

const ASCII = /^[\x20-\x7e]*$/;
// The enrollments table has no CHECK constraints (they cost a third of the insert), so values are checked here.
const VALID_ROLES: ReadonlySet<string> = new Set(ROLES);
const VALID_STATUSES: ReadonlySet<string> = new Set(STATUSES);


/**
 * The name sort key: lowercased with accents stripped, so "Éva" sorts with "Eva" under SQLite's binary comparison.
 * The regex fast path skips normalize() for the plain-ASCII names that make up most rosters.
 */
export function nameSortKey(sortable: string): string {
  const lower = sortable.toLowerCase();
  return ASCII.test(lower) ? lower : lower.normalize('NFD').replace(/\p{M}/gu, '');
}

/** What a people row is written from; the memo keeps these rather than whole enrollments and their raw records. */
type PersonFields = Pick<Enrollment, 'name' | 'schoolUid' | 'pictureUrl'> & { sortKey: string };

/** Whether `e` would write exactly the person row `known` wrote; field by field, cheaper than building a key. */
function samePerson(known: PersonFields, e: Enrollment): boolean {
  const a = known.name;
  const b = e.name;
  return (
    a.display === b.display && a.last === b.last && a.first === b.first && a.sortable === b.sortable &&
    a.firstPreferred === b.firstPreferred && a.middle === b.middle && a.title === b.title &&
    known.schoolUid === e.schoolUid && known.pictureUrl === e.pictureUrl
  );
}

function toCached(realmId: string, row: EnrollmentRow): CachedEnrollment {
  return {
    realmId,
    enrollmentId: row.enrollment_id,
    userId: row.user_id,
    schoolUid: row.school_uid,
    displayName: row.display_name,
    sortableName: row.sortable_name,
    pictureUrl: row.picture_url,
    role: row.role,
    status: row.status,
    provider: row.provider,
    source: JSON.parse(row.source) as EnrollmentSource['record'],
  };
}

export class EnrollmentsRepo {
  private readonly stmt;
  /**
   * account id → user id → the person fields this connection last committed to `people`. A district pull sees each
   * student once per section (~7 times); rewriting an unchanged person costs as much as inserting the enrollment, so
   * unchanged people are skipped. Entries are added only after their transaction commits, and the whole memo is
   * dropped when another connection writes the file (PRAGMA data_version) or an account is removed (forgetPeople).
   */
  private readonly peopleMemo = new Map<string, Map<string, PersonFields>>();
  private memoDataVersion = -1;

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.stmt = {
      realm: db.prepare<[string], { no: number; account_id: string; key: string; provider: Provider }>(SQL.realm),
      deleteRealm: db.prepare<[number]>(SQL.deleteRealm),
      insert: db.prepare(SQL.insert),
      upsertPerson: db.prepare(SQL.upsertPerson),
      stampRealm: db.prepare<[{ realmNo: number; now: string }], number>(SQL.stampRealm).pluck(),
      listRealm: db.prepare<[string], EnrollmentRow>(SQL.listRealm),
      get: db.prepare<[string, string], EnrollmentRow>(SQL.get),
      person: db.prepare<[string, string], PersonRow>(SQL.person),
      dataVersion: db.prepare<[], number>(SQL.dataVersion).pluck(),
    };
  }

  /** Replaces the realm's cached roster with `enrollments` (the complete roster) in one transaction. */
  replaceRealmSnapshot(realmId: string, enrollments: readonly Enrollment[]): SnapshotResult {
    const writer = this.beginRealmSnapshot(realmId);
    writer.addPage(enrollments);
    return writer.commit();
  }

  beginRealmSnapshot(realmId: string): RealmSnapshotWriter {
    let pages: (readonly Enrollment[])[] | null = [];
    const closed = (): never => {
      throw new Error(`The roster snapshot of realm "${realmId}" was already committed or aborted.`);
    };
    return {
      addPage: (enrollments) => {
        if (!pages) closed();
        pages?.push(enrollments);
      },
      commit: () => {
        if (!pages) return closed();
        const collected = pages;
        pages = null;
        return this.writeSnapshot(realmId, collected);
      },
      abort: () => {
        pages = null;
      },
    };
  }

  /**
   * Replaces several realms' rosters in ONE transaction. A district pull uses this to commit its realms in batches:
   * with synchronous=FULL every commit waits for the disk, so 2,000 one-realm commits cost more than the rows.
   */
  replaceRealmSnapshots(snapshots: Iterable<{ realmId: string; enrollments: readonly Enrollment[] }>): SnapshotResult[] {
    this.checkMemo();
    const written = new Map<string, Map<string, PersonFields>>();
    const results = this.db.transaction(() => {
      const done = Array.from(snapshots, ({ realmId, enrollments }) => this.writeRealm(realmId, [enrollments], written));
      this.writePeople(written);
      return done;
    })();
    for (const [accountId, people] of written) this.rememberPeople(accountId, people);
    return results;
  }

  private writeSnapshot(realmId: string, pages: readonly (readonly Enrollment[])[]): SnapshotResult {
    this.checkMemo();
    const written = new Map<string, Map<string, PersonFields>>();
    const result = this.db.transaction(() => {
      const done = this.writeRealm(realmId, pages, written);
      this.writePeople(written);
      return done;
    })();
    for (const [accountId, people] of written) this.rememberPeople(accountId, people);
    return result;
  }

  /**
   * Upserts the people a transaction met that are new or changed, in key order: a first district pull meets ~15,000
   * people in random order, and writing them sorted touches each b-tree page once instead of at random.
   */
  private writePeople(written: Map<string, Map<string, PersonFields>>): void {
    const { upsertPerson } = this.stmt;
    for (const [accountId, people] of written) {
      for (const userId of [...people.keys()].sort()) {
        const p = people.get(userId)!;
        const n = p.name;
        upsertPerson.run(
          accountId, userId, p.schoolUid, n.title, n.first, n.firstPreferred, n.middle, n.last, n.display,
          n.sortable || n.display || userId, p.sortKey, p.pictureUrl,
        );
      }
    }
  }

  /** The body of a snapshot swap; runs inside the caller's transaction. `written` collects the people to write. */
  private writeRealm(
    realmId: string,
    pages: readonly (readonly Enrollment[])[],
    written: Map<string, Map<string, PersonFields>>,
  ): SnapshotResult {
    const realm = this.stmt.realm.get(realmId);
    if (!realm) throw new Error(`Realm "${realmId}" is not in the offline cache; save the realm before its roster.`);
    const accountId = realm.account_id;
    const memo = this.peopleMemo.get(accountId);
    let fresh = written.get(accountId);
    if (!fresh) written.set(accountId, (fresh = new Map()));
    const { insert } = this.stmt;
    this.stmt.deleteRealm.run(realm.no);
    for (const page of pages) {
      for (const e of page) {
        if (e.realmKey !== realm.key) {
          throw new Error(
            `Enrollment ${e.id} belongs to realm "${e.realmKey}", not "${realm.key}"; the roster of ${realmId} was left unchanged.`,
          );
        }
        if (!VALID_ROLES.has(e.role) || !VALID_STATUSES.has(e.status) || e.provider !== realm.provider) {
          throw new Error(
            `Enrollment ${e.id} (role "${e.role}", status "${e.status}", from ${e.provider}) does not fit the ${realm.provider} realm ${realmId}; its roster was left unchanged.`,
          );
        }
        const n = e.name;
        const sortable = n.sortable || n.display || e.userId;
        // A person already written unchanged needs no people row, and their sort key is already known.
        const known = fresh.get(e.userId) ?? memo?.get(e.userId);
        const same = known !== undefined && samePerson(known, e);
        const sortKey = same ? known.sortKey : nameSortKey(sortable);
        insert.run(
          realm.no, e.id, e.userId, e.schoolUid, n.first, n.firstPreferred, n.last, n.display, sortable, sortKey,
          e.pictureUrl, e.role, e.status, JSON.stringify(e.source.record),
        );
        if (!same) fresh.set(e.userId, { name: n, schoolUid: e.schoolUid, pictureUrl: e.pictureUrl, sortKey });
      }
    }
    const count = this.stmt.stampRealm.get({ realmNo: realm.no, now: this.now().toISOString() }) ?? 0;
    return { realmId, count };
  }

  private checkMemo(): void {
    const version = this.stmt.dataVersion.get() ?? 0;
    if (version !== this.memoDataVersion) {
      this.peopleMemo.clear();
      this.memoDataVersion = version;
    }
  }

  private rememberPeople(accountId: string, written: Map<string, PersonFields>): void {
    if (written.size === 0) return;
    let memo = this.peopleMemo.get(accountId);
    if (!memo) this.peopleMemo.set(accountId, (memo = new Map()));
    for (const [userId, e] of written) memo.set(userId, e);
  }

  /** Drops what this repo remembers about an account's people; call when the account's rows are deleted. */
  forgetPeople(accountId?: string): void {
    if (accountId === undefined) this.peopleMemo.clear();
    else this.peopleMemo.delete(accountId);
  }

  listByRealm(realmId: string): CachedEnrollment[] {
    return this.stmt.listRealm.all(realmId).map((row) => toCached(realmId, row));
  }

  get(realmId: string, enrollmentId: string): CachedEnrollment | null {
    const row = this.stmt.get.get(realmId, enrollmentId);
    return row ? toCached(realmId, row) : null;
  }

  getPerson(accountId: string, userId: string): CachedPerson | null {
    const row = this.stmt.person.get(accountId, userId);
    if (!row) return null;
    return {
      accountId: row.account_id,
      userId: row.user_id,
      schoolUid: row.school_uid,
      title: row.name_title,
      first: row.name_first,
      firstPreferred: row.name_first_preferred,
      middle: row.name_middle,
      last: row.name_last,
      displayName: row.display_name,
      sortableName: row.sortable_name,
      pictureUrl: row.picture_url,
    };
  }
}
