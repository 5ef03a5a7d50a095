import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import keytar from 'keytar';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CredentialVault,
  keychainMissingMessage,
  VAULT_SERVICE,
  VaultEntryError,
  VaultUnavailableError,
  vaultKeyOf,
} from '../../../electron/vault/credential-vault';

/**
 * The credential vault over the real keychain (gnome-keyring in a private D-Bus session: run under
 * scripts/with-keyring.sh, as `npm test` does). Each test works under a service name of its own, so it never sees
 * the entries of the app or of another test.
 */
const ROOT = join(import.meta.dirname, '..', '..', '..');
const service = `Roster Desk test ${randomUUID()}`;
const vault = new CredentialVault({ service });
const KEY = vaultKeyOf('schoology', 'https://api.schoology.com/v1', '45552');
const CREDENTIALS = { consumerKey: 'key-123', consumerSecret: 'secret-456' };

afterEach(async () => {
  for (const { account } of await keytar.findCredentials(service)) await keytar.deletePassword(service, account);
});

describe('the credential vault', () => {
  it('is the "Roster Desk" service, keyed provider|baseUrl|userId', () => {
    expect(VAULT_SERVICE).toBe('Roster Desk');
    expect(KEY).toBe('schoology|https://api.schoology.com/v1|45552');
  });

  it('round-trips credentials through the keychain as JSON', async () => {
    await vault.save(KEY, CREDENTIALS);
    expect(await vault.load(KEY)).toEqual(CREDENTIALS);
    expect(JSON.parse((await keytar.getPassword(service, KEY)) ?? 'null')).toEqual(CREDENTIALS);
  });

  it('keeps a three-legged access token beside the consumer key', async () => {
    const withToken = { ...CREDENTIALS, token: 'tok', tokenSecret: 'tok-secret' };
    await vault.save(KEY, withToken);
    expect(await vault.load(KEY)).toEqual(withToken);
  });

  it('replaces the credentials saved under the same key', async () => {
    await vault.save(KEY, CREDENTIALS);
    await vault.save(KEY, { consumerKey: 'key-123', consumerSecret: 'rotated' });
    expect(await vault.load(KEY)).toEqual({ consumerKey: 'key-123', consumerSecret: 'rotated' });
  });

  it('answers null for a key it holds nothing under', async () => {
    expect(await vault.load('schoology|https://nowhere.example/v1|1')).toBeNull();
  });

  it('deletes an entry, and says false when there was none', async () => {
    await vault.save(KEY, CREDENTIALS);
    expect(await vault.delete(KEY)).toBe(true);
    expect(await keytar.getPassword(service, KEY)).toBeNull();
    expect(await vault.delete(KEY)).toBe(false);
  });

  it('lists the keys it holds, never the values', async () => {
    const other = vaultKeyOf('schoology', 'http://127.0.0.1:8080/v1', '7');
    await vault.save(KEY, CREDENTIALS);
    await vault.save(other, CREDENTIALS);
    expect(await vault.keys()).toEqual([other, KEY].sort());
  });

  it('lists each key with the cache that owns it, never a value; an entry that is not credentials has no owner', async () => {
    const other = vaultKeyOf('schoology', 'http://127.0.0.1:8080/v1', '7');
    await vault.save(KEY, { ...CREDENTIALS, owner: '/data/a/cache.sqlite' });
    await vault.save(other, CREDENTIALS);
    await keytar.setPassword(service, 'stray', 'not json');
    expect(await vault.owners()).toEqual([
      { key: other, owner: null },
      { key: KEY, owner: '/data/a/cache.sqlite' },
      { key: 'stray', owner: null },
    ]);
  });

  it('round-trips a Canvas access token (with its refresh token), marked as Canvas credentials', async () => {
    const key = vaultKeyOf('canvas', 'https://school.instructure.com', '17');
    const canvas = { provider: 'canvas' as const, token: 'canvas-token-1', refreshToken: 'canvas-refresh-1', owner: '/data/a/cache.sqlite' };
    await vault.save(key, canvas);
    expect(await vault.load(key)).toEqual(canvas);
    expect(JSON.parse((await keytar.getPassword(service, key)) ?? 'null')).toEqual(canvas);
    expect(await vault.owners()).toEqual([{ key, owner: '/data/a/cache.sqlite' }]);
  });

  it('still reads a Schoology entry as written before Canvas existed: no provider field, read as Schoology credentials', async () => {
    const written = { consumerKey: 'key-123', consumerSecret: 'secret-456', token: 'tok', tokenSecret: 'tok-secret', webUrl: 'https://district.schoology.com', owner: '/data/a/cache.sqlite' };
    await keytar.setPassword(service, KEY, JSON.stringify(written));
    const loaded = await vault.load(KEY);
    expect(loaded).toEqual(written);
    expect(loaded?.provider).toBeUndefined();
  });

  it('refuses a Canvas entry without a token, or one carrying Schoology fields', async () => {
    const key = vaultKeyOf('canvas', 'https://school.instructure.com', '17');
    await expect(vault.save(key, { provider: 'canvas', token: '' })).rejects.toThrow('Canvas credentials to store need an access token.');
    await keytar.setPassword(service, key, JSON.stringify({ provider: 'canvas', token: 't', consumerSecret: 's' }));
    await expect(vault.load(key)).rejects.toThrow(VaultEntryError);
  });

  it('refuses credentials without a secret, or a token without its secret', async () => {
    await expect(vault.save(KEY, { consumerKey: 'k', consumerSecret: '' })).rejects.toThrow(/need a consumer key and secret/);
    await expect(vault.save(KEY, { ...CREDENTIALS, token: 'tok' })).rejects.toThrow(/token only with its secret/);
    expect(await keytar.getPassword(service, KEY)).toBeNull();
  });

  it('names a damaged entry without repeating what is in it', async () => {
    await keytar.setPassword(service, KEY, 'plaintext-leftover-secret');
    const error = await vault.load(KEY).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VaultEntryError);
    expect((error as Error).message).toContain(KEY);
    expect((error as Error).message).not.toContain('plaintext-leftover-secret');
  });

  it('says which keychain is missing when keytar cannot load, with no fallback', async () => {
    const broken = new CredentialVault({
      service,
      platform: 'linux',
      keychain: () => Promise.reject(new Error('Cannot find module keytar.node')),
    });
    await expect(broken.check()).rejects.toThrow(VaultUnavailableError);
    await expect(broken.save(KEY, CREDENTIALS)).rejects.toThrow(/^no Secret Service: install and unlock gnome-keyring or KWallet \(keytar could not load/);
  });

  it('words the missing keychain for each platform', () => {
    expect(keychainMissingMessage('linux')).toBe('no Secret Service: install and unlock gnome-keyring or KWallet');
    expect(keychainMissingMessage('darwin')).toMatch(/macOS keychain/);
    expect(keychainMissingMessage('win32')).toMatch(/Credential Manager/);
  });

  it('throws VaultUnavailableError naming the Secret Service when the session bus has none', async () => {
    // A process of its own: libsecret binds to the session bus once per process.
    const script = `
      import { CredentialVault } from './electron/vault/credential-vault.ts';
      const vault = new CredentialVault({ service: ${JSON.stringify(service)} });
      vault.check().then(() => console.log('usable'), (e) => console.log(e.name + ': ' + e.message));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' },
    });
    expect(stdout).toMatch(/^VaultUnavailableError: no Secret Service: install and unlock gnome-keyring or KWallet \(keychain said: .+\)\n$/);
  });
});
