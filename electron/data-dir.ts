import { homedir } from 'node:os';
import { join } from 'node:path';

export const PRODUCT_NAME = 'Roster Desk';

/**
 * Where the cache lives when not under Electron: the same folder Electron's app.getPath('userData') gives
 * ("Roster Desk" under the OS's per-user config dir), so the app, the CLI and the browser host share one cache.
 * ROSTER_DATA_DIR overrides it (tests, a second profile).
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.ROSTER_DATA_DIR) return env.ROSTER_DATA_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), PRODUCT_NAME);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', PRODUCT_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), PRODUCT_NAME);
}
