/**
 * What every data command shares: the global options (--data-dir, --json, --account), parsing a command's own
 * options alongside them, and the context a command runs in — the cache of the data folder, the account service,
 * and the account the command is about.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AccountService } from '../accounts/account-service';
import { defaultDataDir } from '../data-dir';
import { openCache, type Cache } from '../db/cache';
import type { AccountRecord } from '../db/accounts-repo';
import { CACHE_FILE_NAME } from '../services';
import { UsageError } from './usage-error';

export const GLOBAL_OPTIONS = {
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
  account: { type: 'string' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

/** Options that take a value, so the command name can be found after them (`roster --data-dir D list …`). */
const VALUED_GLOBALS = new Set(['--data-dir', '--account']);

/**
 * Splits argv into the command and its arguments; global options written before the command are moved after it,
 * so `roster --json realms` and `roster realms --json` mean the same.
 */
export function splitCommand(argv: readonly string[]): { command: string | undefined; args: string[] } {
  const before: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') return { command: argv[i + 1], args: [...before, ...argv.slice(i + 2)] };
    if (!arg.startsWith('-')) return { command: arg, args: [...before, ...argv.slice(i + 1)] };
    before.push(arg);
    if (VALUED_GLOBALS.has(arg) && i + 1 < argv.length) before.push(argv[++i] as string);
  }
  // Only options: `roster --help` and friends; the caller decides what an option without a command means.
  return { command: before[0]?.startsWith('-') ? before[0] : undefined, args: before.slice(1) };
}

interface PositionalSpec {
  /** Names for the usage message, e.g. ['REALM', 'ID']; a trailing '…' name takes any number (at least min). */
  names: readonly string[];
  min?: number;
  variadic?: boolean;
}

/** parseArgs with the global options added, strict, and the positional count checked (UsageError otherwise). */
export function parseCommand<O extends NonNullable<ParseArgsConfig['options']>>(
  command: string,
  args: string[],
  options: O,
  positional: PositionalSpec,
) {
  const parsed = parseArgs({ args, options: { ...GLOBAL_OPTIONS, ...options }, strict: true, allowPositionals: true });
  const min = positional.min ?? positional.names.length;
  const count = parsed.positionals.length;
  if (count < min) throw new UsageError(`${command}: missing ${positional.names.slice(count, Math.max(min, count + 1)).join(' ')}`);
  if (!positional.variadic && count > positional.names.length) {
    throw new UsageError(`${command}: unexpected argument "${parsed.positionals[positional.names.length] ?? ''}"`);
  }
  return parsed;
}

export interface GlobalValues {
  'data-dir'?: string | undefined;
  json?: boolean | undefined;
  account?: string | undefined;
}

export interface CliContext {
  dataDir: string;
  json: boolean;
  cache: Cache;
  accounts: AccountService;
  /** The account the command is about: --account NAME, or the only one there is. */
  account(): AccountRecord;
}

/** Opens the data folder's cache for `run` and closes it afterwards, whatever happens. */
export async function withContext<T>(values: GlobalValues, run: (context: CliContext) => Promise<T>): Promise<T> {
  const dataDir = values['data-dir'] ?? defaultDataDir();
  mkdirSync(dataDir, { recursive: true });
  const cache = openCache(join(dataDir, CACHE_FILE_NAME));
  try {
    if (cache.notice) process.stderr.write(`roster: ${cache.notice}\n`);
    const accounts = new AccountService({ cache });
    const context: CliContext = {
      dataDir,
      json: values.json ?? false,
      cache,
      accounts,
      account: () => chooseAccount(accounts, values.account),
    };
    return await run(context);
  } finally {
    cache.close();
  }
}

function chooseAccount(accounts: AccountService, name: string | undefined): AccountRecord {
  if (name !== undefined) return accounts.require(name);
  const all = accounts.list();
  if (all.length === 1) return all[0] as AccountRecord;
  if (all.length === 0) {
    throw new Error(
      'no LMS account yet; add one with `roster account add schoology --base-url URL --key KEY --secret-stdin` or `roster account add canvas --base-url URL --token-stdin`',
    );
  }
  throw new UsageError(`there are ${all.length} accounts (${all.map((a) => a.name).join(', ')}); choose one with --account NAME`);
}
