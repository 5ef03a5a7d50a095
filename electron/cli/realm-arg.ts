import { UsageError } from './usage-error';

/**
 * A REALM argument as staff write it: the LMS path of a section or group ("sections/3719526", "groups/65371"), the
 * key the cache files it under. An account-qualified id ("NAME/sections/1", as the app shows) is accepted too when
 * its name is the account's.
 */
export function parseRealmArg(text: string, accountId?: string): string {
  let key = text.trim().replace(/^\/+|\/+$/g, '');
  if (accountId !== undefined && key.startsWith(`${accountId}/`)) key = key.slice(accountId.length + 1);
  if (!/^(sections|groups)\/\d+$/.test(key)) {
    throw new UsageError(`"${text}" is not a realm; write sections/ID or groups/ID (as \`roster realms\` lists them)`);
  }
  return key;
}
