/**
 * OAuth 1.0a (RFC 5849) as Schoology uses it: the signing half for our client and the checking half for the sandbox
 * LMS, in one module so both speak exactly the same dialect.
 *
 * Owned rather than taken from a library: the npm OAuth 1.0a packages either sign the JSON body (Schoology rejects
 * that), leave query parameters out of the base string, or follow redirects with the old nonce — the three mistakes
 * Schoology's troubleshooting page lists. The tests reproduce RFC 5849's own example values.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type SignatureMethod = 'HMAC-SHA1' | 'PLAINTEXT';

export interface OAuthCredentials {
  consumerKey: string;
  consumerSecret: string;
  /** Empty for two-legged calls: Schoology still wants `oauth_token=""` in the header. */
  token?: string;
  tokenSecret?: string;
}

/** RFC 3986 unreserved characters stay; everything else is %XX of its UTF-8 bytes, upper-case hex (RFC 5849 §3.6). */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The inverse, for header values and query strings; `+` is a literal plus in OAuth, not a space. */
export function percentDecode(value: string): string {
  return decodeURIComponent(value);
}

/**
 * Base string URI (§3.4.1.2): scheme and host lower-cased, default port dropped, no query or fragment.
 * Our `URL` already normalises scheme/host case and default ports.
 */
export function baseStringUri(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/**
 * Parameter normalisation (§3.4.1.3.2): encode names and values, sort by name then value, join with & and =.
 * `params` are decoded pairs; form bodies would join them, JSON/XML bodies never do.
 */
export function normalizeParameters(params: ReadonlyArray<readonly [string, string]>): string {
  return params
    .map(([name, value]) => [percentEncode(name), percentEncode(value)] as const)
    .sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/**
 * Query pairs of a URL, decoded the OAuth way. `URLSearchParams` would turn `+` into a space, which RFC 5849 does not
 * (and a signature over the wrong text is a 401), so the query is split by hand.
 */
export function queryPairs(url: URL): Array<[string, string]> {
  const query = url.search.startsWith('?') ? url.search.slice(1) : url.search;
  if (!query) return [];
  return query.split('&').filter(Boolean).map((part) => {
    const eq = part.indexOf('=');
    const name = eq === -1 ? part : part.slice(0, eq);
    const value = eq === -1 ? '' : part.slice(eq + 1);
    return [percentDecode(name), percentDecode(value)];
  });
}

/** The signature base string (§3.4.1): METHOD & enc(base URI) & enc(normalised query + oauth params, and form body params). */
export function signatureBaseString(
  method: string,
  url: URL,
  oauthParams: Readonly<Record<string, string>>,
  formBodyParams: ReadonlyArray<readonly [string, string]> = [],
): string {
  const params: Array<readonly [string, string]> = [
    ...queryPairs(url),
    ...Object.entries(oauthParams).filter(([name]) => name !== 'oauth_signature' && name !== 'realm'),
    ...formBodyParams,
  ];
  return [method.toUpperCase(), percentEncode(baseStringUri(url)), percentEncode(normalizeParameters(params))].join('&');
}

/** The signing key / PLAINTEXT signature: enc(consumer secret) & enc(token secret) (§3.4.2, §3.4.4). */
export function signingKey(consumerSecret: string, tokenSecret = ''): string {
  return `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`;
}

export function hmacSha1Signature(baseString: string, consumerSecret: string, tokenSecret = ''): string {
  return createHmac('sha1', signingKey(consumerSecret, tokenSecret)).update(baseString).digest('base64');
}

/** A fresh nonce: 128 random bits as hex, so it never needs encoding and never repeats within a timestamp. */
export function newNonce(): string {
  return randomBytes(16).toString('hex');
}

export interface SignOptions {
  method: string;
  url: URL;
  credentials: OAuthCredentials;
  signatureMethod?: SignatureMethod;
  /** Seconds since the epoch; the clock by default. */
  timestamp?: number;
  nonce?: string;
  /** Extra oauth_* parameters (oauth_callback on a request-token call, oauth_verifier on an access-token call). */
  extra?: Readonly<Record<string, string>>;
  /** The `realm` header parameter; Schoology documents "Schoology API". It is never part of the signature. */
  realm?: string;
}

/** All oauth_* parameters of one request, signature included. */
export function oauthParameters(options: SignOptions): Record<string, string> {
  const signatureMethod = options.signatureMethod ?? 'HMAC-SHA1';
  const { consumerKey, consumerSecret, token = '', tokenSecret = '' } = options.credentials;
  const params: Record<string, string> = {
    oauth_consumer_key: consumerKey,
    oauth_nonce: options.nonce ?? newNonce(),
    oauth_signature_method: signatureMethod,
    oauth_timestamp: String(options.timestamp ?? Math.floor(Date.now() / 1000)),
    oauth_token: token,
    oauth_version: '1.0',
    ...options.extra,
  };
  params.oauth_signature =
    signatureMethod === 'PLAINTEXT'
      ? signingKey(consumerSecret, tokenSecret)
      : hmacSha1Signature(signatureBaseString(options.method, options.url, params), consumerSecret, tokenSecret);
  return params;
}

/**
 * The Authorization header value, in the order Schoology documents: realm first, oauth_signature last, everything
 * else alphabetical; every value percent-encoded and quoted.
 */
export function authorizationHeader(options: SignOptions): string {
  const params = oauthParameters(options);
  const { oauth_signature: signature, ...rest } = params;
  const ordered = Object.keys(rest)
    .sort()
    .map((name) => `${name}="${percentEncode(rest[name] ?? '')}"`);
  return `OAuth realm="${percentEncode(options.realm ?? 'Schoology API')}", ${ordered.join(', ')}, oauth_signature="${percentEncode(signature ?? '')}"`;
}

export class OAuthHeaderError extends Error {
  override name = 'OAuthHeaderError';
}

/**
 * Parses `OAuth realm="…", oauth_…="…"` into decoded parameters. Lenient about what real clients send (commas with or
 * without spaces, an unquoted value) and strict about what would make the signature ambiguous (a repeated name).
 */
export function parseAuthorizationHeader(header: string): Record<string, string> {
  const match = /^\s*OAuth\s+(.*)$/is.exec(header);
  if (!match) throw new OAuthHeaderError('the Authorization header is not an OAuth header');
  const params: Record<string, string> = {};
  const pattern = /\s*([A-Za-z0-9_.~%-]+)\s*=\s*(?:"([^"]*)"|([^,\s]*))\s*(?:,|$)/gy;
  const body = match[1] ?? '';
  let consumed = 0;
  for (let m = pattern.exec(body); m; m = pattern.exec(body)) {
    const name = percentDecode(m[1] ?? '');
    if (Object.hasOwn(params, name)) throw new OAuthHeaderError(`the OAuth header repeats ${name}`);
    try {
      params[name] = percentDecode(m[2] ?? m[3] ?? '');
    } catch {
      throw new OAuthHeaderError(`the OAuth header's ${name} is not valid percent-encoding`);
    }
    consumed = pattern.lastIndex;
    if (consumed >= body.length) break;
  }
  if (body.slice(consumed).trim() !== '') throw new OAuthHeaderError('the OAuth header could not be parsed');
  return params;
}

/** Constant-time comparison of two signatures, so a checker leaks nothing through timing. */
export function signaturesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
