/**
 * Schoology REST v1, endpoint by endpoint: the enrollment reads and writes, realm discovery, and the OAuth 1.0a
 * three-legged calls. One method per documented call; retries, timeouts, redirects and rate limiting belong to the
 * Transport, signing to oauth1.ts, formats to schoology-format.ts. The client keeps no cache and no state beyond
 * its configuration: every answer comes from the server and is validated before it is returned.
 *
 * Which calls may be retried is decided here, per endpoint, because only the endpoint knows whether sending twice
 * is safe: reads, PUTs, DELETEs, upserts (update_existing=1) and the import-by-code calls are; a plain create or an
 * access-code join is not — a create whose reply was lost would make a second enrollment for the same person.
 */
import {
  parseWire,
  SchoologyBulkResultSchema,
  SchoologyEnrollmentListSchema,
  SchoologyEnrollmentSchema,
  SchoologyGroupListSchema,
  SchoologyGroupSchema,
  SchoologySectionListSchema,
  SchoologySectionSchema,
  SchoologyUserSchema,
  type SchoologyAdmin,
  type SchoologyBulkResultRow,
  type SchoologyEnrollment,
  type SchoologyGroup,
  type SchoologySection,
  type SchoologyStatus,
  type SchoologyUser,
} from '../../../shared/domain';
import { LmsError } from '../lms-error';
import { Transport, type TransportResponse } from '../transport';
import { bulkItemResult, chunk, type BulkItemResult } from './bulk-results';
import { authorizationHeader, percentEncode, type OAuthCredentials, type SignatureMethod } from './oauth1';
import { decodeBody, encodeBody, formatHeaders, type SchoologyFormat } from './schoology-format';

export interface SchoologyClientOptions {
  /** API base, e.g. "https://api.schoology.com/v1" or a sandbox's url; request paths are relative to it. */
  baseUrl: string;
  credentials: OAuthCredentials;
  /** Reply and body format; default 'json'. */
  format?: SchoologyFormat;
  signatureMethod?: SignatureMethod;
  /**
   * Default: a transport whose limiter allows Schoology's 50 requests per 5 s, counted over 5.1 s. The server counts
   * arrivals and we count departures; the 100 ms guard absorbs that difference (measured: with 48 per 5 s, bursts still
   * drew 429s, each costing a whole-second Retry-After for every request). Fewer than 50 per window would cost a
   * large sync a whole extra window now and then, for nothing.
   */
  transport?: Transport;
  /** The OAuth header's realm parameter; default "Schoology API". */
  realm?: string;
}

/** A request or access token and its secret, as Schoology's OAuth endpoints hand them out. */
export interface OAuthToken {
  token: string;
  tokenSecret: string;
}

export interface EnrollmentFilters {
  uid?: string[];
  status?: SchoologyStatus[];
  type?: Array<'admin' | 'member'>;
}

/** One page of a realm's roster. `total` is Schoology's count over all pages. */
export interface EnrollmentPage {
  enrollments: SchoologyEnrollment[];
  total: number;
}

export interface NewEnrollment {
  uid: string;
  admin: SchoologyAdmin;
  status: SchoologyStatus;
}

export interface RealmEnrollment extends NewEnrollment {
  /** "sections/3719526" or "groups/65371". */
  realmKey: string;
}

export interface EnrollmentChange {
  admin?: SchoologyAdmin;
  status?: SchoologyStatus;
}

export interface EnrollmentUpdate extends EnrollmentChange {
  id: string;
}

/** A course enrollment named by codes instead of Schoology ids (POST enrollments/import/course/{grading periods}). */
export interface CourseCodeEnrollment {
  courseCode: string;
  sectionCode: string;
  schoolUid: string;
  admin?: SchoologyAdmin;
  /** Remove this person from the section instead of adding or updating them. */
  delete?: boolean;
}

/** A course enrollment named by the section's school code (POST enrollments/import/course). */
export interface SectionCodeEnrollment {
  sectionSchoolCode: string;
  schoolUid: string;
  admin?: SchoologyAdmin;
  delete?: boolean;
}

export type DeleteOutcome = 'deleted' | 'not-found';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

interface CallSpec<T> {
  method: Method;
  /** Path relative to the base, without query: also the endpoint name in messages. */
  path: string;
  query?: Record<string, string>;
  /** An absolute URL to use instead of path + query (links.next); the endpoint name stays `path`. */
  url?: URL;
  body?: unknown;
  idempotent: boolean;
  /** Reads the decoded reply; throws to mark it malformed. Absent: the call expects no content (PUT → 204). */
  read?: (data: unknown) => T;
  /** Reads a reply that is neither JSON nor XML (the OAuth token endpoints' form-encoded bodies). */
  readRaw?: (response: TransportResponse) => T;
  /** The result of a reply with no content (204, or an empty 200), when the endpoint may answer that way. */
  noContent?: () => T;
  credentials?: OAuthCredentials;
  oauthExtra?: Record<string, string>;
  signal?: AbortSignal | undefined;
}

const PAGE_LIMIT = '200';

/** Query values joined by literal commas, as Schoology documents its list filters (`uid=123,456`). */
function commaList(values: readonly (string | number)[]): string {
  return values.map((value) => percentEncode(String(value))).join(',');
}

function realmParts(key: string): { kind: 'section' | 'group'; id: string } {
  const match = /^(section|group)s\/(\d+)$/.exec(key);
  if (!match) throw new Error(`"${key}" is not a Schoology realm key (expected sections/{id} or groups/{id})`);
  return { kind: match[1] as 'section' | 'group', id: match[2] as string };
}

function checkRealmKey(key: string): string {
  realmParts(key);
  return key;
}

function checkId(what: string, id: string): string {
  if (!/^\d+$/.test(id)) throw new Error(`${what} "${id}" is not a Schoology id`);
  return id;
}

/** The fields of a change that are set, so a PUT never rewrites the other one with a stale value. */
function changeFields(change: EnrollmentChange): Record<string, number> {
  const out: Record<string, number> = {};
  if (change.admin !== undefined) out.admin = change.admin;
  if (change.status !== undefined) out.status = change.status;
  return out;
}

/** A form-encoded `oauth_token=…&oauth_token_secret=…` body, as the OAuth token endpoints send it. */
function readTokenReply(response: TransportResponse): OAuthToken {
  const text = response.body.trim();
  if (/^\s*</.test(text)) throw new Error('expected a form-encoded token reply, got markup (an HTML or XML page)');
  const form = new URLSearchParams(text);
  const token = form.get('oauth_token');
  const tokenSecret = form.get('oauth_token_secret');
  if (!token || !tokenSecret) {
    throw new Error(
      `expected oauth_token and oauth_token_secret in the reply, got ${text ? `"${text.slice(0, 60)}"` : 'an empty body'}`,
    );
  }
  return { token, tokenSecret };
}

export class SchoologyClient {
  private readonly base: URL;
  private readonly credentials: OAuthCredentials;
  private readonly format: SchoologyFormat;
  private readonly signatureMethod: SignatureMethod;
  private readonly transport: Transport;
  private readonly realm: string | undefined;

  constructor(options: SchoologyClientOptions) {
    // "https://api.schoology.com/v1" without a trailing slash would make every relative path drop "/v1".
    this.base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
    this.credentials = options.credentials;
    this.format = options.format ?? 'json';
    this.signatureMethod = options.signatureMethod ?? 'HMAC-SHA1';
    this.transport = options.transport ?? new Transport({ rateLimit: { requests: 50, windowMs: 5100 } });
    this.realm = options.realm;
  }

  // ---- realm discovery ----

  /** The user the credentials belong to. Schoology answers users/me with a 303 to users/{uid}; the transport re-signs. */
  me(signal?: AbortSignal): Promise<SchoologyUser> {
    return this.call({
      method: 'GET',
      path: 'users/me',
      idempotent: true,
      signal,
      read: (data) => parseWire(SchoologyUserSchema, data, 'Schoology user'),
    });
  }

  getUser(uid: string, signal?: AbortSignal): Promise<SchoologyUser> {
    return this.call({
      method: 'GET',
      path: `users/${checkId('user id', uid)}`,
      idempotent: true,
      signal,
      read: (data) => parseWire(SchoologyUserSchema, data, 'Schoology user'),
    });
  }

  /** Every section the user is enrolled in, all pages. */
  async listUserSections(uid: string, signal?: AbortSignal): Promise<SchoologySection[]> {
    const sections: SchoologySection[] = [];
    const pages = this.pages(`users/${checkId('user id', uid)}/sections`, {}, signal, (data) =>
      parseWire(SchoologySectionListSchema, data, 'Schoology section list'),
    );
    for await (const page of pages) sections.push(...page.section);
    return sections;
  }

  /** Every group the user belongs to, all pages. */
  async listUserGroups(uid: string, signal?: AbortSignal): Promise<SchoologyGroup[]> {
    const groups: SchoologyGroup[] = [];
    const pages = this.pages(`users/${checkId('user id', uid)}/groups`, {}, signal, (data) =>
      parseWire(SchoologyGroupListSchema, data, 'Schoology group list'),
    );
    for await (const page of pages) groups.push(...page.group);
    return groups;
  }

  getSection(id: string, signal?: AbortSignal): Promise<SchoologySection> {
    return this.call({
      method: 'GET',
      path: `sections/${checkId('section id', id)}`,
      idempotent: true,
      signal,
      read: (data) => parseWire(SchoologySectionSchema, data, 'Schoology section'),
    });
  }

  getGroup(id: string, signal?: AbortSignal): Promise<SchoologyGroup> {
    return this.call({
      method: 'GET',
      path: `groups/${checkId('group id', id)}`,
      idempotent: true,
      signal,
      read: (data) => parseWire(SchoologyGroupSchema, data, 'Schoology group'),
    });
  }

  // ---- enrollment reads ----

  /** A realm's roster, one page (up to 200) at a time, following links.next. */
  async *listEnrollments(realmKey: string, filters: EnrollmentFilters = {}, signal?: AbortSignal): AsyncGenerator<EnrollmentPage> {
    const query: Record<string, string> = {};
    if (filters.uid?.length) query.uid = commaList(filters.uid.map((uid) => checkId('user id', uid)));
    if (filters.status?.length) query.enrollment_status = commaList(filters.status);
    if (filters.type?.length) query.type = commaList(filters.type);
    const pages = this.pages(`${checkRealmKey(realmKey)}/enrollments`, query, signal, (data) =>
      parseWire(SchoologyEnrollmentListSchema, data, 'Schoology enrollment list'),
    );
    for await (const page of pages) yield { enrollments: page.enrollment, total: page.total };
  }

  getEnrollment(realmKey: string, id: string, signal?: AbortSignal): Promise<SchoologyEnrollment> {
    return this.call({
      method: 'GET',
      path: `${checkRealmKey(realmKey)}/enrollments/${checkId('enrollment id', id)}`,
      idempotent: true,
      signal,
      read: (data) => parseWire(SchoologyEnrollmentSchema, data, 'Schoology enrollment'),
    });
  }

  // ---- enrollment writes ----

  /** POST {realm}/enrollments with one enrollment. Never retried: a lost reply could mean it was created. */
  createEnrollment(realmKey: string, enrollment: NewEnrollment, signal?: AbortSignal): Promise<SchoologyEnrollment> {
    return this.call({
      method: 'POST',
      path: `${checkRealmKey(realmKey)}/enrollments`,
      body: { uid: checkId('user id', enrollment.uid), admin: enrollment.admin, status: enrollment.status },
      idempotent: false,
      signal,
      read: (data) => parseWire(SchoologyEnrollmentSchema, data, 'Schoology enrollment'),
    });
  }

  /** Bulk POST {realm}/enrollments. Never retried (a repeated create duplicates); prefer upsertEnrollments. */
  createEnrollments(realmKey: string, items: readonly NewEnrollment[], signal?: AbortSignal): Promise<BulkItemResult[]> {
    const path = `${checkRealmKey(realmKey)}/enrollments`;
    return this.bulk(items, signal, (slice) => ({
      method: 'POST',
      path,
      idempotent: false,
      body: {
        enrollments: {
          enrollment: slice.map((item) => ({ uid: checkId('user id', item.uid), admin: item.admin, status: item.status })),
        },
      },
      realmKeys: slice.map(() => realmKey),
    }));
  }

  /**
   * Multi-realm POST enrollments?update_existing=1: creates each enrollment or updates the person's existing one in
   * that realm. Safe to send twice, so the transport retries it.
   */
  upsertEnrollments(items: readonly RealmEnrollment[], signal?: AbortSignal): Promise<BulkItemResult[]> {
    return this.bulk(items, signal, (slice) => ({
      method: 'POST',
      path: 'enrollments',
      query: { update_existing: '1' },
      idempotent: true,
      body: {
        enrollments: {
          enrollment: slice.map((item) => {
            const { kind, id } = realmParts(item.realmKey);
            return { realm: kind, [`${kind}_id`]: id, uid: checkId('user id', item.uid), admin: item.admin, status: item.status };
          }),
        },
      },
      realmKeys: slice.map((item) => item.realmKey),
    }));
  }

  /** POST sections/accesscode or groups/accesscode as the signed-in user. Not idempotent. */
  joinWithAccessCode(kind: 'section' | 'group', accessCode: string, signal?: AbortSignal): Promise<SchoologyEnrollment> {
    return this.call({
      method: 'POST',
      path: `${kind}s/accesscode`,
      body: { access_code: accessCode },
      idempotent: false,
      signal,
      read: (data) => parseWire(SchoologyEnrollmentSchema, data, 'Schoology enrollment'),
    });
  }

  /** POST enrollments/import/course/{grading period ids}: create-or-update by course, section and school codes. */
  importCourseEnrollments(
    gradingPeriodIds: readonly string[],
    items: readonly CourseCodeEnrollment[],
    signal?: AbortSignal,
  ): Promise<BulkItemResult[]> {
    if (gradingPeriodIds.length === 0) throw new Error('importCourseEnrollments needs at least one grading period id');
    const path = `enrollments/import/course/${gradingPeriodIds.map((id) => checkId('grading period id', id)).join(',')}`;
    return this.bulk(items, signal, (slice) => ({
      method: 'POST',
      path,
      idempotent: true,
      body: {
        enrollments: {
          enrollment: slice.map((item) => ({
            course_code: item.courseCode,
            section_code: item.sectionCode,
            school_uid: item.schoolUid,
            admin: item.admin,
            delete: item.delete ? 1 : undefined,
          })),
        },
      },
    }));
  }

  /** POST enrollments/import/course: create-or-update by section school code and school uid. */
  importCourseEnrollmentsBySectionSchoolCode(items: readonly SectionCodeEnrollment[], signal?: AbortSignal): Promise<BulkItemResult[]> {
    return this.bulk(items, signal, (slice) => ({
      method: 'POST',
      path: 'enrollments/import/course',
      idempotent: true,
      body: {
        enrollments: {
          enrollment: slice.map((item) => ({
            section_school_code: item.sectionSchoolCode,
            school_uid: item.schoolUid,
            admin: item.admin,
            delete: item.delete ? 1 : undefined,
          })),
        },
      },
    }));
  }

  /** PUT {realm}/enrollments/{id} with only the fields given; Schoology answers 204. */
  updateEnrollment(realmKey: string, id: string, change: EnrollmentChange, signal?: AbortSignal): Promise<void> {
    return this.call({
      method: 'PUT',
      path: `${checkRealmKey(realmKey)}/enrollments/${checkId('enrollment id', id)}`,
      body: changeFields(change),
      idempotent: true,
      signal,
    });
  }

  /** Bulk PUT {realm}/enrollments. */
  updateEnrollments(realmKey: string, items: readonly EnrollmentUpdate[], signal?: AbortSignal): Promise<BulkItemResult[]> {
    const path = `${checkRealmKey(realmKey)}/enrollments`;
    return this.bulk(items, signal, (slice) => ({
      method: 'PUT',
      path,
      idempotent: true,
      body: { enrollments: { enrollment: slice.map((item) => ({ id: checkId('enrollment id', item.id), ...changeFields(item) })) } },
      realmKeys: slice.map(() => realmKey),
    }));
  }

  /** DELETE {realm}/enrollments/{id}. An enrollment that is already gone is a result ('not-found'), not an error. */
  async deleteEnrollment(realmKey: string, id: string, signal?: AbortSignal): Promise<DeleteOutcome> {
    try {
      await this.call({
        method: 'DELETE',
        path: `${checkRealmKey(realmKey)}/enrollments/${checkId('enrollment id', id)}`,
        idempotent: true,
        signal,
      });
      return 'deleted';
    } catch (error) {
      if (error instanceof LmsError && error.kind === 'not-found') return 'not-found';
      throw error;
    }
  }

  /** DELETE enrollments?enrollment_ids=…, in any realms. */
  deleteEnrollments(ids: readonly string[], signal?: AbortSignal): Promise<BulkItemResult[]> {
    return this.bulk(ids, signal, (slice) => ({
      method: 'DELETE',
      path: 'enrollments',
      query: { enrollment_ids: commaList(slice.map((id) => checkId('enrollment id', id))) },
      idempotent: true,
      // Schoology documents per-item rows here (and Ed-Fi's client reads them), but some descriptions of the API give
      // it a bare 204, like the single DELETE: no rows then means every id was deleted.
      noContent: () => slice.map((id): BulkItemResult => ({ outcome: 'applied', id })),
    }));
  }

  // ---- OAuth 1.0a three-legged sign-in ----

  /** Step 1: a request token, signed with the consumer key alone; `callbackUrl` is where Schoology sends the user back. */
  requestToken(callbackUrl: string, signal?: AbortSignal): Promise<OAuthToken> {
    return this.call({
      method: 'GET',
      path: 'oauth/request_token',
      idempotent: true,
      signal,
      credentials: { consumerKey: this.credentials.consumerKey, consumerSecret: this.credentials.consumerSecret },
      oauthExtra: { oauth_callback: callbackUrl },
      readRaw: readTokenReply,
    });
  }

  /** Step 2: the page on the school's web side (not the API host) where the user approves the request token. */
  authorizeUrl(webUrl: string, requestToken: string, callbackUrl: string): string {
    const web = webUrl.replace(/\/+$/, '');
    return `${web}/oauth/authorize?oauth_token=${percentEncode(requestToken)}&oauth_callback=${percentEncode(callbackUrl)}`;
  }

  /** Step 3: the approved request token traded for an access token. */
  accessToken(requestToken: string, requestTokenSecret: string, verifier?: string, signal?: AbortSignal): Promise<OAuthToken> {
    return this.call({
      method: 'GET',
      path: 'oauth/access_token',
      idempotent: true,
      signal,
      credentials: {
        consumerKey: this.credentials.consumerKey,
        consumerSecret: this.credentials.consumerSecret,
        token: requestToken,
        tokenSecret: requestTokenSecret,
      },
      ...(verifier ? { oauthExtra: { oauth_verifier: verifier } } : {}),
      readRaw: readTokenReply,
    });
  }

  // ---- plumbing ----

  /** `query` values arrive encoded (commaList keeps its commas literal), names are plain. */
  private urlFor(path: string, query: Record<string, string> = {}): URL {
    const search = Object.entries(query)
      .map(([name, value]) => `${percentEncode(name)}=${value}`)
      .join('&');
    return new URL(search ? `${path}?${search}` : path, this.base);
  }

  private call<T>(spec: CallSpec<T>): Promise<T> {
    const endpoint = `${spec.method} ${spec.path}`;
    const hasBody = spec.body !== undefined;
    const credentials = spec.credentials ?? this.credentials;
    const format = this.format;
    return this.transport.request<T>({
      method: spec.method,
      url: spec.url ?? this.urlFor(spec.path, spec.query),
      endpoint,
      headers: formatHeaders(format, hasBody),
      ...(hasBody ? { body: encodeBody(format, spec.body) } : {}),
      idempotent: spec.idempotent,
      // Called for every attempt and every redirect hop: a fresh nonce and timestamp each time, over the URL
      // actually requested — reusing them is what makes Schoology's 303s fail with "Duplicate timestamp/nonce".
      authorize: (method, url) =>
        authorizationHeader({
          method,
          url,
          credentials,
          signatureMethod: this.signatureMethod,
          ...(this.realm !== undefined ? { realm: this.realm } : {}),
          ...(spec.oauthExtra ? { extra: spec.oauthExtra } : {}),
        }),
      parse: (response) => {
        if (spec.readRaw) return spec.readRaw(response);
        if (spec.noContent && (response.status === 204 || response.body.trim() === '')) return spec.noContent();
        if (!spec.read) {
          // A no-content call that got content did not do what we asked: an HTML error page with status 200
          // is how a failing proxy answers, and nothing was applied.
          if (response.body.trim() !== '') decodeBody(format, response.body, response.headers.get('content-type') ?? '');
          return undefined as T;
        }
        return spec.read(decodeBody(format, response.body, response.headers.get('content-type') ?? ''));
      },
      ...(spec.signal ? { signal: spec.signal } : {}),
    });
  }

  /**
   * Every page of a list endpoint. The next page is whatever links.next says — Schoology documents following it
   * rather than counting `start` — but always fetched from our own base's origin: Schoology writes its links as
   * http://, and the signed request must not leave over plain HTTP or to another host.
   */
  private async *pages<L extends { links: { next?: string | undefined } }>(
    path: string,
    filters: Record<string, string>,
    signal: AbortSignal | undefined,
    read: (data: unknown) => L,
  ): AsyncGenerator<L> {
    const endpoint = `GET ${path}`;
    const seen = new Set<string>();
    let url: URL | undefined = this.urlFor(path, { ...filters, limit: PAGE_LIMIT });
    while (url) {
      seen.add(url.href);
      const page: L = await this.call({ method: 'GET', path, url, idempotent: true, signal, read });
      yield page;
      const next = page.links.next;
      if (!next) return;
      let linked: URL;
      try {
        linked = new URL(next, url);
      } catch {
        throw new LmsError('malformed', endpoint, `links.next is not a URL: "${next.slice(0, 80)}"`);
      }
      url = new URL(`${linked.pathname}${linked.search}`, this.base.origin);
      if (seen.has(url.href)) {
        throw new LmsError('malformed', endpoint, `links.next repeats a page already read (${url.pathname}${url.search})`);
      }
    }
  }

  /**
   * A bulk call for any number of items: one request per 50, sent one after another, results concatenated in input
   * order. A result list of the wrong length is malformed (the rows could not be matched to the items); inside the
   * parse callback so an idempotent call retries it. When a later request fails, the earlier ones were applied;
   * the error says how far it got.
   */
  private async bulk<I>(
    items: readonly I[],
    signal: AbortSignal | undefined,
    request: (slice: I[]) => Omit<CallSpec<BulkItemResult[]>, 'read' | 'signal'> & { realmKeys?: string[] },
  ): Promise<BulkItemResult[]> {
    const slices = chunk(items);
    const specs = slices.map(request); // validates every item before anything is sent
    const results: BulkItemResult[] = [];
    for (const [index, { realmKeys, ...spec }] of specs.entries()) {
      const expected = slices[index]?.length ?? 0;
      const read = (data: unknown): BulkItemResult[] => {
        const rows: SchoologyBulkResultRow[] = parseWire(SchoologyBulkResultSchema, data, 'Schoology bulk result').enrollments.enrollment;
        if (rows.length !== expected) {
          throw new Error(`Schoology bulk result: ${rows.length} result rows for ${expected} items, so no row can be matched to its item`);
        }
        return rows.map((row, i) => bulkItemResult(row, realmKeys?.[i]));
      };
      try {
        results.push(...(await this.call({ ...spec, read, signal })));
      } catch (error) {
        if (index === 0 || !(error instanceof LmsError)) throw error;
        const detail = error.message.startsWith(`${error.endpoint}: `) ? error.message.slice(error.endpoint.length + 2) : error.message;
        throw new LmsError(
          error.kind,
          error.endpoint,
          `${detail} (request ${index + 1} of ${specs.length}: the ${results.length} items before it were sent already)`,
          {
            ...(error.status !== undefined ? { status: error.status } : {}),
            ...(error.retryAfter !== undefined ? { retryAfter: error.retryAfter } : {}),
            cause: error,
          },
        );
      }
    }
    return results;
  }
}
