/**
 * Canvas list paging by the Link header (lms-api-notes §2.3, canvas-lms doc/api/pagination.md): the links are
 * opaque (enrollment lists use bookmark tokens, `page=bookmark:…`, and have no rel="last"), so the client follows
 * rel="next" as given and never builds a page number — clients that counted pages broke when Canvas switched to
 * bookmarks (gradecraft #4003). The header's name may come in any case (canvasapi #663); Headers.get ignores case.
 */

/** Page size asked for; Canvas clamps silently to its own maximum (50 on old instances, 100 on hosted ones). */
export const CANVAS_PER_PAGE = 100;

/**
 * `<https://x/api/v1/courses?page=2&per_page=100>; rel="next", <…>; rel="first"` → rel → URL text. A link with
 * several rels (`rel="next last"`) is filed under each. Malformed parts are skipped, not fatal: a missing next
 * simply ends the listing.
 */
export function parseLinkHeader(value: string | null | undefined): Map<string, string> {
  const links = new Map<string, string>();
  if (!value) return links;
  // Split at commas that start a new <…> link, not commas inside a URL.
  for (const part of value.split(/,\s*(?=<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/s.exec(part);
    if (!match) continue;
    const [, url = '', params = ''] = match;
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^;\s,]+))/i.exec(params);
    const names = (rel?.[1] ?? rel?.[2] ?? '').trim().toLowerCase();
    for (const name of names.split(/\s+/).filter(Boolean)) {
      if (!links.has(name)) links.set(name, url.trim());
    }
  }
  return links;
}

/**
 * The next page's URL from a response's headers, resolved against the page just read; null on the last page.
 * Throws when rel="next" is there but is not a URL: ending the list there would silently drop the rest of a roster.
 */
export function nextPageUrl(headers: Headers, current: URL): URL | null {
  const next = parseLinkHeader(headers.get('link')).get('next');
  if (next === undefined) return null;
  try {
    return new URL(next, current);
  } catch {
    throw new Error(`the Link header's rel="next" is not a URL: "${next.slice(0, 80)}"`);
  }
}
