import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import keytar from 'keytar';

// The vault tests of later issues rely on a real Secret Service (gnome-keyring in a private D-Bus session, set up
// by scripts/with-keyring.sh). This proves the test environment really provides one, instead of letting those
// tests fail later with a less obvious error.
describe('the test environment keychain', () => {
  const service = `Roster Desk test ${randomUUID()}`;

  it('stores, reads back and deletes a secret through keytar', async () => {
    await keytar.setPassword(service, 'account-1', 'secret-value');
    expect(await keytar.getPassword(service, 'account-1')).toBe('secret-value');
    expect(await keytar.deletePassword(service, 'account-1')).toBe(true);
    expect(await keytar.getPassword(service, 'account-1')).toBeNull();
  });
});
