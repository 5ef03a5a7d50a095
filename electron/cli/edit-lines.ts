/**
 * An edit as the CLI takes it: one JSON line of `roster apply` — {"op":"enroll","realm":"sections/1","uid":"5",
 * "admin":0,"status":1}, {"op":"update","realm":…,"id":…,"status":2}, {"op":"remove","realm":…,"id":…} — which
 * `enroll`, `update` and `remove` build from their arguments too, so every edit passes the same checks. Values are
 * Schoology's (admin 0|1, status 1–5); toEdit turns a line into the outbox's unified Edit.
 */
import { z } from 'zod';
import { realmIdOf } from '../db/realms-repo';
import type { Edit } from '../sync/outbox';
import type { SchoologyAdmin, SchoologyStatus } from '../../shared/domain/roles';
import { roleOfAdmin, STATUS_WORDS, statusOfNumber } from './schoology-values';

const Id = (what: string) => {
  const message = `${what} must be a Schoology id (digits)`;
  return z.union([z.string().regex(/^\d+$/, message), z.number().int(message).nonnegative(message)], { error: message }).transform(String);
};
// Which of these kinds an account has (Schoology: sections, groups; Canvas: courses, sections) is realm-arg.ts's check.
const REALM_MESSAGE = 'realm must be sections/ID, groups/ID or courses/ID';
const Realm = z.string({ error: REALM_MESSAGE }).regex(/^(sections|groups|courses)\/\d+$/, REALM_MESSAGE);
const Admin = z.union([z.literal(0), z.literal(1)], { error: 'admin must be 0 (member) or 1 (admin)' });
const Status = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5)], {
  error: `status must be 1 to 5 (${STATUS_WORDS})`,
});

const EnrollLine = z
  .object({ op: z.literal('enroll'), realm: Realm, uid: Id('uid'), admin: Admin.default(0), status: Status.default(1) })
  .strict();
const UpdateLine = z
  .object({ op: z.literal('update'), realm: Realm, id: Id('id'), admin: Admin.optional(), status: Status.optional() })
  .strict()
  .refine((line) => line.admin !== undefined || line.status !== undefined, { error: 'an update needs status or admin (or both)' });
const RemoveLine = z.object({ op: z.literal('remove'), realm: Realm, id: Id('id') }).strict();

const LINE_SCHEMAS = { enroll: EnrollLine, update: UpdateLine, remove: RemoveLine } as const;
const REQUIRED = { enroll: ['realm', 'uid'], update: ['realm', 'id'], remove: ['realm', 'id'] } as const;

export type EditLine =
  | { op: 'enroll'; realm: string; uid: string; admin: SchoologyAdmin; status: SchoologyStatus }
  | { op: 'update'; realm: string; id: string; admin?: SchoologyAdmin; status?: SchoologyStatus }
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

/** The line as the outbox's Edit, for the account's realm. */
export function toEdit(accountId: string, line: EditLine): Edit {
  const realmId = realmIdOf(accountId, line.realm);
  switch (line.op) {
    case 'enroll':
      return { kind: 'enroll', realmId, userId: line.uid, fields: { role: roleOfAdmin(line.admin), status: statusOfNumber(line.status) } };
    case 'update':
      return {
        kind: 'update',
        realmId,
        enrollmentId: line.id,
        fields: {
          ...(line.admin !== undefined ? { role: roleOfAdmin(line.admin) } : {}),
          ...(line.status !== undefined ? { status: statusOfNumber(line.status) } : {}),
        },
      };
    case 'remove':
      return { kind: 'remove', realmId, enrollmentId: line.id };
  }
}
