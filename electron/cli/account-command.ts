/**
 * `roster account add|list|remove`: LMS accounts. The secret (a Schoology consumer secret, a Canvas access token) is
 * only ever read from stdin (never an argument, which would land in the shell history and in every `ps` listing) and
 * only ever stored in the OS keychain.
 */
import type { AccountService } from '../accounts/account-service';
import type { AccountRecord } from '../db/accounts-repo';
import { VaultUnavailableError } from '../vault/credential-vault';
import { normalizeBaseUrl, normalizeCanvasBaseUrl } from '../accounts/account-name';
import { SignInError, type SignInAttempt } from '../accounts/sign-in';
import { parseCommand, splitCommand, withContext } from './cli-context';
import { CliExit, EXIT } from './exit-codes';
import { plural, printJson, printLine, printTable } from './output';
import { UsageError } from './usage-error';

const ADD_USAGE = 'account add schoology --base-url URL --key KEY --secret-stdin';
const ADD_CANVAS_USAGE = 'account add canvas --base-url URL --token-stdin';
const LOGIN_USAGE = 'account login schoology --base-url URL --web-url URL --key KEY --secret-stdin [--timeout SECONDS]';
const LOGIN_CANVAS_USAGE = 'account login canvas --base-url URL --client-id ID --client-secret-stdin [--timeout SECONDS]';

export async function runAccount(args: string[]): Promise<number> {
  const { command: sub, args: rest } = splitCommand(args);
  switch (sub) {
    case 'add':
      return add(rest);
    case 'login':
      return login(rest);
    case 'list':
      return list(rest);
    case 'remove':
      return remove(rest);
    case undefined:
    case '--help':
    case '-h':
      throw new UsageError('account: say add, login, list or remove');
    default:
      throw new UsageError(`account: unknown subcommand "${sub}" (add, login, list or remove)`);
  }
}

/** What `account list --json` and `account add --json` print for an account. */
function accountJson(account: AccountRecord) {
  return { name: account.name, provider: account.provider, baseUrl: account.baseUrl, user: account.user };
}

const ADD_OPTIONS = {
  'base-url': { type: 'string' },
  key: { type: 'string' },
  'secret-stdin': { type: 'boolean' },
  'token-stdin': { type: 'boolean' },
} as const;

type AddValues = ReturnType<typeof parseCommand<typeof ADD_OPTIONS>>['values'];

async function add(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand('account add', args, ADD_OPTIONS, { names: ['PROVIDER'] });
  if (positionals[0] === 'canvas') return addCanvas(values);
  if (positionals[0] !== 'schoology') {
    throw new UsageError(`account add: the provider is schoology or canvas, got "${positionals[0]}" (${ADD_USAGE}, or ${ADD_CANVAS_USAGE})`);
  }
  if (values['token-stdin']) throw new UsageError(`account add: --token-stdin is for canvas accounts; schoology takes a key and secret (${ADD_USAGE})`);
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
  const consumerSecret = await readSecret('Consumer secret');
  if (!consumerSecret) throw new UsageError('account add: stdin held no secret; pipe the consumer secret in (e.g. from a password manager)');

  return withContext(values, async ({ accounts, json }) => {
    const account = await accounts.add({ provider: 'schoology', baseUrl, consumerKey, consumerSecret });
    printAdded(accounts, account, json, 'The secret');
    return 0;
  });
}

/**
 * `account add canvas --base-url URL --token-stdin`: a Canvas personal access token (lms-api-notes §2.5: made under
 * Account → Settings → Approved Integrations), checked with users/self, kept in the keychain. The URL is the Canvas
 * instance; a pasted API base (…/api/v1) is taken as its instance.
 */
async function addCanvas(values: AddValues): Promise<number> {
  if (values.key !== undefined || values['secret-stdin']) {
    throw new UsageError(`account add: canvas accounts take an access token, not a key and secret (${ADD_CANVAS_USAGE})`);
  }
  if (!values['base-url']) throw new UsageError(`account add: --base-url is required, the Canvas address, e.g. https://school.instructure.com (${ADD_CANVAS_USAGE})`);
  if (!values['token-stdin']) {
    throw new UsageError('account add: the access token is read from stdin only; pass --token-stdin and pipe or paste it in');
  }
  let baseUrl: string;
  try {
    baseUrl = normalizeCanvasBaseUrl(values['base-url']);
  } catch (error) {
    throw new UsageError(`account add: --base-url ${(error as Error).message}`);
  }
  // A token is one word; whitespace around it is what copying from a web page or a file adds.
  const token = (await readSecret('Access token')).trim();
  if (!token) throw new UsageError('account add: stdin held no access token; pipe the Canvas access token in (e.g. from a password manager)');

  return withContext(values, async ({ accounts, json }) => {
    const account = await accounts.add({ provider: 'canvas', baseUrl, token });
    printAdded(accounts, account, json, 'The access token');
    return 0;
  });
}

function printAdded(accounts: AccountService, account: AccountRecord, json: boolean, secret: string): void {
  if (json) {
    printJson(accountJson(account));
    return;
  }
  printLine(`Added account ${account.name}: ${account.user?.name ?? '?'} (uid ${account.user?.id ?? '?'}) at ${account.baseUrl}.`);
  printLine(`${secret} is in the OS keychain. Next: roster pull${accounts.list().length > 1 ? ` --account ${account.name}` : ''}`);
}

const LOGIN_OPTIONS = {
  'base-url': { type: 'string' },
  'web-url': { type: 'string' },
  key: { type: 'string' },
  'secret-stdin': { type: 'boolean' },
  'client-id': { type: 'string' },
  'client-secret-stdin': { type: 'boolean' },
  timeout: { type: 'string' },
} as const;

type LoginValues = ReturnType<typeof parseCommand<typeof LOGIN_OPTIONS>>['values'];

/**
 * Three-legged "Sign in with Schoology": prints the school's authorize URL (stdout, the URL alone on its line, so a
 * script can read it; the explanation goes to stderr), waits for the browser to come back, and stores the access token
 * in the keychain. Signing in again to an account replaces its credentials (the way back after a token expired).
 */
async function login(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand('account login', args, LOGIN_OPTIONS, { names: ['PROVIDER'] });
  if (positionals[0] === 'canvas') return loginCanvas(values);
  if (positionals[0] !== 'schoology') {
    throw new UsageError(`account login: the provider is schoology or canvas, got "${positionals[0]}" (${LOGIN_USAGE}, or ${LOGIN_CANVAS_USAGE})`);
  }
  if (values['client-id'] !== undefined || values['client-secret-stdin']) {
    throw new UsageError(`account login: --client-id and --client-secret-stdin are for canvas; schoology signs in with the app's key and secret (${LOGIN_USAGE})`);
  }
  if (!values['base-url']) throw new UsageError(`account login: --base-url is required (${LOGIN_USAGE})`);
  if (!values['web-url']) throw new UsageError(`account login: --web-url is required, the school's Schoology address (${LOGIN_USAGE})`);
  if (!values.key) throw new UsageError(`account login: --key is required (${LOGIN_USAGE})`);
  if (!values['secret-stdin']) {
    throw new UsageError('account login: the consumer secret is read from stdin only; pass --secret-stdin and pipe or paste it in');
  }
  const timeoutMs = timeoutOf(values);
  let baseUrl: string;
  try {
    baseUrl = normalizeBaseUrl(values['base-url']);
  } catch (error) {
    throw new UsageError(`account login: --base-url ${(error as Error).message}`);
  }
  const webUrl = values['web-url'];
  const consumerKey = values.key;
  const consumerSecret = await readSecret('Consumer secret');
  if (!consumerSecret) throw new UsageError('account login: stdin held no secret; pipe the consumer secret in (e.g. from a password manager)');

  return withContext(values, async ({ accounts, json }) => {
    // No keychain: stop before the LMS or the browser is involved, since the token could not be kept.
    await accounts.vault.check();
    const attempt = await accounts.beginSignIn({ baseUrl, webUrl, consumerKey, consumerSecret }, timeoutMs === undefined ? {} : { timeoutMs });
    return awaitSignIn(attempt, json, "roster: open this address in a browser and allow Roster Desk at your school's page; waiting for the answer (Ctrl+C to cancel):");
  });
}

/**
 * "Sign in with Canvas" (OAuth2 authorization code, lms-api-notes §2.5) with the developer key's client ID and secret
 * (the secret from stdin only): prints Canvas's authorize URL like the Schoology login, waits for the browser to come
 * back to 127.0.0.1, and keeps the access and refresh tokens in the keychain; the access token is renewed when it expires.
 */
async function loginCanvas(values: LoginValues): Promise<number> {
  if (values['web-url'] !== undefined || values.key !== undefined || values['secret-stdin']) {
    throw new UsageError(`account login: canvas signs in with a developer key's client ID and secret, not --web-url, --key or --secret-stdin (${LOGIN_CANVAS_USAGE})`);
  }
  if (!values['base-url']) throw new UsageError(`account login: --base-url is required, the Canvas address, e.g. https://school.instructure.com (${LOGIN_CANVAS_USAGE})`);
  const clientId = values['client-id']?.trim();
  if (!clientId) throw new UsageError(`account login: --client-id is required, the developer key's ID (${LOGIN_CANVAS_USAGE})`);
  if (!/^\d+$/.test(clientId)) throw new UsageError(`account login: --client-id is the developer key's number, e.g. 10000000000001; got "${clientId}"`);
  if (!values['client-secret-stdin']) {
    throw new UsageError('account login: the client secret is read from stdin only; pass --client-secret-stdin and pipe or paste it in');
  }
  const timeoutMs = timeoutOf(values);
  let baseUrl: string;
  try {
    baseUrl = normalizeCanvasBaseUrl(values['base-url']);
  } catch (error) {
    throw new UsageError(`account login: --base-url ${(error as Error).message}`);
  }
  const clientSecret = (await readSecret('Client secret')).trim();
  if (!clientSecret) throw new UsageError("account login: stdin held no client secret; pipe the developer key's secret in (e.g. from a password manager)");

  return withContext(values, async ({ accounts, json }) => {
    await accounts.vault.check();
    const attempt = await accounts.beginCanvasSignIn({ baseUrl, clientId, clientSecret }, timeoutMs === undefined ? {} : { timeoutMs });
    return awaitSignIn(attempt, json, 'roster: open this address in a browser and authorize Roster Desk in Canvas; waiting for the answer (Ctrl+C to cancel):');
  });
}

function timeoutOf(values: LoginValues): number | undefined {
  if (values.timeout === undefined) return undefined;
  const seconds = Number(values.timeout);
  if (!Number.isInteger(seconds) || seconds < 1) throw new UsageError(`account login: --timeout takes whole seconds, got "${values.timeout}"`);
  return seconds * 1000;
}

/** Prints the authorize URL (stdout alone, or stderr with --json), waits for the answer, says who signed in. */
async function awaitSignIn(attempt: SignInAttempt, json: boolean, explanation: string): Promise<number> {
  const stop = () => attempt.cancel();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    process.stderr.write(`${explanation}\n`);
    // With --json stdout carries only the one JSON document at the end.
    if (json) process.stderr.write(`${attempt.authorizeUrl}\n`);
    else printLine(attempt.authorizeUrl);
    let account: AccountRecord;
    try {
      account = await attempt.result;
    } catch (error) {
      if (error instanceof SignInError) throw new CliExit(EXIT.error, error.message);
      throw error;
    }
    if (json) printJson(accountJson(account));
    else printLine(`Signed in as ${account.user?.name ?? '?'} at ${new URL(account.baseUrl).host} (account ${account.name})`);
    return EXIT.ok;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

async function list(args: string[]): Promise<number> {
  const { values } = parseCommand('account list', args, {}, { names: [] });
  return withContext(values, async ({ accounts, json }) => {
    await cleanOrphans(accounts);
    const all = accounts.list();
    if (json) printJson(all.map(accountJson));
    else if (all.length === 0) printLine(`No accounts yet. Add one with: roster ${ADD_USAGE} (or roster ${ADD_CANVAS_USAGE})`);
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

/** Keychain entries left without an account go; a keychain that cannot be reached does not stop the listing. */
async function cleanOrphans(accounts: AccountService): Promise<void> {
  try {
    const deleted = await accounts.cleanOrphans();
    if (deleted > 0) process.stderr.write(`roster: deleted ${plural(deleted, 'keychain entry', 'keychain entries')} of accounts no longer here\n`);
  } catch (error) {
    if (!(error instanceof VaultUnavailableError)) throw error;
  }
}

/**
 * The secret from stdin: all of it when piped (one trailing newline dropped), or one line typed without echo when
 * stdin is a terminal, so it never shows on screen.
 */
async function readSecret(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  }
  process.stderr.write(`${prompt} (not shown): `);
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
