/**
 * What the `roster` data-command tests share: the real bin (electron/cli/roster-bin.js) spawned as staff run it, on a
 * temp data folder, against a sandbox LMS started in the test process. Spawns are asynchronous on purpose: the
 * sandbox answers from this process's event loop, so a blocking spawnSync would deadlock on the first request.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import keytar from 'keytar';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../../electron/sandbox/sandbox-server';
import { VAULT_SERVICE, vaultKeyOf } from '../../../electron/vault/credential-vault';

const ROOT = join(import.meta.dirname, '..', '..', '..');
export const LAUNCHER = join(ROOT, 'electron', 'cli', 'roster-bin.js');
export const KEY_OWNER = { uid: '45552', name: 'Mr. Strickland' } as const;

/** The small seed's documented places and people. */
export const SEED = {
  algebraP3: 'sections/3719526',
  algebraP5: 'sections/4318461',
  robotics: 'groups/65371',
  howlett: '48289',
  howlettEnrollment: '44783136',
  stricklandEnrollment: '43807916',
} as const;

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Written to stdin, which is then closed; stdin is closed at once when absent. */
  stdin?: string;
  env?: NodeJS.ProcessEnv;
}

export interface Spawned {
  child: ChildProcess;
  result: Promise<RunResult>;
}

/** Starts `roster ARGS` in its own process group (the launcher runs the CLI in a child; a kill must reach both). */
export function spawnRoster(dataDir: string, args: readonly string[], options: RunOptions = {}): Spawned {
  const child = spawn(process.execPath, [LAUNCHER, ...args], {
    cwd: ROOT,
    env: { ...process.env, ROSTER_DATA_DIR: dataDir, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin!.on('error', () => {
    // The CLI may exit (a usage error) before reading stdin; that is not the test's failure.
  });
  child.stdin!.end(options.stdin ?? '');
  const result = new Promise<RunResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, result };
}

export function roster(dataDir: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return spawnRoster(dataDir, args, options).result;
}

/** Parses stdout as the one JSON document --json promises; a failure shows what was printed instead. */
export function jsonOf<T = unknown>(run: RunResult): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`stdout is not one JSON document (exit ${run.code}):\n${run.stdout}\nstderr: ${run.stderr}`);
  }
}

/** "code 0" plus the output, so a failed expectation shows why the command failed. */
export const outcome = (run: RunResult): string => `exit ${run.code ?? run.signal}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`;

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'roster-cli-data-'));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export function sandboxOf(options: SandboxOptions = {}): Promise<Sandbox> {
  return startSandbox({ rateLimit: null, ...options });
}

/** The account name `account add` gives a sandbox's key (see electron/accounts/account-name.ts). */
export const accountNameFor = (sandbox: Sandbox): string => `127.0.0.1-${sandbox.port}-${KEY_OWNER.uid}`;

/** The keychain entry `account add` writes for a sandbox's key. */
export const vaultKeyFor = (sandbox: Sandbox): string => vaultKeyOf('schoology', sandbox.url, KEY_OWNER.uid);

export function readKeychain(sandbox: Sandbox): Promise<string | null> {
  return keytar.getPassword(VAULT_SERVICE, vaultKeyFor(sandbox));
}

/** Deletes what a test's `account add` left in the (throwaway) keychain. */
export async function forgetKeychain(sandbox: Sandbox): Promise<void> {
  await keytar.deletePassword(VAULT_SERVICE, vaultKeyFor(sandbox));
}

export async function addAccount(dataDir: string, sandbox: Sandbox, extra: readonly string[] = []): Promise<RunResult> {
  const run = await roster(dataDir, ['account', 'add', 'schoology', '--base-url', sandbox.url, '--key', sandbox.consumerKey, '--secret-stdin', ...extra], {
    stdin: `${sandbox.consumerSecret}\n`,
  });
  if (run.code !== 0) throw new Error(`account add failed: ${outcome(run)}`);
  return run;
}

/** Files of the data folder (the cache and its -wal/-shm, anything else written there) that contain `secret`. */
export function filesHolding(dataDir: string, secret: string): string[] {
  const needle = Buffer.from(secret, 'utf8');
  return readdirSync(dataDir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((file) => readFileSync(file).includes(needle));
}

/** What usePulledSchool gives a test file: the sandbox, and the current test's own data folder. */
export interface PulledSchool {
  readonly sandbox: Sandbox;
  readonly dataDir: string;
}

/**
 * A test file's school: a sandbox LMS (changed by `prepare` first, if given), an account added and everything pulled
 * once into a template data folder, and for every test its own copy of that folder — tests share the set-up, never
 * their edits.
 */
export function usePulledSchool(prepare?: (sandbox: Sandbox) => void): PulledSchool {
  let sandbox: Sandbox | undefined;
  let template = '';
  let dataDir = '';
  beforeAll(async () => {
    sandbox = await sandboxOf();
    prepare?.(sandbox);
    template = tempDataDir();
    await addAccount(template, sandbox);
    const pulled = await roster(template, ['pull']);
    if (pulled.code !== 0) throw new Error(`pull failed: ${outcome(pulled)}`);
  });
  afterAll(async () => {
    if (sandbox) {
      await forgetKeychain(sandbox);
      await sandbox.close();
    }
    removeDir(template);
  });
  beforeEach(() => {
    dataDir = tempDataDir();
    cpSync(template, dataDir, { recursive: true });
  });
  afterEach(() => {
    removeDir(dataDir);
  });
  return {
    get sandbox() {
      if (!sandbox) throw new Error('the sandbox starts in beforeAll; use it inside a test or hook');
      return sandbox;
    },
    get dataDir() {
      return dataDir;
    },
  };
}
