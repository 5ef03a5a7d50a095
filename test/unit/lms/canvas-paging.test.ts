import { describe, expect, it } from 'vitest';
import { nextPageUrl, parseLinkHeader } from '../../../electron/lms/canvas/canvas-paging';

/** Link headers as lms-api-notes §2.3 describes Canvas's: opaque bookmark links, no rel="last" for enrollments. */
const BASE = 'https://school.instructure.com/api/v1/sections/7/enrollments';
const BOOKMARKED =
  `<${BASE}?page=bookmark:WzE2LCJTdHVkZW50IiwxMl0&per_page=100>; rel="current",` +
  `<${BASE}?page=bookmark:WzE3LCJTdHVkZW50IiwxM10&per_page=100>; rel="next",` +
  `<${BASE}?page=first&per_page=100>; rel="first"`;

describe('parseLinkHeader', () => {
  it('files every link under its rel, keeping the URL exactly as sent', () => {
    const links = parseLinkHeader(BOOKMARKED);
    expect([...links.keys()]).toEqual(['current', 'next', 'first']);
    expect(links.get('next')).toBe(`${BASE}?page=bookmark:WzE3LCJTdHVkZW50IiwxM10&per_page=100`);
  });

  it('reads rels without quotes, in any case, with spaces around the separators', () => {
    const links = parseLinkHeader(`<${BASE}?page=2> ;  REL=next , <${BASE}?page=1>;rel=prev`);
    expect(links.get('next')).toBe(`${BASE}?page=2`);
    expect(links.get('prev')).toBe(`${BASE}?page=1`);
  });

  it('files a link with several rels under each', () => {
    const links = parseLinkHeader(`<${BASE}?page=3>; rel="next last"`);
    expect(links.get('next')).toBe(`${BASE}?page=3`);
    expect(links.get('last')).toBe(`${BASE}?page=3`);
  });

  it('keeps commas inside a URL', () => {
    const links = parseLinkHeader(`<${BASE}?include[]=a,b&page=bookmark:x>; rel="next"`);
    expect(links.get('next')).toBe(`${BASE}?include[]=a,b&page=bookmark:x`);
  });

  it('skips parts that are not links and answers an empty map for no header', () => {
    expect(parseLinkHeader(`garbage; rel="next", <${BASE}?page=2>; rel="prev"`)).toEqual(new Map([['prev', `${BASE}?page=2`]]));
    expect(parseLinkHeader(null).size).toBe(0);
    expect(parseLinkHeader('').size).toBe(0);
  });
});

describe('nextPageUrl', () => {
  const current = new URL(`${BASE}?per_page=100`);

  it("finds rel=\"next\" whatever the header name's case", () => {
    const headers = new Headers({ LINK: BOOKMARKED });
    expect(nextPageUrl(headers, current)?.href).toBe(`${BASE}?page=bookmark:WzE3LCJTdHVkZW50IiwxM10&per_page=100`);
  });

  it('resolves a relative next link against the page just read', () => {
    const headers = new Headers({ link: '</api/v1/sections/7/enrollments?page=bookmark:abc>; rel="next"' });
    expect(nextPageUrl(headers, current)?.href).toBe(`${BASE}?page=bookmark:abc`);
  });

  it('answers null on the last page: no next, even when first and current are there', () => {
    const headers = new Headers({ link: `<${BASE}?page=first>; rel="first", <${BASE}?page=bookmark:z>; rel="current"` });
    expect(nextPageUrl(headers, current)).toBeNull();
    expect(nextPageUrl(new Headers(), current)).toBeNull();
  });

  it('refuses a next link that is not a URL rather than ending the list early', () => {
    const headers = new Headers({ link: '<http://[bad>; rel="next"' });
    expect(() => nextPageUrl(headers, current)).toThrow(/rel="next" is not a URL/);
  });
});
