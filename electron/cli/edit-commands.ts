/**
 * `roster enroll|update|remove`: one edit each, queued in the outbox (offline is fine) for the next `roster sync`.
 * They build the same edit line `roster apply` reads, so both paths share every check.
 */
import type { AccountRecord } from '../db/accounts-repo';
import type { Provider } from '../../shared/domain/provider';
import { parseCommand, withContext } from './cli-context';
import { checkForProvider, EditLineError, parseEditLine, type EditLine } from './edit-lines';
import { queueEdits, type QueuedEdit } from './edit-queue';
import { describeOp, opJsonFor, opLabel } from './op-json';
import { printJson, printLine } from './output';
import { isRole, PROVIDER_NAMES, ROLE_WORDS } from './provider-words';
import { parseRealmArg } from './realm-arg';
import { parseAdmin, parseStatus } from './schoology-values';
import { UsageError } from './usage-error';

export async function runEnroll(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    'enroll',
    args,
    { uid: { type: 'string' }, admin: { type: 'boolean' }, role: { type: 'string' }, status: { type: 'string' } },
    { names: ['REALM'] },
  );
  if (values.uid === undefined) throw new UsageError('enroll: --uid UID is required');
  const uid = values.uid;
  const role = roleArg('enroll', values.role);
  if (role !== undefined && values.admin) throw new UsageError('enroll: give --role or --admin, not both');
  const status = values.status === undefined ? 1 : parseStatus(values.status);
  return queueOne(values, (account) => {
    // The account says whose user id it is: staff copy it from that LMS's pages.
    if (!/^\d+$/.test(uid)) throw new UsageError(`enroll: --uid must be a ${PROVIDER_NAMES[account.provider]} user id (digits), got "${uid}"`);
    const realm = parseRealmArg(positionals[0] as string, account);
    return role === undefined ? { op: 'enroll', realm, uid, admin: values.admin ? 1 : 0, status } : { op: 'enroll', realm, uid, role, status };
  });
}

export async function runUpdate(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    'update',
    args,
    { status: { type: 'string' }, admin: { type: 'string' }, role: { type: 'string' } },
    { names: ['REALM', 'ID'] },
  );
  if (values.status === undefined && values.admin === undefined && values.role === undefined) {
    throw new UsageError(`update: say what changes: --status N and/or --admin 0|1 (or --role ${ROLE_WORDS})`);
  }
  const role = roleArg('update', values.role);
  if (role !== undefined && values.admin !== undefined) throw new UsageError('update: give --role or --admin, not both');
  const status = values.status === undefined ? undefined : parseStatus(values.status);
  const admin = values.admin === undefined ? undefined : parseAdmin(values.admin);
  const id = enrollmentIdArg('update', positionals[1] as string);
  return queueOne(values, (account) => ({
    op: 'update',
    realm: parseRealmArg(positionals[0] as string, account),
    id,
    ...(admin !== undefined ? { admin } : {}),
    ...(role !== undefined ? { role } : {}),
    ...(status !== undefined ? { status } : {}),
  }));
}

export async function runRemove(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand('remove', args, {}, { names: ['REALM', 'ID'] });
  const id = enrollmentIdArg('remove', positionals[1] as string);
  return queueOne(values, (account) => ({ op: 'remove', realm: parseRealmArg(positionals[0] as string, account), id }));
}

function roleArg(command: string, text: string | undefined) {
  if (text === undefined) return undefined;
  if (!isRole(text)) throw new UsageError(`${command}: --role must be ${ROLE_WORDS}, got "${text}"`);
  return text;
}

function enrollmentIdArg(command: string, text: string): string {
  if (!/^\d+$/.test(text)) throw new UsageError(`${command}: ID must be an enrollment id (digits, as \`roster list\` shows), got "${text}"`);
  return text;
}

async function queueOne(values: Parameters<typeof withContext>[0], build: (account: AccountRecord) => EditLine): Promise<number> {
  return withContext(values, async (context) => {
    const account = context.account();
    const accountId = account.id;
    let edit: EditLine;
    try {
      edit = parseEditLine(build(account));
      checkForProvider(edit, account.provider);
    } catch (error) {
      if (error instanceof EditLineError) throw new UsageError(error.message);
      throw error;
    }
    const [queued] = await queueEdits(context, accountId, [{ line: null, edit }]);
    if (context.json) printJson(editResultJson(queued as QueuedEdit, account.provider));
    else printLine(describeResult(queued as QueuedEdit, account.provider));
    return 0;
  });
}

/** What the edit commands and `apply --json` print per edit. */
export function editResultJson(queued: QueuedEdit, provider?: Provider) {
  return {
    ...(queued.line !== null ? { line: queued.line } : {}),
    outcome: queued.result.outcome,
    op: queued.result.op ? opJsonFor(queued.result.op, provider) : null,
  };
}

export function describeResult({ result }: QueuedEdit, provider?: Provider): string {
  if (!result.op) return 'Cancelled: this undoes an unsynced edit, so nothing is left to sync for it.';
  const op = opJsonFor(result.op, provider);
  if (result.outcome === 'merged') return `Merged into unsynced edit ${opLabel(op)}: ${describeOp(op)}.`;
  return `Queued ${opLabel(op)}: ${describeOp(op)}. \`roster sync\` sends it.`;
}
