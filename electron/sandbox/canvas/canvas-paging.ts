/**
 * Canvas paging (lms-api-notes §2.3): the page is a bare JSON array and the way on is a Link header with rel
 * current/next/prev/first. Lists are bookmarked collections, as Canvas's enrollment index is
 * (BookmarkedCollection, "always_use_bookmarks: true"): the page token `bookmark:…` is the sort key of the last item
 * already seen, base64url-encoded, so paging stays right while the roster is edited, there is no rel="last", and a
 * client that counts pages (`page=2`) gets the first page again — the bug Canvas clients hit in the wild (gradecraft
 * #4003). per_page defaults to 10 and is clamped silently to the maximum (canvas-lms #212). access_token is not
 * carried into the links (doc/api/pagination.md).
 */

export const DEFAULT_PER_PAGE = 10;

/** A sort key: compared element by element, numbers as numbers and text as text. */
export type SortKey = ReadonlyArray<string | number>;

function compareKeys(a: SortKey, b: SortKey): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return 0;
}

export function sortByKey<T>(items: readonly T[], keyOf: (item: T) => SortKey): Array<{ item: T; key: SortKey }> {
  return items.map((item) => ({ item, key: keyOf(item) })).sort((a, b) => compareKeys(a.key, b.key));
}

function encodeBookmark(key: SortKey): string {
  return `bookmark:${Buffer.from(JSON.stringify(key), 'utf8').toString('base64url')}`;
}

/** The key a page token carries, or null (first page) for anything that is not a well-formed bookmark. */
function decodeBookmark(page: string | null): SortKey | null {
  if (!page?.startsWith('bookmark:')) return null;
  try {
    const key: unknown = JSON.parse(Buffer.from(page.slice('bookmark:'.length), 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.every((part) => typeof part === 'string' || typeof part === 'number')) return key as SortKey;
  } catch {
    // A mangled bookmark reads as no bookmark, as Canvas treats one it cannot decode.
  }
  return null;
}

/** per_page as Canvas reads it: a positive whole number, else the default; above the maximum, the maximum. */
export function perPageOf(query: URLSearchParams, max: number): number {
  const raw = query.get('per_page');
  const value = raw !== null && /^\d+$/.test(raw.trim()) ? Number(raw) : DEFAULT_PER_PAGE;
  return Math.min(max, Math.max(1, value));
}

export interface Page<T> {
  items: T[];
  link: string;
}

/**
 * One page of `sorted` after the bookmark in the query, and its Link header. `url` is the request's URL: every link
 * keeps its other parameters (the filters) and drops access_token.
 */
export function bookmarkPage<T>(sorted: ReadonlyArray<{ item: T; key: SortKey }>, url: URL, perPageMax: number): Page<T> {
  const perPage = perPageOf(url.searchParams, perPageMax);
  const after = decodeBookmark(url.searchParams.get('page'));
  let start = 0;
  if (after) {
    // The first item sorting after the bookmark: binary search, so deep pages of a big roster stay cheap.
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKeys((sorted[mid] as { key: SortKey }).key, after) <= 0) lo = mid + 1;
      else hi = mid;
    }
    start = lo;
  }
  const end = Math.min(sorted.length, start + perPage);
  const tokenBefore = (index: number) => (index <= 0 ? 'first' : encodeBookmark((sorted[index - 1] as { key: SortKey }).key));
  const link = (page: string) => {
    const params = new URLSearchParams(url.searchParams);
    params.delete('access_token');
    params.delete('page');
    params.delete('per_page');
    params.append('page', page);
    params.append('per_page', String(perPage));
    // Canvas writes the bookmark's colon and the brackets of type[] unescaped; URLSearchParams would escape both.
    const query = params.toString().replace(/%3A/gi, ':').replace(/%5B/gi, '[').replace(/%5D/gi, ']');
    return `${url.origin}${url.pathname}?${query}`;
  };
  const rels: Array<[string, string]> = [['current', link(after ? (url.searchParams.get('page') as string) : 'first')]];
  if (end < sorted.length) rels.push(['next', link(tokenBefore(end))]);
  if (start > 0) rels.push(['prev', link(tokenBefore(Math.max(0, start - perPage)))]);
  rels.push(['first', link('first')]);
  return {
    items: sorted.slice(start, end).map((entry) => entry.item),
    link: rels.map(([rel, href]) => `<${href}>; rel="${rel}"`).join(','),
  };
}
