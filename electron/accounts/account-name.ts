/**
 * An LMS account's name: what `roster account list` shows, what `--account` and `account remove` take, and the
 * account's id in the cache (realm ids are "<name>/<realm key>").
 *
 * Scheme: the API's host, its port when the URL names one, any path segments before the final "v1", then the user
 * id — joined by "-", every other character outside [A-Za-z0-9._-] replaced by "_". So
 *   https://api.schoology.com/v1 as uid 45552      → api.schoology.com-45552
 *   http://127.0.0.1:41234/v1 (a sandbox) as 45552 → 127.0.0.1-41234-45552
 *   https://school.instructure.com (Canvas) as 17  → school.instructure.com-17
 * (A Canvas base URL is stored without its /api/v1, so the same rule names both.)
 * It is stable (the same URL and user always give the same name, so adding an account again updates it), unique
 * (two schools, or two people at one school, differ in host or user) and printable in a shell without quoting.
 */

/** The URL staff gave, checked to be a bare http(s) URL; throws a message naming the fix with `example`. */
function bareHttpUrl(text: string, example: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`"${text}" is not a URL; give the LMS API base, e.g. ${example}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`"${text}" is not an http(s) URL; give the LMS API base, e.g. ${example}`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new Error(`"${text}" carries a user, query or fragment; give the bare LMS API base, e.g. ${example}`);
  }
  return url;
}

/** The base URL as stored: http(s) only, no query or fragment, no trailing slash. Throws a message naming the fix. */
export function normalizeBaseUrl(text: string): string {
  const url = bareHttpUrl(text, 'https://api.schoology.com/v1');
  // Schoology's API lives under /v1 and nothing else answers there; staff often paste just the host.
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.origin}${path === '' ? '/v1' : path}`;
}

/**
 * A Canvas base URL as stored: the instance ("https://school.instructure.com"), without the /api/v1 its REST API hangs
 * off (lms-api-notes §2.1: every endpoint is /api/v1/…), since staff paste either. No trailing slash.
 */
export function normalizeCanvasBaseUrl(text: string): string {
  const url = bareHttpUrl(text, 'https://school.instructure.com');
  const path = url.pathname.replace(/\/+$/, '').replace(/\/api\/v1$/, '');
  return `${url.origin}${path}`;
}

export function accountNameOf(baseUrl: string, userId: string): string {
  const url = new URL(baseUrl);
  const segments = url.pathname.split('/').filter(Boolean);
  if (segments.at(-1) === 'v1') segments.pop();
  const parts = [url.hostname, ...(url.port ? [url.port] : []), ...segments, userId];
  return parts.map((part) => part.replace(/[^A-Za-z0-9._-]/g, '_')).join('-');
}
