/**
 * A queued edit (outbox op) as the CLI shows it: in Schoology's terms (realm key, enrollment id, uid, admin/status
 * numbers), the same object in `pending --json`, the edit commands' --json and the summary lines of `sync`.
 */
import type { Cache } from '../db/cache';
import type { OutboxOp } from '../db/outbox-repo';
import type { HeldConflict } from '../sync/outbox';
import type { Provider } from '../../shared/domain/provider';
import { adminOf, schoologyFields, schoologyFieldName, schoologyValue, statusNumberOf, type SchoologyFields } from './schoology-values';
import { shortId } from './output';

export interface OpJson {
  id: string;
  kind: string;
  state: string;
  /** "sections/3719526"; null for an access-code join (its realm is known once it is applied). */
  realm: string | null;
  enrollment_id: string | null;
  uid: string | null;
  fields: SchoologyFields;
  /** Sends so far; above 0 the LMS may already have seen it. */
  attempts: number;
  error: string | null;
}

export interface HeldOpJson extends OpJson {
  /** Why it is held: the LMS's words for a rejected edit, what changed on the server for a conflict. */
  reason: string;
  /** The enrollment as the LMS last showed it, or null when the LMS has none. */
  server: { id: string; admin: 0 | 1; status: number | null } | null;
}

export interface ConflictOpJson extends HeldOpJson {
  conflicts: Array<{ field: 'admin' | 'status' | 'enrollment'; mine: number | string | null; theirs: number | string | null }>;
}

/** The realm key of a cache realm id ("<account>/sections/1" → "sections/1"). */
export function realmKeyOf(op: Pick<OutboxOp, 'accountId' | 'realmId'>): string | null {
  if (op.realmId === null) return null;
  const prefix = `${op.accountId}/`;
  return op.realmId.startsWith(prefix) ? op.realmId.slice(prefix.length) : op.realmId;
}

export function opJson(op: OutboxOp): OpJson {
  return opJsonFor(op, undefined);
}

/** opJson for an account whose LMS the caller knows: for Canvas the fields name the role as well. */
export function opJsonFor(op: OutboxOp, provider: Provider | undefined): OpJson {
  return {
    id: op.id,
    kind: op.kind,
    state: op.state,
    realm: realmKeyOf(op),
    enrollment_id: op.enrollmentId,
    uid: op.userId,
    fields: op.kind === 'remove' ? {} : schoologyFields(op.fields, provider),
    attempts: op.attempts,
    error: op.error,
  };
}

/** The cached server row the op is about: by enrollment id, or for an enroll by the person in that realm. */
function serverRowOf(cache: Cache, op: OutboxOp): HeldOpJson['server'] {
  if (op.realmId === null) return null;
  const row = op.enrollmentId
    ? cache.enrollments.get(op.realmId, op.enrollmentId)
    : op.userId
      ? (cache.enrollments.listByRealm(op.realmId).find((e) => e.userId === op.userId) ?? null)
      : null;
  return row ? { id: row.enrollmentId, admin: adminOf(row.role), status: statusNumberOf(row.status) } : null;
}

export function rejectedJson(cache: Cache, op: OutboxOp, provider?: Provider): HeldOpJson {
  return { ...opJsonFor(op, provider), reason: op.error ?? 'rejected by the LMS', server: serverRowOf(cache, op) };
}

export function conflictJson(cache: Cache, op: OutboxOp & { conflicts: HeldConflict[] }, provider?: Provider): ConflictOpJson {
  const conflicts = op.conflicts.map((c) => ({
    field: schoologyFieldName(c.field),
    mine: schoologyValue(c.field, c.mine),
    theirs: schoologyValue(c.field, c.theirs),
  }));
  const reason = conflicts
    .map((c) =>
      c.field === 'enrollment'
        ? 'the enrollment was removed on the LMS'
        : `the LMS has ${c.field} ${String(c.theirs)} where you set ${String(c.mine)}`,
    )
    .join('; ');
  return { ...opJsonFor(op, provider), reason: reason || (op.error ?? 'in conflict with the LMS'), server: serverRowOf(cache, op), conflicts };
}

/**
 * "enroll uid 5 in sections/1 admin=0 status=1", "remove enrollment 7 from sections/1" (a Canvas op shows its role:
 * "role=ta status=1"): for sentences and tables.
 */
export function describeOp(op: OpJson): string {
  const fields = Object.entries(op.fields)
    .filter(([name]) => (op.fields.role !== undefined ? name === 'role' : name === 'admin') || name === 'status')
    .map(([name, value]) => ` ${name}=${String(value)}`)
    .join('');
  switch (op.kind) {
    case 'enroll':
      return `enroll uid ${op.uid ?? '?'} in ${op.realm ?? '?'}${fields}`;
    case 'update':
      return `update enrollment ${op.enrollment_id ?? '?'} in ${op.realm ?? '?'}${fields}`;
    case 'remove':
      return `remove enrollment ${op.enrollment_id ?? '?'} from ${op.realm ?? '?'}`;
    default:
      return `join a ${op.fields.realm_kind ?? 'section or group'} with access code ${op.fields.access_code ?? '?'}`;
  }
}

/** The op's id as tables show it (its last characters; `roster resolve` takes them). */
export const opLabel = (op: { id: string }): string => shortId(op.id);
