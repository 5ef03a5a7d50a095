import type { Provider } from '../../shared/domain/provider';
import { UsageError } from './usage-error';

/**
 * The realm kinds each LMS has, as the LMS paths their rosters hang off (and the keys the cache files them under):
 * Schoology's enrollments live in sections and groups, Canvas's in courses and their sections (lms-api-notes §2.1:
 * courses/:id/enrollments, sections/:id/enrollments).
 */
export const REALM_PATHS: Record<Provider, readonly [string, string]> = {
  schoology: ['sections', 'groups'],
  canvas: ['courses', 'sections'],
};

const PROVIDER_NAMES: Record<Provider, string> = { schoology: 'Schoology', canvas: 'Canvas' };

/** "sections/ID or groups/ID": the forms a REALM takes for the provider's accounts. */
export function realmForms(provider: Provider): string {
  return REALM_PATHS[provider].map((path) => `${path}/ID`).join(' or ');
}

/**
 * A REALM argument as staff write it: the LMS path of a realm of the account's LMS ("sections/3719526",
 * "groups/65371" for Schoology; "courses/101", "sections/2001" for Canvas), the key the cache files it under. An
 * account-qualified id ("NAME/sections/1", as the app shows) is accepted too when its name is the account's.
 */
export function parseRealmArg(text: string, account: { id: string; provider: Provider }): string {
  let key = text.trim().replace(/^\/+|\/+$/g, '');
  if (key.startsWith(`${account.id}/`)) key = key.slice(account.id.length + 1);
  const paths = REALM_PATHS[account.provider];
  const match = /^([a-z]+)\/\d+$/.exec(key);
  if (match && paths.includes(match[1] as string)) return key;
  const forms = realmForms(account.provider);
  if (match && Object.values(REALM_PATHS).some((other) => other.includes(match[1] as string))) {
    throw new UsageError(
      `"${text}" is not a realm of ${account.id}, a ${PROVIDER_NAMES[account.provider]} account; write ${forms} (as \`roster realms\` lists them)`,
    );
  }
  throw new UsageError(`"${text}" is not a realm; write ${forms} (as \`roster realms\` lists them)`);
}
