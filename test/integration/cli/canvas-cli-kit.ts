/**
 * The Canvas side of cli-kit.ts: a Canvas sandbox LMS started in the test process, and a Canvas account added to a
 * data folder the way staff add one (`roster account add canvas --base-url URL --token-stdin`).
 */
import keytar from 'keytar';
import { startCanvasSandbox, type CanvasSandbox, type CanvasSandboxOptions } from '../../../electron/sandbox/canvas/canvas-sandbox-server';
import { VAULT_SERVICE, vaultKeyOf } from '../../../electron/vault/credential-vault';
import { outcome, roster, type RunResult } from './cli-kit';

/** The Canvas sandbox's token user (electron/sandbox/canvas/canvas-seed.ts). */
export const CANVAS_OWNER = { id: '1', name: 'Mr. Strickland' } as const;

/** Unthrottled unless asked: the CLI tests are about the command line, the throttle has its own tests. */
export function canvasSandboxOf(options: CanvasSandboxOptions = {}): Promise<CanvasSandbox> {
  return startCanvasSandbox({ port: 0, throttle: null, ...options });
}

/** The account name `account add canvas` gives the sandbox's token (host-port-uid, electron/accounts/account-name.ts). */
export const canvasAccountName = (canvas: CanvasSandbox): string => `127.0.0.1-${canvas.port}-${CANVAS_OWNER.id}`;

export const canvasVaultKey = (canvas: CanvasSandbox): string => vaultKeyOf('canvas', canvas.url, CANVAS_OWNER.id);

export async function addCanvasAccount(dataDir: string, canvas: CanvasSandbox): Promise<RunResult> {
  const run = await roster(dataDir, ['account', 'add', 'canvas', '--base-url', canvas.url, '--token-stdin'], { stdin: `${canvas.token}\n` });
  if (run.code !== 0) throw new Error(`account add canvas failed: ${outcome(run)}`);
  return run;
}

/** Deletes what a test's `account add canvas` left in the (throwaway) keychain. */
export async function forgetCanvasKeychain(canvas: CanvasSandbox): Promise<void> {
  await keytar.deletePassword(VAULT_SERVICE, canvasVaultKey(canvas));
}
