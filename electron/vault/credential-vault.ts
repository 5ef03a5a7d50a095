/**
 * The credential vault: LMS secrets in the OS keychain (through keytar), and nowhere else.
 *
 * One keychain entry per LMS account under the service "Roster Desk"; its account key names the LMS and the user
 * (`${provider}|${baseUrl}|${userId}`), its value is the JSON of the credentials. The cache only ever holds the
 * account's name, URL and user, so a copied data folder leaks nothing.
 *
 * When no keychain can be used (no Secret Service on Linux, a locked keychain, keytar's native module missing) every
 * call throws VaultUnavailableError naming what is missing. There is deliberately no plaintext fallback: a secret
 * written to a file "just this once" is a secret on every backup of that file.
 */
import { z } from 'zod';
import { PRODUCT_NAME } from '../data-dir';
import type { Provider } from '../../shared/domain/provider';

export const VAULT_SERVICE = PRODUCT_NAME;

/**
 * Schoology: two-legged API credentials, plus the access token of a three-legged sign-in when there was one. These
 * entries carry no `provider` field: that is how every Schoology entry written before Canvas existed looks, and they
 * must keep reading.
 */
export interface SchoologyCredentials {
  provider?: undefined;
  consumerKey: string;
  consumerSecret: string;
  token?: string;
  tokenSecret?: string;
  /** The school's web side a three-legged sign-in went through (not secret): where to sign in again. */
  webUrl?: string;
  /**
   * The offline cache (its file's absolute path) whose account this entry belongs to, so orphan cleanup in one data
   * folder never deletes the entries of another (not secret).
   */
  owner?: string;
}

/**
 * Canvas: a Bearer access token (a personal access token from Account → Settings → Approved Integrations, or an OAuth2
 * access token with its refresh token; lms-api-notes §2.5), marked `provider: 'canvas'` to tell it from Schoology's.
 */
export interface CanvasCredentials {
  provider: 'canvas';
  token: string;
  /**
   * An OAuth2 sign-in's refresh token, with the developer key it was issued to (both needed to renew the access token,
   * §2.5) and when the access token expires (ms since the epoch, not secret). A personal access token has none of them.
   */
  refreshToken?: string;
  clientId?: string;
  clientSecret?: string;
  expiresAt?: number;
  /** As SchoologyCredentials.owner. */
  owner?: string;
  // Schoology's fields, declared absent so code reading either kind can ask for them without narrowing first.
  consumerKey?: undefined;
  consumerSecret?: undefined;
  tokenSecret?: undefined;
  webUrl?: undefined;
}

export type StoredCredentials = SchoologyCredentials | CanvasCredentials;

const SchoologyCredentialsSchema = z
  .object({
    consumerKey: z.string().min(1),
    consumerSecret: z.string().min(1),
    token: z.string().min(1).optional(),
    tokenSecret: z.string().min(1).optional(),
    webUrl: z.string().min(1).optional(),
    owner: z.string().min(1).optional(),
  })
  .strict()
  .refine((c) => (c.token === undefined) === (c.tokenSecret === undefined));

const CanvasCredentialsSchema = z
  .object({
    provider: z.literal('canvas'),
    token: z.string().min(1),
    refreshToken: z.string().min(1).optional(),
    clientId: z.string().min(1).optional(),
    clientSecret: z.string().min(1).optional(),
    expiresAt: z.number().int().nonnegative().optional(),
    owner: z.string().min(1).optional(),
  })
  .strict()
  // A developer key comes whole; entries written before OAuth2 sign-in have neither half and keep reading.
  .refine((c) => (c.clientId === undefined) === (c.clientSecret === undefined));

const StoredCredentialsSchema = z.union([CanvasCredentialsSchema, SchoologyCredentialsSchema]);

/** What keytar offers, so the vault can be pointed at another service name without touching the user's entries. */
export interface Keychain {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>;
}

/** The keychain cannot be used; the message says what to install or unlock. */
export class VaultUnavailableError extends Error {
  override name = 'VaultUnavailableError';
}

/** The keychain works but an entry in it is not credentials this app wrote (edited by hand, or another app's). */
export class VaultEntryError extends Error {
  override name = 'VaultEntryError';
}

/** What is missing, in the words of the platform the user is on. */
export function keychainMissingMessage(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin') return 'the macOS keychain is not usable: unlock the login keychain in Keychain Access';
  if (platform === 'win32') return 'the Windows Credential Manager is not usable: sign in to Windows with your own account';
  return 'no Secret Service: install and unlock gnome-keyring or KWallet';
}

/** The keychain account key of an LMS account: which LMS, where, and as whom. */
export function vaultKeyOf(provider: Provider, baseUrl: string, userId: string): string {
  return `${provider}|${baseUrl}|${userId}`;
}

async function loadKeytar(): Promise<Keychain> {
  // Imported on first use, not at load: commands that never touch a secret (list, edits) must keep working on a
  // machine where the native module cannot load.
  const module = (await import('keytar')) as { default?: Keychain } & Partial<Keychain>;
  return module.default ?? (module as Keychain);
}

export interface CredentialVaultOptions {
  /** Default "Roster Desk". Tests use their own service so they never see the user's entries. */
  service?: string;
  /** Default keytar. */
  keychain?: () => Promise<Keychain>;
  platform?: NodeJS.Platform;
}

export class CredentialVault {
  readonly service: string;
  private readonly open: () => Promise<Keychain>;
  private readonly platform: NodeJS.Platform;
  private keychain: Promise<Keychain> | null = null;

  constructor(options: CredentialVaultOptions = {}) {
    this.service = options.service ?? VAULT_SERVICE;
    this.open = options.keychain ?? loadKeytar;
    this.platform = options.platform ?? process.platform;
  }

  /** Throws VaultUnavailableError unless the keychain answers; run before asking the user for anything to store. */
  async check(): Promise<void> {
    await this.use((keychain) => keychain.findCredentials(this.service));
  }

  async save(key: string, credentials: StoredCredentials): Promise<void> {
    const parsed = StoredCredentialsSchema.safeParse(credentials);
    if (!parsed.success) {
      throw new Error(
        credentials.provider === 'canvas'
          ? 'Canvas credentials to store need an access token. A client ID goes only with its secret.'
          : 'Credentials to store need a consumer key and secret (and a token only with its secret).',
      );
    }
    const value = parsed.data;
    await this.use((keychain) => keychain.setPassword(this.service, key, JSON.stringify(value)));
  }

  /** The credentials stored under `key`, or null when there are none. */
  async load(key: string): Promise<StoredCredentials | null> {
    const raw = await this.use((keychain) => keychain.getPassword(this.service, key));
    if (raw === null) return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = undefined;
    }
    const result = StoredCredentialsSchema.safeParse(parsed);
    // The value is a secret: the message names the entry, never what is in it.
    if (!result.success) throw new VaultEntryError(`the keychain entry "${key}" of ${this.service} is not readable credentials; add the account again`);
    return result.data;
  }

  /** Deletes the entry; false when there was none. */
  async delete(key: string): Promise<boolean> {
    return this.use((keychain) => keychain.deletePassword(this.service, key));
  }

  /** Every entry's key (not its value): for finding entries whose account is gone. */
  async keys(): Promise<string[]> {
    const found = await this.use((keychain) => keychain.findCredentials(this.service));
    return found.map((entry) => entry.account).sort();
  }

  /** Every entry's key and owning cache (null when it names none or is not this app's credentials); no secret. */
  async owners(): Promise<Array<{ key: string; owner: string | null }>> {
    const found = await this.use((keychain) => keychain.findCredentials(this.service));
    return found
      .map((entry) => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(entry.password);
        } catch {
          parsed = undefined;
        }
        const result = StoredCredentialsSchema.safeParse(parsed);
        return { key: entry.account, owner: result.success ? (result.data.owner ?? null) : null };
      })
      .sort((a, b) => a.key.localeCompare(b.key));
  }

  private async use<T>(call: (keychain: Keychain) => Promise<T>): Promise<T> {
    let keychain: Keychain;
    try {
      keychain = await (this.keychain ??= this.open());
    } catch (error) {
      this.keychain = null;
      throw new VaultUnavailableError(`${keychainMissingMessage(this.platform)} (keytar could not load: ${detail(error)})`, { cause: error });
    }
    try {
      return await call(keychain);
    } catch (error) {
      // keytar's own errors are about the keychain ("Could not connect: …"); they never carry the value passed in.
      throw new VaultUnavailableError(`${keychainMissingMessage(this.platform)} (keychain said: ${detail(error)})`, { cause: error });
    }
  }
}

function detail(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s+/g, ' ').trim() || 'no reason given';
}
