import type Database from 'better-sqlite3';
import { writeTransaction } from './write-transaction';
import { type Enrollment, type EnrollmentSource } from '../../shared/domain/enrollment';
import { type Provider } from '../../shared/domain/provider';
import { type EnrollmentFields } from '../../shared/domain/enrollment';
import {
  ROLES,
  STATUSES,
  roleToCanvas,
  roleToSchoology,
  statusToCanvas,
  statusToSchoology,
  type Role,
  type Status,
} from '../../shared/domain/roles';

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
  /**
   * The server's version of the enrollment: Canvas's updated_at as the record holds it; null for Schoology (which
   * keeps no such stamp) and for a record whose values the cache set itself after a push (see applyServerFields).
   */
  version: string | null;
  source: EnrollmentSource['record'];
}

/**
 * A person as the cache knows them: from the `people` directory (people the app looked up or queued to enroll), or
 * else from any cached enrollment of theirs. Enrollment rows carry no title or middle name, so those are "" then.
 */
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

/** An enrollment's identity and editable values, without its record: what an edit is checked against. */
export type EnrollmentState = Pick<CachedEnrollment, 'enrollmentId' | 'userId' | 'role' | 'status' | 'version'>;

/** What `people` stores about someone: an Enrollment of theirs will do, or a user looked up by id. */
export type KnownPerson = Pick<Enrollment, 'userId' | 'schoolUid' | 'name' | 'pictureUrl'>;

/**
 * Collects a realm's roster page by page and swaps it in at the end.
 *
 * Pages are only held in memory until commit(); commit() then, in ONE transaction, deletes the realm's previous
 * server snapshot, inserts every collected enrollment and stamps the realm's pulled_at. So the
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
      name_last, display_name, sortable_name, sort_key, search_key, picture_url, role, status, source)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  upsertPerson: `
    INSERT INTO people (account_id, user_id, school_uid, name_title, name_first, name_first_preferred, name_middle,
      name_last, display_name, sortable_name, sort_key, search_key, picture_url)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (account_id, user_id) DO UPDATE SET
      school_uid = excluded.school_uid, name_title = excluded.name_title, name_first = excluded.name_first,
      name_first_preferred = excluded.name_first_preferred, name_middle = excluded.name_middle,
      name_last = excluded.name_last, display_name = excluded.display_name, sortable_name = excluded.sortable_name,
      sort_key = excluded.sort_key, search_key = excluded.search_key, picture_url = excluded.picture_url`,
  stampRealm: `
    UPDATE realms SET pulled_at = @now, enrollment_count = (SELECT count(*) FROM enrollments WHERE realm_no = @realmNo)
    WHERE no = @realmNo
    RETURNING enrollment_count`,
  listRealm: `SELECT ${ENROLLMENT_COLUMNS} FROM realms r JOIN enrollments e ON e.realm_no = r.no WHERE r.id = ? ORDER BY e.sort_key, e.user_id`,
  get: `SELECT ${ENROLLMENT_COLUMNS} FROM realms r JOIN enrollments e ON e.realm_no = r.no WHERE r.id = ? AND e.enrollment_id = ?`,
  // The version is read out of the stored record (no column of its own: one more migration for one field); CASE
  // spares a Schoology realm the JSON parse, since its records hold no stamp.
  states: `SELECT e.enrollment_id AS enrollmentId, e.user_id AS userId, e.role, e.status,
      CASE r.provider WHEN 'canvas' THEN nullif(json_extract(e.source, '$.updated_at'), '') END AS version
    FROM realms r JOIN enrollments e ON e.realm_no = r.no WHERE r.id = ?`,
  // A scan of one realm's roster (no user index: see the migration); hundreds of rows at most.
  byUser: `
    SELECT ${ENROLLMENT_COLUMNS} FROM realms r JOIN enrollments e ON e.realm_no = r.no WHERE r.id = ? AND e.user_id = ?
    ORDER BY e.enrollment_id LIMIT 1`,
  setFields: `UPDATE enrollments SET role = @role, status = @status, source = @source WHERE realm_no = @realmNo AND enrollment_id = @enrollmentId`,
  deleteOne: `DELETE FROM enrollments WHERE realm_no = ? AND enrollment_id = ?`,
  deleteUserOthers: `DELETE FROM enrollments WHERE realm_no = ? AND user_id = ? AND enrollment_id <> ?`,
  recount: `UPDATE realms SET enrollment_count = (SELECT count(*) FROM enrollments WHERE realm_no = @realmNo) WHERE no = @realmNo`,
  person: `
    SELECT account_id, user_id, school_uid, name_title, name_first, name_first_preferred, name_middle, name_last,
      display_name, sortable_name, picture_url
    FROM people WHERE account_id = ? AND user_id = ?`,
  // Not indexed by user: a scan of the account's rosters, for a person not in `people`.
  rosterPerson: `
    SELECT r.account_id, e.user_id, e.school_uid, '' AS name_title, e.name_first, e.name_first_preferred,
      '' AS name_middle, e.name_last, e.display_name, e.sortable_name, e.picture_url
    FROM realms r JOIN enrollments e ON e.realm_no = r.no
    WHERE r.account_id = ? AND e.user_id = ?
    LIMIT 1`,
} as const;

// Newline too: it separates the parts of a search key.
const ASCII = /^[\n\x20-\x7e]*$/;
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

/** The names and school uid a roster search looks in. */
export interface SearchedNames {
  display: string;
  first: string;
  firstPreferred: string;
  last: string;
  sortable: string;
  schoolUid: string;
}

/**
 * What a roster or people search matches typed text against (folded like nameSortKey): one precomputed column, so a
 * search is one instr() per row instead of a LIKE per name column (about half the time at 100,000 rows). Parts are
 * joined by '\n', which nobody types; a part found inside the parts already kept is left out, since whatever matches it
 * matches there. The sortable name is left out too when it is "Last, First" (as both providers make it): text without
 * a comma that matches it matches the first or last name, and a search with a comma also looks in the sort key.
 */
export function searchKeyOf(n: SearchedNames): string {
  return nameKeysOf(n).searchKey;
}

const withPart = (key: string, part: string): string => (part === '' || key.includes(part) ? key : `${key}\n${part}`);

/**
 * The sort key (nameSortKey of the sortable name) and the search key at once. Ingest needs both for every row, and one
 * fold of the joined text costs half of two: the sortable name leads the folded text, so the sort key is its first part
 * (folding keeps every '\n' where it was), and the search key what follows (or all of it, see searchKeyOf).
 */
export function nameKeysOf(n: SearchedNames): { sortKey: string; searchKey: string } {
  const rest = withPart(withPart(withPart(withPart(n.display, n.first), n.firstPreferred), n.last), n.schoolUid);
  const inSortKey = n.sortable === `${n.last}, ${n.first}` || n.sortable === n.last;
  if (n.sortable.includes('\n')) {
    return { sortKey: nameSortKey(n.sortable), searchKey: nameSortKey(withPart(rest, n.sortable).replace(/^\n/, '')) };
  }
  const folded = nameSortKey(`${n.sortable}\n${rest.startsWith('\n') ? rest.slice(1) : rest}`);
  const end = folded.indexOf('\n');
  const sortKey = folded.slice(0, end);
  let searchKey = folded.slice(end + 1);
  if (!inSortKey && sortKey !== '' && !searchKey.includes(sortKey)) searchKey = searchKey === '' ? sortKey : `${sortKey}\n${searchKey}`;
  return { sortKey, searchKey };
}

/** Canvas's updated_at of a record, or null (see CachedEnrollment.version). */
function versionOf(provider: Provider, record: Record<string, unknown>): string | null {
  const stamp = provider === 'canvas' ? record.updated_at : null;
  return typeof stamp === 'string' && stamp !== '' ? stamp : null;
}

function toCached(realmId: string, row: EnrollmentRow): CachedEnrollment {
  const source = JSON.parse(row.source) as EnrollmentSource['record'];
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
    version: versionOf(row.provider, source),
    source,
  };
}

export class EnrollmentsRepo {
  private readonly stmt;

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
      rosterPerson: db.prepare<[string, string], PersonRow>(SQL.rosterPerson),
      byUser: db.prepare<[string, string], EnrollmentRow>(SQL.byUser),
      states: db.prepare<[string], EnrollmentState>(SQL.states),
      setFields: db.prepare(SQL.setFields),
      deleteOne: db.prepare<[number, string]>(SQL.deleteOne),
      deleteUserOthers: db.prepare<[number, string, string]>(SQL.deleteUserOthers),
      recount: db.prepare<[{ realmNo: number }]>(SQL.recount),
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
        return writeTransaction(this.db, () => this.writeRealm(realmId, collected));
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
    return writeTransaction(this.db, () =>
      Array.from(snapshots, ({ realmId, enrollments }) => this.writeRealm(realmId, [enrollments])),
    );
  }

  /**
   * The body of a snapshot swap; runs inside the caller's transaction. It writes enrollments only: their rows carry
   * the names the roster shows, so ingest leaves `people` (the directory of people known outside a roster) alone.
   */
  private writeRealm(realmId: string, pages: readonly (readonly Enrollment[])[]): SnapshotResult {
    const realm = this.stmt.realm.get(realmId);
    if (!realm) throw new Error(`Realm "${realmId}" is not in the offline cache; save the realm before its roster.`);
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
        const keys = nameKeysOf({
          display: n.display, sortable, first: n.first, firstPreferred: n.firstPreferred, last: n.last, schoolUid: e.schoolUid,
        });
        insert.run(
          realm.no, e.id, e.userId, e.schoolUid, n.first, n.firstPreferred, n.last, n.display, sortable, keys.sortKey,
          keys.searchKey, e.pictureUrl, e.role, e.status, JSON.stringify(e.source.record),
        );
      }
    }
    const count = this.stmt.stampRealm.get({ realmNo: realm.no, now: this.now().toISOString() }) ?? 0;
    return { realmId, count };
  }

  listByRealm(realmId: string): CachedEnrollment[] {
    return this.stmt.listRealm.all(realmId).map((row) => toCached(realmId, row));
  }

  get(realmId: string, enrollmentId: string): CachedEnrollment | null {
    const row = this.stmt.get.get(realmId, enrollmentId);
    return row ? toCached(realmId, row) : null;
  }

  /** Every cached enrollment of the realm, in no particular order, without source records: one read for a bulk edit. */
  statesOf(realmId: string): EnrollmentState[] {
    return this.stmt.states.all(realmId);
  }

  /** The person's enrollment in the realm, or null (their realm ids are unique per person at both LMSs). */
  findByUser(realmId: string, userId: string): CachedEnrollment | null {
    const row = this.stmt.byUser.get(realmId, userId);
    return row ? toCached(realmId, row) : null;
  }

  // --- Server-apply: the LMS confirmed an edit, so the cached server state takes its result. They run inside the
  // caller's transaction (the outbox deletes the op in the same one) and leave pulled_at alone: only a pull stamps it.

  /**
   * The LMS created (or upserted) the enrollment: cache it with the person's names from `people` or another roster
   * (else the user id). Any other cached enrollment of the same person in the realm is dropped: an upsert answers with
   * the one enrollment the person has there. The stored source record is a minimal one in the provider's wire shape;
   * the next pull replaces it with the full record.
   */
  applyServerEnroll(realmId: string, enrollmentId: string, userId: string, fields: EnrollmentFields): void {
    const realm = this.requireRealm(realmId);
    const person = this.getPerson(realm.account_id, userId);
    const display = person?.displayName || userId;
    const sortable = person?.sortableName || display;
    const record =
      realm.provider === 'schoology'
        ? {
            id: enrollmentId, uid: userId, school_uid: person?.schoolUid ?? '', name_title: person?.title ?? '',
            name_first: person?.first ?? '', name_first_preferred: person?.firstPreferred ?? '',
            name_middle: person?.middle ?? '', name_last: person?.last ?? '', name_display: display,
            admin: roleToSchoology(fields.role), status: statusToSchoology(fields.status), picture_url: person?.pictureUrl ?? '',
          }
        : {
            id: enrollmentId, user_id: userId, sis_user_id: person?.schoolUid ?? null, type: roleToCanvas(fields.role),
            enrollment_state: statusToCanvas(fields.status),
          };
    const search = searchKeyOf({
      display, first: person?.first ?? '', firstPreferred: person?.firstPreferred ?? '', last: person?.last ?? '', sortable,
      schoolUid: person?.schoolUid ?? '',
    });
    this.stmt.deleteUserOthers.run(realm.no, userId, enrollmentId);
    this.stmt.insert.run(
      realm.no, enrollmentId, userId, person?.schoolUid ?? '', person?.first ?? '', person?.firstPreferred ?? '',
      person?.last ?? '', display, sortable, nameSortKey(sortable), search, person?.pictureUrl ?? '', fields.role,
      fields.status, JSON.stringify(record),
    );
    this.stmt.recount.run({ realmNo: realm.no });
  }

  /** The LMS set these fields on the enrollment; the source record follows. false when it is not cached. */
  applyServerFields(realmId: string, enrollmentId: string, fields: Partial<EnrollmentFields>): boolean {
    const current = this.get(realmId, enrollmentId);
    if (!current) return false;
    const role = fields.role ?? current.role;
    const status = fields.status ?? current.status;
    const source: Record<string, unknown> = { ...current.source };
    if (current.provider === 'schoology') {
      source.admin = roleToSchoology(role);
      source.status = statusToSchoology(status);
    } else {
      source.type = roleToCanvas(role);
      source.enrollment_state = statusToCanvas(status);
      // The push gave the enrollment a new updated_at that the cache does not know: the old stamp would claim these
      // values are what the user saw at that version. Unknown until the next read (an edit made meanwhile records no
      // version, and the engine compares its values instead).
      source.updated_at = null;
    }
    const realm = this.requireRealm(realmId);
    this.stmt.setFields.run({ realmNo: realm.no, enrollmentId, role, status, source: JSON.stringify(source) });
    return true;
  }

  /** The LMS removed the enrollment. false when it was not cached. */
  applyServerRemove(realmId: string, enrollmentId: string): boolean {
    const realm = this.requireRealm(realmId);
    const removed = this.stmt.deleteOne.run(realm.no, enrollmentId).changes > 0;
    if (removed) this.stmt.recount.run({ realmNo: realm.no });
    return removed;
  }

  private requireRealm(realmId: string): { no: number; account_id: string; key: string; provider: Provider } {
    const realm = this.stmt.realm.get(realmId);
    if (!realm) throw new Error(`Realm "${realmId}" is not in the offline cache; pull it before writing its roster.`);
    return realm;
  }

  /**
   * Adds `person` to the account's people directory, or updates them there: for a person the app looked up by id
   * (and so may enroll) rather than met in a cached roster. The roster overlay names pending enrolls from it.
   */
  rememberPerson(accountId: string, person: KnownPerson): void {
    const n = person.name;
    const sortable = n.sortable || n.display || person.userId;
    this.stmt.upsertPerson.run(
      accountId, person.userId, person.schoolUid, n.title, n.first, n.firstPreferred, n.middle, n.last, n.display,
      sortable, nameSortKey(sortable), searchKeyOf({ ...n, sortable, schoolUid: person.schoolUid }), person.pictureUrl,
    );
  }

  /** The person from the people directory, else from any cached enrollment of theirs in the account; else null. */
  getPerson(accountId: string, userId: string): CachedPerson | null {
    const row = this.stmt.person.get(accountId, userId) ?? this.stmt.rosterPerson.get(accountId, userId);
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
