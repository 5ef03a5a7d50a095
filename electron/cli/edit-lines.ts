/**
 * An edit as the CLI takes it: one JSON line of `roster apply` — {"op":"enroll","realm":"sections/1","uid":"5",
 * "admin":0,"status":1}, {"op":"update","realm":…,"id":…,"status":2}, {"op":"remove","realm":…,"id":…} — which
 * `enroll`, `update` and `remove` build from their arguments too, so every edit passes the same checks. Values are
 * Schoology's numbers (admin 0|1, status 1–5) for both LMSs, plus an optional "role" (student, teacher, ta, designer,
 * observer) in place of admin, which Canvas accounts need for their other roles; toEdit turns a line into the
 * outbox's unified Edit. Which values an account's LMS can take is checkForProvider's job, once the account is known.
 */
import { z } from 'zod';
import { realmIdOf } from '../db/realms-repo';
import type { Edit } from '../sync/outbox';
import { ROLES, type Role, type SchoologyAdmin, type SchoologyStatus } from '../../shared/domain/roles';
import type { Provider } from '../../shared/domain/provider';
import { ROLE_WORDS, unsupportedValue } from './provider-words';
import { roleOfAdmin, STATUS_WORDS, statusOfNumber } from './schoology-values';

const Id = (what: string) => {
  const message = `${what} must be ${what === 'uid' ? 'a user id' : 'an enrollment id'} of the LMS (digits)`;
  return z.union([z.string().regex(/^\d+$/, message), z.number().int(message).nonnegative(message)], { error: message }).transform(String);
};
// Which of these kinds an account has (Schoology: sections, groups; Canvas: courses, sections) is realm-arg.ts's check.
const REALM_MESSAGE = 'realm must be sections/ID, groups/ID or courses/ID';
const Realm = z.string({ error: REALM_MESSAGE }).regex(/^(sections|groups|courses)\/\d+$/, REALM_MESSAGE);
const Admin = z.union([z.literal(0), z.literal(1)], { error: 'admin must be 0 (member) or 1 (admin)' });
const RoleField = z.enum(ROLES, { error: `role must be ${ROLE_WORDS}` });
const Status = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5)], {
  error: `status must be 1 to 5 (${STATUS_WORDS})`,
});

const ONE_ROLE = { error: 'give role or admin, not both: they set the same thing' };
const EnrollLine = z
  .object({ op: z.literal('enroll'), realm: Realm, uid: Id('uid'), admin: Admin.optional(), role: RoleField.optional(), status: Status.default(1) })
  .strict()
  .refine((line) => line.admin === undefined || line.role === undefined, ONE_ROLE)
  // Without role, admin keeps its default (0, a member) as before.
  .transform(({ role, admin, ...line }) => (role === undefined ? { ...line, admin: admin ?? 0 } : { ...line, role }));
const UpdateLine = z
  .object({ op: z.literal('update'), realm: Realm, id: Id('id'), admin: Admin.optional(), role: RoleField.optional(), status: Status.optional() })
  .strict()
  .refine((line) => line.admin === undefined || line.role === undefined, ONE_ROLE)
  .refine((line) => line.admin !== undefined || line.role !== undefined || line.status !== undefined, {
    error: 'an update needs status, admin or role (or status with one of them)',
  });
const RemoveLine = z.object({ op: z.literal('remove'), realm: Realm, id: Id('id') }).strict();

const LINE_SCHEMAS = { enroll: EnrollLine, update: UpdateLine, remove: RemoveLine } as const;
const REQUIRED = { enroll: ['realm', 'uid'], update: ['realm', 'id'], remove: ['realm', 'id'] } as const;

/** An enroll names its role either way: admin (Schoology's 0|1) or role; an update may set one of them. */
export type EditLine =
  | ({ op: 'enroll'; realm: string; uid: string; status: SchoologyStatus } & ({ admin: SchoologyAdmin } | { role: Role }))
  | { op: 'update'; realm: string; id: string; admin?: SchoologyAdmin; role?: Role; status?: SchoologyStatus }
  | { op: 'remove'; realm: string; id: string };

/** An edit line that does not validate; the message names what is wrong (the caller adds the line number). */
export class EditLineError extends Error {
  override name = 'EditLineError';
}

/** Validates one decoded line; throws EditLineError with the first problem in words. */
export function parseEditLine(value: unknown): EditLine {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new EditLineError('expected a JSON object like {"op":"enroll",…}');
  const op = (value as { op?: unknown }).op;
  if (op !== 'enroll' && op !== 'update' && op !== 'remove') {
    throw new EditLineError(`op must be "enroll", "update" or "remove", got ${op === undefined ? 'none' : JSON.stringify(op)}`);
  }
  const missing = REQUIRED[op].find((key) => (value as Record<string, unknown>)[key] === undefined);
  if (missing) throw new EditLineError(`${missing} is missing (op "${op}" needs ${REQUIRED[op].join(' and ')})`);
  const result = LINE_SCHEMAS[op].safeParse(value);
  if (result.success) return result.data as EditLine;
  const issue = result.error.issues[0];
  if (issue?.code === 'unrecognized_keys') throw new EditLineError(`unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')} for op "${op}"`);
  const field = issue?.path.length ? issue.path.join('.') : '';
  const message = issue?.message ?? 'invalid';
  throw new EditLineError(message.startsWith(field) || !field ? message : `${field}: ${message}`);
}

/** The unified role a line sets, if any: its role, or what its admin flag stands for. */
function roleOf(line: { admin?: SchoologyAdmin; role?: Role }): Role | undefined {
  if (line.role !== undefined) return line.role;
  return line.admin === undefined ? undefined : roleOfAdmin(line.admin);
}

/** Refuses (EditLineError) a role or status the account's LMS cannot hold, e.g. a TA on Schoology. */
export function checkForProvider(line: EditLine, provider: Provider): void {
  if (line.op === 'remove') return;
  const problem = unsupportedValue(provider, { role: 'role' in line ? line.role : undefined, status: line.status });
  if (problem) throw new EditLineError(problem);
}

/** The line as the outbox's Edit, for the account's realm. */
export function toEdit(accountId: string, line: EditLine): Edit {
  const realmId = realmIdOf(accountId, line.realm);
  switch (line.op) {
    case 'enroll':
      return { kind: 'enroll', realmId, userId: line.uid, fields: { role: roleOf(line) ?? 'student', status: statusOfNumber(line.status) } };
    case 'update': {
      const role = roleOf(line);
      return {
        kind: 'update',
        realmId,
        enrollmentId: line.id,
        fields: {
          ...(role !== undefined ? { role } : {}),
          ...(line.status !== undefined ? { status: statusOfNumber(line.status) } : {}),
        },
      };
    }
    case 'remove':
      return { kind: 'remove', realmId, enrollmentId: line.id };
  }
}
