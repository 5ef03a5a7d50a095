/**
 * An LMS account's name: what `roster account list` shows, what `--account` and `account remove` take, and the
 * account's id in the cache (realm ids are "<name>/<realm key>").
 *
 * Scheme: the API's host, its port when the URL names one, any path segments before the final "v1", then the user
 * id — joined by "-", every other character outside [A-Za-z0-9._-] replaced by "_". So
 *   https://api.schoology.com/v1 as uid 45552      → api.schoology.com-45552
 *   http://127.0.0.1:41234/v1 (a sandbox) as 45552 → 127.0.0.1-41234-45552
 * It is stable (the same URL and user always give the same name, so adding an account again updates it), unique
 * (two schools, or two people at one school, differ in host or user) and printable in a shell without quoting.
 */

/** The base URL as stored: http(s) only, no query or fragment, no trailing slash. Throws a message naming the fix. */
export function normalizeBaseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`"${text}" is not a URL; give the LMS API base, e.g. https://api.schoology.com/v1`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`"${text}" is not an http(s) URL; give the LMS API base, e.g. https://api.schoology.com/v1`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new Error(`"${text}" carries a user, query or fragment; give the bare LMS API base, e.g. https://api.schoology.com/v1`);
  }
  // Schoology's API lives under /v1 and nothing else answers there; staff often paste just the host.
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.origin}${path === '' ? '/v1' : path}`;
}

export function accountNameOf(baseUrl: string, userId: string): string {
  const url = new URL(baseUrl);
  const segments = url.pathname.split('/').filter(Boolean);
  if (segments.at(-1) === 'v1') segments.pop();
  const parts = [url.hostname, ...(url.port ? [url.port] : []), ...segments, userId];
  return parts.map((part) => part.replace(/[^A-Za-z0-9._-]/g, '_')).join('-');
}
