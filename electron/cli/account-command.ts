/**
 * `roster account add|list|remove`: LMS accounts. The secret is only ever read from stdin (never an argument, which
 * would land in the shell history and in every `ps` listing) and only ever stored in the OS keychain.
 */
import type { AccountRecord } from '../db/accounts-repo';
import { normalizeBaseUrl } from '../accounts/account-name';
import { parseCommand, splitCommand, withContext } from './cli-context';
import { plural, printJson, printLine, printTable } from './output';
import { UsageError } from './usage-error';

const ADD_USAGE = 'account add schoology --base-url URL --key KEY --secret-stdin';

export async function runAccount(args: string[]): Promise<number> {
  const { command: sub, args: rest } = splitCommand(args);
  switch (sub) {
    case 'add':
      return add(rest);
    case 'list':
      return list(rest);
    case 'remove':
      return remove(rest);
    case undefined:
    case '--help':
    case '-h':
      throw new UsageError('account: say add, list or remove');
    default:
      throw new UsageError(`account: unknown subcommand "${sub}" (add, list or remove)`);
  }
}

/** What `account list --json` and `account add --json` print for an account. */
function accountJson(account: AccountRecord) {
  return { name: account.name, provider: account.provider, baseUrl: account.baseUrl, user: account.user };
}

async function add(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    'account add',
    args,
    { 'base-url': { type: 'string' }, key: { type: 'string' }, 'secret-stdin': { type: 'boolean' } },
    { names: ['PROVIDER'] },
  );
  if (positionals[0] !== 'schoology') throw new UsageError(`account add: only schoology accounts can be added, got "${positionals[0]}" (${ADD_USAGE})`);
  if (!values['base-url']) throw new UsageError(`account add: --base-url is required (${ADD_USAGE})`);
  if (!values.key) throw new UsageError(`account add: --key is required (${ADD_USAGE})`);
  if (!values['secret-stdin']) {
    throw new UsageError('account add: the consumer secret is read from stdin only; pass --secret-stdin and pipe or paste it in');
  }
  let baseUrl: string;
  try {
    baseUrl = normalizeBaseUrl(values['base-url']);
  } catch (error) {
    throw new UsageError(`account add: --base-url ${(error as Error).message}`);
  }
  const consumerKey = values.key;
  const consumerSecret = await readSecret();
  if (!consumerSecret) throw new UsageError('account add: stdin held no secret; pipe the consumer secret in (e.g. from a password manager)');

  return withContext(values, async ({ accounts, json }) => {
    const account = await accounts.add({ provider: 'schoology', baseUrl, consumerKey, consumerSecret });
    if (json) printJson(accountJson(account));
    else {
      printLine(`Added account ${account.name}: ${account.user?.name ?? '?'} (uid ${account.user?.id ?? '?'}) at ${account.baseUrl}.`);
      printLine(`The secret is in the OS keychain. Next: roster pull${accounts.list().length > 1 ? ` --account ${account.name}` : ''}`);
    }
    return 0;
  });
}

async function list(args: string[]): Promise<number> {
  const { values } = parseCommand('account list', args, {}, { names: [] });
  return withContext(values, async ({ accounts, json }) => {
    const all = accounts.list();
    if (json) printJson(all.map(accountJson));
    else if (all.length === 0) printLine(`No accounts yet. Add one with: roster ${ADD_USAGE}`);
    else {
      printTable(
        ['NAME', 'PROVIDER', 'USER', 'BASE URL'],
        all.map((a) => [a.name, a.provider, a.user ? `${a.user.name} (${a.user.id})` : '?', a.baseUrl]),
      );
    }
    return 0;
  });
}

async function remove(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand('account remove', args, {}, { names: ['NAME'] });
  const name = positionals[0] as string;
  return withContext(values, async ({ accounts, json }) => {
    const removed = await accounts.remove(name);
    if (json) {
      printJson({ name: removed.account.name, droppedEdits: removed.droppedEdits, keychainEntryDeleted: removed.keychainEntryDeleted });
    } else {
      const edits = removed.droppedEdits > 0 ? `, and ${plural(removed.droppedEdits, 'unsynced edit')} with it` : '';
      const keychain = removed.keychainEntryDeleted ? 'its keychain entry deleted' : 'it had no keychain entry';
      printLine(`Removed account ${removed.account.name} (${keychain})${edits}.`);
    }
    return 0;
  });
}

/**
 * The secret from stdin: all of it when piped (one trailing newline dropped), or one line typed without echo when
 * stdin is a terminal, so it never shows on screen.
 */
async function readSecret(): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  }
  process.stderr.write('Consumer secret (not shown): ');
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  try {
    return await new Promise<string>((resolve, reject) => {
      let typed = '';
      const onData = (text: string) => {
        for (const char of text) {
          if (char === '\r' || char === '\n' || char === '\u0004') {
            stdin.off('data', onData);
            process.stderr.write('\n');
            resolve(typed);
            return;
          }
          if (char === '\u0003') {
            stdin.off('data', onData);
            process.stderr.write('\n');
            reject(new Error('cancelled; nothing was saved'));
            return;
          }
          typed = char === '\u007f' || char === '\b' ? typed.slice(0, -1) : typed + char;
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
  }
}
