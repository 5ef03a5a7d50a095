import type Database from 'better-sqlite3';
import { type RosterPage, type RosterQueryParsed, type RosterRow, type RosterSortColumn } from '../../shared/api';
import { ROLES, STATUSES, type Role, type Status } from '../../shared/domain/roles';
import { nameSortKey } from './enrollments-repo';
import { type OutboxState } from './outbox-repo';

/**
 * The roster as it will be after sync: server snapshot rows with the pending outbox ops laid over them.
 *
 * An op is about a TARGET, one person in one realm (outbox.user_id is filled for every kind but access codes, which
 * have no person to show yet). Each target shows exactly one row, carrying its NEWEST op in whatever state: queued,
 * in flight (shown as queued: an edit is pending until the LMS confirmed it), rejected or conflict. The newest op
 * states the target's full intent (electron/sync/outbox.ts), so it alone decides the row's values.
 *
 * Two branches, UNIONed: the server rows of the chosen realms, each LEFT JOINed (through outbox_by_target) to its
 * person's newest op, role/status replaced by an update's or enroll's fields; and the newest op of every target the
 * server rows do not hold (pending enrolls, or an edit of an enrollment a pull no longer found), named from `people`
 * when known (queueing an enroll copies its user there from any cached roster). Filters are applied inside each
 * branch, on the effective (overlaid) values, so only matching rows reach the sort; count(*) OVER () then gives the
 * total before LIMIT. Every step is an index probe within the chosen realms (the realm leads every key used), so the
 * cost follows the size of the realms asked for, not of the district.
 * (A first version grouped the realm's ops in a CTE and filtered after the UNION: SQLite built a temporary index per
 * query and carried every row through, 3× slower.)
 */
const NEWEST = `NOT EXISTS (SELECT 1 FROM outbox n WHERE n.realm_id = o.realm_id AND n.user_id = o.user_id AND n.seq > o.seq)`;

const OVERLAID = `o.kind IN ('update', 'enroll')`;
const SERVER_ROLE = `CASE WHEN ${OVERLAID} THEN coalesce(json_extract(o.fields, '$.role'), e.role) ELSE e.role END`;
const SERVER_STATUS = `CASE WHEN ${OVERLAID} THEN coalesce(json_extract(o.fields, '$.status'), e.status) ELSE e.status END`;
// The op travels as one JSON column: most rows have none, and every returned column costs on each of them.
const OP_JSON = `CASE WHEN o.id IS NULL THEN NULL ELSE json_array(o.id, o.kind, o.fields, o.state, o.error) END`;
// Without a server row: an enroll's fields; an update's over its base; a remove (of an enroll not yet applied) its base.
const PENDING_ROLE = `coalesce(json_extract(o.fields, '$.role'), json_extract(o.base, '$.role'), 'student')`;
const PENDING_STATUS = `coalesce(json_extract(o.fields, '$.status'), json_extract(o.base, '$.status'), 'active')`;

export interface Shape {
  column: RosterSortColumn;
  direction: 'asc' | 'desc';
  statuses: boolean;
  roles: boolean;
  search: boolean;
  /** The search has a comma: it may be a name typed "last, first", which the sort key holds (see searchKeyOf). */
  comma: boolean;
}

interface Columns {
  role: string;
  status: string;
  searchKey: string;
  sortKey: string;
}

/** The filter terms of one branch, written against that branch's own column expressions. */
function filters(shape: Shape, c: Columns): string {
  const terms: string[] = [];
  if (shape.statuses) terms.push(`${c.status} IN (SELECT value FROM json_each(:statuses))`);
  if (shape.roles) terms.push(`${c.role} IN (SELECT value FROM json_each(:roles))`);
  // The search key holds every searched name and the school uid, folded as :key is (see searchKeyOf); instr() takes
  // the text literally, so % and _ need no escaping.
  if (shape.search) {
    terms.push(shape.comma ? `(instr(${c.searchKey}, :key) > 0 OR instr(${c.sortKey}, :key) > 0)` : `instr(${c.searchKey}, :key) > 0`);
  }
  return terms.map((term) => `\n      AND ${term}`).join('');
}

/**
 * `keyed`: only the rows named by :serverIds (enrollment ids) and :opIds (ops of rows the LMS does not hold), each a
 * primary-key probe: how a page is read from an ordered snapshot (see RosterQueryRepo.query).
 */
export function rowsSql(shape: Shape, withNames = false, keyed = false): string {
  const server = filters(shape, {
    role: SERVER_ROLE,
    status: SERVER_STATUS,
    searchKey: 'e.search_key',
    sortKey: 'e.sort_key',
  });
  const pending = filters(shape, {
    role: PENDING_ROLE,
    status: PENDING_STATUS,
    // Someone `people` does not know shows as their user id, so that is what a search finds them by.
    searchKey: 'coalesce(p.search_key, o.user_id)',
    sortKey: 'coalesce(p.sort_key, o.user_id)',
  });
  // The pending branch skips targets the server rows show: first a primary-key probe by the op's enrollment id, then
  // (for enrolls, and ids a pull no longer found) a scan of the realm's roster for the person.
  return `
    SELECT r.id AS realm_id, r.title AS realm_title, e.enrollment_id, e.user_id, e.school_uid, e.display_name,
      e.sortable_name, e.sort_key, e.picture_url, ${SERVER_ROLE} AS role, ${SERVER_STATUS} AS status, e.role AS server_role, e.status AS server_status,
      o.state AS op_state, ${OP_JSON} AS op${withNames ? ', e.name_first, e.name_last' : ''}
    FROM realms r
    JOIN enrollments e ON e.realm_no = r.no
    LEFT JOIN outbox o ON o.realm_id = r.id AND o.user_id = e.user_id AND ${NEWEST}
    WHERE r.id IN (SELECT value FROM json_each(:realms))${server}${keyed ? '\n      AND e.enrollment_id IN (SELECT value FROM json_each(:serverIds))' : ''}
    UNION ALL
    SELECT r.id, r.title, o.enrollment_id, o.user_id, coalesce(p.school_uid, ''), coalesce(p.display_name, o.user_id),
      coalesce(p.sortable_name, o.user_id), coalesce(p.sort_key, o.user_id), coalesce(p.picture_url, ''),
      ${PENDING_ROLE}, ${PENDING_STATUS}, NULL, NULL, o.state, ${OP_JSON}${withNames ? ", coalesce(p.name_first, ''), coalesce(p.name_last, '')" : ''}
    FROM realms r
    JOIN outbox o ON o.realm_id = r.id
    LEFT JOIN people p ON p.account_id = o.account_id AND p.user_id = o.user_id
    WHERE r.id IN (SELECT value FROM json_each(:realms)) AND o.user_id IS NOT NULL AND ${NEWEST}
      AND NOT EXISTS (SELECT 1 FROM enrollments x WHERE x.realm_no = r.no AND x.enrollment_id = o.enrollment_id)
      AND NOT EXISTS (SELECT 1 FROM enrollments x WHERE x.realm_no = r.no AND x.user_id = o.user_id)${pending}${keyed ? '\n      AND o.id IN (SELECT value FROM json_each(:opIds))' : ''}`;
}

const rank = (column: string, values: readonly string[]): string =>
  `CASE ${column} ${values.map((v, i) => `WHEN '${v}' THEN ${i}`).join(' ')} ELSE ${values.length} END`;

/** Sort keys per column; role and status sort in domain order (teacher first, active first), not alphabetically. */
const SORT_KEYS: Record<RosterSortColumn, readonly string[]> = {
  name: ['sort_key'],
  schoolUid: ['school_uid COLLATE NOCASE'],
  // Ids are digit strings: shorter first makes text order numeric order.
  userId: ['length(user_id)', 'user_id'],
  role: [rank('role', ROLES)],
  status: [rank('status', STATUSES)],
  realm: ['realm_title', 'realm_id'],
  // Ascending: rows without pending edits, then queued, rejected, conflict (descending puts what needs help on top).
  pending: [`CASE op_state WHEN 'queued' THEN 1 WHEN 'in_flight' THEN 1 WHEN 'rejected' THEN 2 WHEN 'conflict' THEN 3 ELSE 0 END`],
};

// Ties always break the same way, so paging through equal keys neither repeats nor skips rows.
const TIE_BREAK = ['sort_key', 'user_id', 'realm_id', 'enrollment_id'];

/** Result columns, in the order RAW_* below reads them (the page statement returns arrays, not objects: faster). */
const RESULT = `realm_id, enrollment_id, user_id, school_uid, display_name, sortable_name, picture_url, role, status,
    server_role, server_status, op, count(*) OVER ()`;

function orderBy(shape: Shape): string {
  const keys = SORT_KEYS[shape.column];
  const order = [...keys.map((key) => `${key} ${shape.direction.toUpperCase()}`), ...TIE_BREAK.filter((key) => !keys.includes(key))];
  return order.join(', ');
}

function pageSql(shape: Shape): string {
  return `
  SELECT ${RESULT}
  FROM (${rowsSql(shape)})
  ORDER BY ${orderBy(shape)}
  LIMIT :limit OFFSET :offset`;
}

/** Every row with the first and last names (which pages do not carry), for reading a whole roster in one pass. */
function allRowsSql(shape: Shape): string {
  return `
  SELECT ${RESULT.replace('count(*) OVER ()', '0')}, name_first, name_last
  FROM (${rowsSql(shape, true)})
  ORDER BY ${orderBy(shape)}`;
}

/**
 * A query's rows in order, reduced to what names each: its realm, whether the LMS holds it (server branch), its
 * enrollment id and its op's id. The ordered snapshot that deep pages and selections are cut from.
 */
function orderedSql(shape: Shape): string {
  return `
  SELECT realm_id, server_role IS NOT NULL, enrollment_id, json_extract(op, '$[0]')
  FROM (${rowsSql(shape)})
  ORDER BY ${orderBy(shape)}`;
}

/** The rows a page of an ordered snapshot names, in no particular order (the snapshot has it). */
function keyedSql(shape: Shape): string {
  return `SELECT ${RESULT} FROM (${rowsSql(shape, false, true)})`;
}

function countSql(shape: Shape): string {
  return `SELECT count(*) FROM (${rowsSql(shape)})`;
}

type RawRow = [
  realmId: string,
  enrollmentId: string | null,
  userId: string,
  schoolUid: string,
  displayName: string,
  sortableName: string,
  pictureUrl: string,
  role: Role,
  status: Status,
  serverRole: Role | null,
  serverStatus: Status | null,
  /** JSON [id, kind, fields JSON, state, error], or null without an op. */
  op: string | null,
  total: number,
];
const TOTAL = 12;

type Params = Record<string, string | number>;
/** One row of an ordered snapshot: realm, held by the LMS (1) or only pending (0), enrollment id, op id. */
type OrderedRow = [realmId: string, server: 0 | 1, enrollmentId: string | null, opId: string | null];

/** A query's ordered rows as of one state of the cache (`version`). */
interface Snapshot {
  version: string;
  rows: OrderedRow[];
}

/** How many queries keep their snapshot: the roster on screen, its unfiltered count, a selection or two. */
const SNAPSHOTS_KEPT = 4;
/** Above this many people a roster's first page, too, comes from its ordered snapshot (see query). */
const LARGE_ROSTER = 5000;
type RawFullRow = [...RawRow, nameFirst: string, nameLast: string];

/** A roster row with the person's first and last names, as an export writes them. */
export interface NamedRosterRow extends RosterRow {
  firstName: string;
  lastName: string;
}

/** A roster query without paging: which rows, in which order. */
export type RosterSelection = Omit<RosterQueryParsed, 'offset' | 'limit'>;
type PendingOp = NonNullable<RosterRow['pending']>;

function toRow(raw: RawRow): RosterRow {
  const [realmId, enrollmentId, userId, schoolUid, displayName, sortableName, pictureUrl, role, status, serverRole, serverStatus, op] = raw;
  let pending: RosterRow['pending'] = null;
  if (op !== null) {
    const [opId, kind, fieldsJson, state, error] = JSON.parse(op) as [string, PendingOp['kind'], string, OutboxState, string | null];
    const fields = JSON.parse(fieldsJson) as Record<string, unknown>;
    pending = {
      opId,
      kind,
      fields: kind === 'remove' ? [] : (['role', 'status'] as const).filter((f) => fields[f] !== undefined),
      // In flight is still pending for the user: the edit counts as made only once the LMS confirmed it.
      state: state === 'in_flight' ? 'queued' : state,
      error,
    };
  }
  return {
    realmId,
    enrollmentId,
    userId,
    schoolUid,
    displayName,
    sortableName,
    pictureUrl,
    role,
    status,
    server: serverRole !== null && serverStatus !== null ? { role: serverRole, status: serverStatus } : null,
    pending,
  };
}

export class RosterQueryRepo {
  /** One prepared statement per query shape (sort × filters present) and kind, built on first use; at most 168 of each. */
  private readonly statements = new Map<string, Database.Statement<[Params], unknown>>();
  private serverCountStmt: Database.Statement<[string], number> | undefined;

  constructor(private readonly db: Database.Database) {}

  /**
   * One page of the roster. The first page of a class-sized roster is one statement (sort, LIMIT, count(*) OVER ()):
   * cheapest when nobody scrolls. Any other page, and every page of a large roster, is cut from the query's ordered
   * snapshot, built once (one sort of names only: ~150 ms at 100,000 rows, against ~200 ms for one full page) and
   * reused while the cache is unchanged, each page then being primary-key probes (~2 ms); before, every page deep in a
   * 100,000-row roster sorted all of it again (~0.4 s, more the deeper).
   */
  query(q: RosterQueryParsed): RosterPage {
    const { shape, params, key } = prepare(q);
    const snapshot = q.offset > 0 || this.isLarge(q.realmIds) ? this.snapshot(shape, params, key) : this.freshSnapshot(params, key);
    if (snapshot) return { rows: this.pageOf(snapshot, shape, params, key, q.offset, q.limit), total: snapshot.rows.length, offset: q.offset };
    params.limit = q.limit;
    params.offset = q.offset;
    const rows = this.statement<RawRow>('page', key, () => pageSql(shape), 'raw').all(params);
    // No row, no window count to ride on (an empty result, or a page past the end): count separately.
    const total = rows[0]?.[TOTAL] ?? (rows.length === 0 && q.offset > 0 ? this.total(key, shape, params) : 0);
    return { rows: rows.map(toRow), total, offset: q.offset };
  }

  /** The refs of a query's rows in its order: what an edit names each by (its enrollment id, else its op's id). */
  refs(q: RosterQueryParsed): { refs: Array<{ realmId: string; enrollmentId: string }>; total: number } {
    const { shape, params, key } = prepare(q);
    const { rows } = this.snapshot(shape, params, key);
    const refs = rows.slice(q.offset, q.offset + q.limit).map(([realmId, , enrollmentId, opId]) => ({ realmId, enrollmentId: (enrollmentId ?? opId)! }));
    return { refs, total: rows.length };
  }

  /**
   * Every row of a selection, one at a time, with first and last names. The cursor holds the connection: consume it
   * synchronously, and write to the cache only after it is done.
   */
  *each(q: RosterSelection): Generator<NamedRosterRow> {
    const { shape, params, key } = prepare(q);
    for (const raw of this.statement<RawFullRow>('all', key, () => allRowsSql(shape), 'raw').iterate(params)) {
      const [firstName, lastName] = raw.slice(TOTAL + 1) as [string, string];
      yield { ...toRow(raw.slice(0, TOTAL + 1) as RawRow), firstName, lastName };
    }
  }

  /** How many rows a selection has (no sorting, no paging). */
  count(q: Omit<RosterSelection, 'sort'>): number {
    const { shape, params, key } = prepare({ ...q, sort: { column: 'name', direction: 'asc' } });
    return this.total(key, shape, params);
  }

  /** How many rows of the realms the LMS has (as last pulled): the roster without its pending enrolls. */
  serverCount(realmIds: readonly string[]): number {
    this.serverCountStmt ??= this.db
      .prepare<[string], number>('SELECT count(*) FROM realms r JOIN enrollments e ON e.realm_no = r.no WHERE r.id IN (SELECT value FROM json_each(?))')
      .pluck();
    return this.serverCountStmt.get(JSON.stringify(realmIds)) ?? 0;
  }

  private readonly snapshots = new Map<string, Snapshot>();
  private sizeStmt: Database.Statement<[string], number | null> | undefined;

  /** Whether the realms hold more than LARGE_ROSTER people as last pulled (a stored count: no scan). */
  private isLarge(realmIds: readonly string[]): boolean {
    this.sizeStmt ??= this.db.prepare<[string], number | null>('SELECT sum(enrollment_count) FROM realms WHERE id IN (SELECT value FROM json_each(?))').pluck();
    return (this.sizeStmt.get(JSON.stringify(realmIds)) ?? 0) > LARGE_ROSTER;
  }
  private versionStmts: [Database.Statement<[], number>, Database.Statement<[], number>] | undefined;

  /**
   * Which state of the cache a snapshot saw: data_version moves when another connection (the CLI) commits,
   * total_changes when this one writes. Both are cheap reads; any write at all retires every snapshot.
   */
  private version(): string {
    this.versionStmts ??= [this.db.prepare<[], number>('PRAGMA data_version').pluck(), this.db.prepare<[], number>('SELECT total_changes()').pluck()];
    return `${this.versionStmts[0].get()}:${this.versionStmts[1].get()}`;
  }

  private freshSnapshot(params: Params, key: string): Snapshot | null {
    const name = `${key}:${JSON.stringify(params)}`;
    const snapshot = this.snapshots.get(name);
    if (!snapshot) return null;
    if (snapshot.version !== this.version()) {
      this.snapshots.delete(name);
      return null;
    }
    // Most recently used last: the Map's order is the eviction order.
    this.snapshots.delete(name);
    this.snapshots.set(name, snapshot);
    return snapshot;
  }

  private snapshot(shape: Shape, params: Params, key: string): Snapshot {
    const fresh = this.freshSnapshot(params, key);
    if (fresh) return fresh;
    const version = this.version();
    const rows = this.statement<OrderedRow>('ordered', key, () => orderedSql(shape), 'raw').all(params);
    const snapshot = { version, rows };
    this.snapshots.set(`${key}:${JSON.stringify(params)}`, snapshot);
    while (this.snapshots.size > SNAPSHOTS_KEPT) this.snapshots.delete(this.snapshots.keys().next().value!);
    return snapshot;
  }

  private pageOf(snapshot: Snapshot, shape: Shape, params: Params, key: string, offset: number, limit: number): RosterRow[] {
    const wanted = snapshot.rows.slice(offset, offset + limit);
    if (wanted.length === 0) return [];
    const serverIds = wanted.filter((row) => row[1] === 1).map((row) => row[2]);
    const opIds = wanted.filter((row) => row[1] === 0).map((row) => row[3]);
    const found = new Map<string, RosterRow>();
    const raws = this.statement<RawRow>('keyed', key, () => keyedSql(shape), 'raw').all({ ...params, serverIds: JSON.stringify(serverIds), opIds: JSON.stringify(opIds) });
    for (const raw of raws) {
      const row = toRow(raw);
      found.set(row.server ? `s\t${row.realmId}\t${row.enrollmentId}` : `p\t${row.pending?.opId}`, row);
    }
    const rows: RosterRow[] = [];
    for (const [realmId, server, enrollmentId, opId] of wanted) {
      const row = found.get(server === 1 ? `s\t${realmId}\t${enrollmentId}` : `p\t${opId}`);
      // Always found: the snapshot is of this very state of the cache (any write retires it).
      if (row) rows.push(row);
    }
    return rows;
  }

  private total(key: string, shape: Shape, params: Params): number {
    return this.statement<number>('count', key, () => countSql(shape), 'pluck').get(params) ?? 0;
  }

  private statement<T>(kind: string, key: string, sql: () => string, mode: 'raw' | 'pluck'): Database.Statement<[Params], T> {
    const name = `${kind}:${key}`;
    let stmt = this.statements.get(name) as Database.Statement<[Params], T> | undefined;
    if (!stmt) {
      const prepared = this.db.prepare<[Params], T>(sql());
      stmt = mode === 'raw' ? prepared.raw() : prepared.pluck();
      this.statements.set(name, stmt as Database.Statement<[Params], unknown>);
    }
    return stmt;
  }
}

/** The query's shape (which decides its SQL) and its parameters, paging left to the caller. */
function prepare(q: RosterSelection): { shape: Shape; params: Params; key: string } {
  const search = q.search?.trim() ?? '';
  const shape: Shape = {
    column: q.sort.column,
    direction: q.sort.direction,
    statuses: q.statuses !== undefined,
    roles: q.roles !== undefined,
    search: search !== '',
    comma: search.includes(','),
  };
  const params: Params = { realms: JSON.stringify(q.realmIds) };
  if (shape.statuses) params.statuses = JSON.stringify(q.statuses);
  if (shape.roles) params.roles = JSON.stringify(q.roles);
  if (shape.search) params.key = nameSortKey(search);
  return { shape, params, key: `${shape.column}:${shape.direction}:${+shape.statuses}${+shape.roles}${+shape.search}${+shape.comma}` };
}
