import type Database from 'better-sqlite3';
import { type RosterPage, type RosterQueryParsed, type RosterRow, type RosterSortColumn } from '../../shared/api';
import { ROLES, STATUSES, type Role, type Status } from '../../shared/domain/roles';
import { nameSortKey } from './enrollments-repo';

/**
 * The roster as it will be after sync: server snapshot rows with the pending outbox ops laid over them.
 *
 * Two branches, UNIONed: the server rows of the chosen realms, each LEFT JOINed (through the outbox's
 * (realm_id, enrollment_id) index) to its newest update/remove op in a state the user must see — queued, rejected or
 * conflict; in_flight ops are the sync engine's business and access_code ops have no person to show yet — with
 * role/status replaced by an update's fields; and the enroll ops as rows of their own, named from `people` when
 * known (enqueueing an enroll copies its user there from any cached roster). Filters are applied inside each branch,
 * on the effective (overlaid) values, so only matching rows reach the sort; count(*) OVER () then gives the total
 * before LIMIT. Every step is an index probe within the chosen realms (the realm leads every key used), so the cost
 * follows the size of the realms asked for, not of the district.
 * (A first version grouped the realm's ops in a CTE and filtered after the UNION: SQLite built a temporary index per
 * query and carried every row through, 3× slower.)
 */
const VISIBLE = `('queued', 'rejected', 'conflict')`;

const SERVER_ROLE = `CASE WHEN o.kind = 'update' THEN coalesce(json_extract(o.fields, '$.role'), e.role) ELSE e.role END`;
const SERVER_STATUS = `CASE WHEN o.kind = 'update' THEN coalesce(json_extract(o.fields, '$.status'), e.status) ELSE e.status END`;
// The op travels as one JSON column: most rows have none, and every returned column costs on each of them.
const OP_JSON = `CASE WHEN o.id IS NULL THEN NULL ELSE json_array(o.id, o.kind, o.fields, o.state, o.error) END`;
const ENROLL_ROLE = `coalesce(json_extract(o.fields, '$.role'), 'student')`;
const ENROLL_STATUS = `coalesce(json_extract(o.fields, '$.status'), 'active')`;

interface Shape {
  column: RosterSortColumn;
  direction: 'asc' | 'desc';
  statuses: boolean;
  roles: boolean;
  search: boolean;
}

interface Columns {
  role: string;
  status: string;
  names: readonly string[];
  schoolUid: string;
  sortKey: string;
}

/** The filter terms of one branch, written against that branch's own column expressions. */
function filters(shape: Shape, c: Columns): string {
  const terms: string[] = [];
  if (shape.statuses) terms.push(`${c.status} IN (SELECT value FROM json_each(:statuses))`);
  if (shape.roles) terms.push(`${c.role} IN (SELECT value FROM json_each(:roles))`);
  if (shape.search) {
    const likes = [...c.names, c.schoolUid].map((column) => `${column} LIKE :like ESCAPE '\\'`);
    // The sort key is lowercased and accent-free, which LIKE's ASCII-only case folding is not.
    terms.push(`(${likes.join(' OR ')} OR instr(${c.sortKey}, :key) > 0)`);
  }
  return terms.map((term) => `\n      AND ${term}`).join('');
}

function rowsSql(shape: Shape): string {
  const server = filters(shape, {
    role: SERVER_ROLE,
    status: SERVER_STATUS,
    names: ['e.display_name', 'e.name_first', 'e.name_last', 'e.name_first_preferred'],
    schoolUid: 'e.school_uid',
    sortKey: 'e.sort_key',
  });
  const enroll = filters(shape, {
    role: ENROLL_ROLE,
    status: ENROLL_STATUS,
    names: ['coalesce(p.display_name, o.user_id)', 'p.name_first', 'p.name_last', 'p.name_first_preferred'],
    schoolUid: 'p.school_uid',
    sortKey: 'coalesce(p.sort_key, o.user_id)',
  });
  return `
    SELECT r.id AS realm_id, r.title AS realm_title, e.enrollment_id, e.user_id, e.school_uid, e.display_name,
      e.sortable_name, e.sort_key, e.picture_url, ${SERVER_ROLE} AS role, ${SERVER_STATUS} AS status, e.role AS server_role, e.status AS server_status,
      o.state AS op_state, ${OP_JSON} AS op
    FROM realms r
    JOIN enrollments e ON e.realm_no = r.no
    LEFT JOIN outbox o ON o.realm_id = r.id AND o.enrollment_id = e.enrollment_id
      AND o.kind IN ('update', 'remove') AND o.state IN ${VISIBLE}
      AND NOT EXISTS (
        SELECT 1 FROM outbox n
        WHERE n.realm_id = o.realm_id AND n.enrollment_id = o.enrollment_id AND n.seq > o.seq
          AND n.kind IN ('update', 'remove') AND n.state IN ${VISIBLE})
    WHERE r.id IN (SELECT value FROM json_each(:realms))${server}
    UNION ALL
    SELECT o.realm_id, (SELECT title FROM realms WHERE id = o.realm_id), NULL, o.user_id, coalesce(p.school_uid, ''), coalesce(p.display_name, o.user_id),
      coalesce(p.sortable_name, o.user_id), coalesce(p.sort_key, o.user_id), coalesce(p.picture_url, ''),
      ${ENROLL_ROLE}, ${ENROLL_STATUS}, NULL, NULL, o.state, ${OP_JSON}
    FROM outbox o
    LEFT JOIN people p ON p.account_id = o.account_id AND p.user_id = o.user_id
    WHERE o.realm_id IN (SELECT value FROM json_each(:realms)) AND o.kind = 'enroll' AND o.state IN ${VISIBLE}
      AND NOT EXISTS (
        SELECT 1 FROM outbox n
        WHERE n.realm_id = o.realm_id AND n.user_id = o.user_id AND n.seq > o.seq AND n.kind = 'enroll'
          AND n.state IN ${VISIBLE})${enroll}`;
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
  pending: [`CASE op_state WHEN 'queued' THEN 1 WHEN 'rejected' THEN 2 WHEN 'conflict' THEN 3 ELSE 0 END`],
};

// Ties always break the same way, so paging through equal keys neither repeats nor skips rows.
const TIE_BREAK = ['sort_key', 'user_id', 'realm_id', 'enrollment_id'];

/** Result columns, in the order RAW_* below reads them (the page statement returns arrays, not objects: faster). */
const RESULT = `realm_id, enrollment_id, user_id, school_uid, display_name, sortable_name, picture_url, role, status,
    server_role, server_status, op, count(*) OVER ()`;

function pageSql(shape: Shape): string {
  const keys = SORT_KEYS[shape.column];
  const order = [...keys.map((key) => `${key} ${shape.direction.toUpperCase()}`), ...TIE_BREAK.filter((key) => !keys.includes(key))];
  return `
  SELECT ${RESULT}
  FROM (${rowsSql(shape)})
  ORDER BY ${order.join(', ')}
  LIMIT :limit OFFSET :offset`;
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
  /** JSON [id, kind, fields JSON, state, error], or null without a visible op. */
  op: string | null,
  total: number,
];
const TOTAL = 12;

type Params = Record<string, string | number>;
type PendingOp = NonNullable<RosterRow['pending']>;

function toRow(raw: RawRow): RosterRow {
  const [realmId, enrollmentId, userId, schoolUid, displayName, sortableName, pictureUrl, role, status, serverRole, serverStatus, op] = raw;
  let pending: RosterRow['pending'] = null;
  if (op !== null) {
    const [opId, kind, fieldsJson, state, error] = JSON.parse(op) as [string, PendingOp['kind'], string, PendingOp['state'], string | null];
    const fields = JSON.parse(fieldsJson) as Record<string, unknown>;
    pending = {
      opId,
      kind,
      fields: kind === 'remove' ? [] : (['role', 'status'] as const).filter((f) => fields[f] !== undefined),
      state,
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

const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export class RosterQueryRepo {
  /** One prepared statement per query shape (sort × filters present), built on first use; at most 112 of each. */
  private readonly pages = new Map<string, Database.Statement<[Params], RawRow>>();
  private readonly counts = new Map<string, Database.Statement<[Params], number>>();

  constructor(private readonly db: Database.Database) {}

  query(q: RosterQueryParsed): RosterPage {
    const search = q.search?.trim() ?? '';
    const shape: Shape = {
      column: q.sort.column,
      direction: q.sort.direction,
      statuses: q.statuses !== undefined,
      roles: q.roles !== undefined,
      search: search !== '',
    };
    const params: Params = { realms: JSON.stringify(q.realmIds), limit: q.limit, offset: q.offset };
    if (shape.statuses) params.statuses = JSON.stringify(q.statuses);
    if (shape.roles) params.roles = JSON.stringify(q.roles);
    if (shape.search) {
      params.like = `%${escapeLike(search)}%`;
      params.key = nameSortKey(search);
    }
    const key = `${shape.column}:${shape.direction}:${+shape.statuses}${+shape.roles}${+shape.search}`;
    const rows = this.page(key, shape).all(params);
    // Past the last page the window count has no row to ride on, so count separately.
    const total = rows[0]?.[TOTAL] ?? (q.offset > 0 ? (this.count(key, shape).get(params) ?? 0) : 0);
    return { rows: rows.map(toRow), total, offset: q.offset };
  }

  private page(key: string, shape: Shape): Database.Statement<[Params], RawRow> {
    let stmt = this.pages.get(key);
    if (!stmt) this.pages.set(key, (stmt = this.db.prepare<[Params], RawRow>(pageSql(shape)).raw()));
    return stmt;
  }

  private count(key: string, shape: Shape): Database.Statement<[Params], number> {
    let stmt = this.counts.get(key);
    if (!stmt) this.counts.set(key, (stmt = this.db.prepare<[Params], number>(countSql(shape)).pluck()));
    return stmt;
  }
}
