/**
 * `roster list REALM [--status N] [--role admin|member|ROLE] [--search TEXT]`: the roster as it will be after sync —
 * the cached server state with unsynced edits laid over it and marked. Works offline: it reads only the cache. A
 * Canvas realm's ROLE and STATUS columns use Canvas's words (Student, TA; Concluded), the numbers staying the same.
 */
import { realmIdOf } from '../db/realms-repo';
import type { RosterRow } from '../../shared/api';
import type { Provider } from '../../shared/domain/provider';
import { ROLES, isAdminRole, type Role } from '../../shared/domain/roles';
import { parseCommand, withContext, type CliContext } from './cli-context';
import { plural, printJson, printLine, printTable, shortId } from './output';
import { isRole, roleCell, ROLE_WORDS, statusCell } from './provider-words';
import { parseRealmArg } from './realm-arg';
import { adminOf, parseStatus, schoologyFields, statusesShownAs, statusNumberOf, type SchoologyFields } from './schoology-values';
import { UsageError } from './usage-error';

/** The query's page size: the largest RosterQuerySchema allows. */
const PAGE = 500;

export interface ListedPending {
  id: string;
  kind: string;
  state: string;
  fields: SchoologyFields;
  error: string | null;
}

/** One row of `list --json`. */
export interface ListedEnrollment {
  /** null for a person whose enrollment is still only a queued enroll. */
  id: string | null;
  uid: string;
  school_uid: string;
  name_display: string;
  admin: 0 | 1;
  /** The unified role (student, teacher, ta, designer, observer), which admin alone cannot tell for Canvas. */
  role: Role;
  status: number | null;
  pending: ListedPending | null;
}

export async function runList(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    'list',
    args,
    { status: { type: 'string' }, role: { type: 'string' }, search: { type: 'string' } },
    { names: ['REALM'] },
  );
  const statuses = values.status === undefined ? undefined : statusesShownAs(parseStatus(values.status));
  return withContext(values, async (context) => {
    const account = context.account();
    const roles = rolesOf(values.role, account.provider);
    const accountId = account.id;
    const key = parseRealmArg(positionals[0] as string, account);
    const realmId = realmIdOf(accountId, key);
    const realm = context.cache.realms.get(realmId);
    if (!realm) throw new Error(`${key} is not in the offline cache; run \`roster pull\` first`);

    const rows: RosterRow[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = context.cache.roster.query({
        realmIds: [realmId],
        ...(statuses ? { statuses } : {}),
        ...(roles ? { roles } : {}),
        ...(values.search !== undefined ? { search: values.search } : {}),
        sort: { column: 'name', direction: 'asc' },
        offset,
        limit: PAGE,
      });
      rows.push(...page.rows);
      if (page.rows.length < PAGE || rows.length >= page.total) break;
    }
    const listed = rows.map((row) => listedOf(context, row, account.provider));
    if (context.json) {
      printJson(listed);
      return 0;
    }
    printLine(`${realm.title} (${key})`);
    if (listed.length === 0) {
      printLine('No enrollments match.');
      return 0;
    }
    printTable(
      ['ID', 'UID', 'SCHOOL UID', 'NAME', 'ROLE', 'STATUS', 'PENDING'],
      rows.map((row, i) => {
        const item = listed[i] as ListedEnrollment;
        return [
          item.id ?? '(new)',
          item.uid,
          item.school_uid,
          item.name_display,
          roleCell(account.provider, row.role),
          statusCell(account.provider, item.status, row.status),
          item.pending ? describePending(item.pending) : '',
        ];
      }),
    );
    const marked = listed.filter((item) => item.pending).length;
    printLine(`\n${plural(listed.length, 'enrollment')}; ${marked} with unsynced edits.`);
    return 0;
  });
}

/** `--role`: admin or member (either LMS); on a Canvas account also one of its roles (e.g. ta: the course's TAs). */
function rolesOf(text: string | undefined, provider: Provider): Role[] | undefined {
  if (text === undefined) return undefined;
  if (text === 'admin' || text === 'member') return ROLES.filter((role) => isAdminRole(role) === (text === 'admin'));
  if (provider === 'canvas' && isRole(text)) return [text];
  throw new UsageError(`--role must be admin or member${provider === 'canvas' ? ` (or ${ROLE_WORDS})` : ''}, got "${text}"`);
}

function listedOf({ cache }: CliContext, row: RosterRow, provider: Provider): ListedEnrollment {
  let pending: ListedPending | null = null;
  if (row.pending) {
    // The roster row names the op and which fields it sets; the values come from the op itself.
    const op = cache.outbox.get(row.pending.opId);
    pending = {
      id: row.pending.opId,
      kind: row.pending.kind,
      state: op?.state ?? row.pending.state,
      fields: op && row.pending.kind !== 'remove' ? schoologyFields(op.fields, provider) : {},
      error: op?.error ?? row.pending.error,
    };
  }
  return {
    id: row.enrollmentId,
    uid: row.userId,
    school_uid: row.schoolUid,
    name_display: row.displayName,
    admin: adminOf(row.role),
    role: row.role,
    status: statusNumberOf(row.status),
    pending,
  };
}

/**
 * "enroll (queued)", "update status=2 (queued)", "remove (rejected: …)" — with the op id prefix to act on it. A Canvas
 * op names its role instead of the admin flag ("update role=ta").
 */
function describePending(pending: ListedPending): string {
  const fields = Object.entries(pending.fields)
    .filter(([name]) => name !== (pending.fields.role !== undefined ? 'admin' : 'role'))
    .map(([name, value]) => `${name}=${String(value)}`)
    .join(' ');
  const kind = pending.kind === 'update' && fields ? `update ${fields}` : pending.kind;
  const state = pending.state === 'in_flight' ? 'sending' : pending.state;
  return `${kind} (${state}${pending.error ? `: ${pending.error}` : ''}) ${shortId(pending.id)}`;
}
