import { describe, expect, it } from 'vitest';
import {
  authorizationHeader,
  baseStringUri,
  hmacSha1Signature,
  newNonce,
  normalizeParameters,
  OAuthHeaderError,
  oauthParameters,
  parseAuthorizationHeader,
  percentEncode,
  queryPairs,
  signatureBaseString,
  signaturesEqual,
  signingKey,
} from '../../../electron/lms/schoology/oauth1';

// RFC 5849 §1.2: the printer (consumer) and the photo site's example credentials.
const PRINTER = { consumerKey: 'dpf43f3p2l4k3l03', consumerSecret: 'kd94hf93k423kf44' };

describe('RFC 5849 §1.2 example signatures', () => {
  it('signs the temporary-credentials request (POST /initiate with oauth_callback, no token)', () => {
    const params = {
      oauth_consumer_key: PRINTER.consumerKey,
      oauth_signature_method: 'HMAC-SHA1',
      oauth_timestamp: '137131200',
      oauth_nonce: 'wIjqoS',
      oauth_callback: 'http://printer.example.com/ready',
    };
    const base = signatureBaseString('POST', new URL('https://photos.example.net/initiate'), params);
    expect(hmacSha1Signature(base, PRINTER.consumerSecret)).toBe('74KNZJeDHnMBp0EMJ9ZHt/XKycU=');
  });

  it('signs the token request (POST /token with the temporary token and the verifier)', () => {
    const params = {
      oauth_consumer_key: PRINTER.consumerKey,
      oauth_token: 'hh5s93j4hdidpola',
      oauth_signature_method: 'HMAC-SHA1',
      oauth_timestamp: '137131201',
      oauth_nonce: 'walatlh',
      oauth_verifier: 'hfdp7dh39dks9884',
    };
    const base = signatureBaseString('POST', new URL('https://photos.example.net/token'), params);
    expect(hmacSha1Signature(base, PRINTER.consumerSecret, 'hdhd0244k9j7ao03')).toBe('gKgrFCywp7rO0OXSjdot/IHF7IU=');
  });

  it('signs the protected-resource request (GET /photos with its query string in the base string)', () => {
    const params = {
      oauth_consumer_key: PRINTER.consumerKey,
      oauth_token: 'nnch734d00sl2jdk',
      oauth_signature_method: 'HMAC-SHA1',
      oauth_timestamp: '137131202',
      oauth_nonce: 'chapoH',
    };
    const url = new URL('http://photos.example.net/photos?file=vacation.jpg&size=original');
    const base = signatureBaseString('GET', url, params);
    expect(hmacSha1Signature(base, PRINTER.consumerSecret, 'pfkkdhi9sl3r4s00')).toBe('MdpQcU8iPSUjWoN/UDMsK2sui9I=');
  });
});

describe('RFC 5849 §3.4.1 signature base string', () => {
  // §3.4.1.1's request: query parameters with encoded and doubly encoded values, plus a form body "c2&a3=2+q".
  const url = new URL('http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b');
  const oauth = {
    oauth_consumer_key: '9djdj82h48djs9d2',
    oauth_token: 'kkk9d7dh3k39sjv7',
    oauth_signature_method: 'HMAC-SHA1',
    oauth_timestamp: '137131201',
    oauth_nonce: '7d8f3e4a',
    oauth_signature: 'djosJKDKJSD8743243%2Fjdk33klY%3D',
  };
  const formBody: Array<[string, string]> = [
    ['c2', ''],
    ['a3', '2 q'],
  ];

  it("reproduces the RFC's base string exactly, leaving oauth_signature out", () => {
    expect(signatureBaseString('POST', url, oauth, formBody)).toBe(
      'POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26' +
        'oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26' +
        'oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7',
    );
  });

  it("reproduces §3.4.1.3.2's normalized parameter string (sorted by name, then value)", () => {
    const params: Array<[string, string]> = [...queryPairs(url), ...Object.entries(oauth).filter(([n]) => n !== 'oauth_signature'), ...formBody];
    expect(normalizeParameters(params)).toBe(
      'a2=r%20b&a3=2%20q&a3=a&b5=%3D%253D&c%40=&c2=&oauth_consumer_key=9djdj82h48djs9d2&oauth_nonce=7d8f3e4a&' +
        'oauth_signature_method=HMAC-SHA1&oauth_timestamp=137131201&oauth_token=kkk9d7dh3k39sjv7',
    );
  });

  it('leaves the realm header parameter out of the base string', () => {
    const withRealm = signatureBaseString('POST', url, { ...oauth, realm: 'Photos' }, formBody);
    expect(withRealm).toBe(signatureBaseString('POST', url, oauth, formBody));
  });

  it("builds §3.4.1.2's base string URIs: lower-case scheme and host, default port dropped, no query", () => {
    expect(baseStringUri(new URL('HTTP://EXAMPLE.COM:80/r%20v/X?id=123'))).toBe('http://example.com/r%20v/X');
    expect(baseStringUri(new URL('https://www.example.net:8080/?q=1'))).toBe('https://www.example.net:8080/');
  });

  it('reads a + in the query as a literal plus, not a space', () => {
    expect(queryPairs(new URL('http://example.com/?a=1+2&b=%2B'))).toEqual([
      ['a', '1+2'],
      ['b', '+'],
    ]);
  });
});

describe('percent-encoding (§3.6)', () => {
  it('keeps only the unreserved characters and upper-cases the hex', () => {
    expect(percentEncode("AZaz09-._~!*'() /&=+")).toBe('AZaz09-._~%21%2A%27%28%29%20%2F%26%3D%2B');
  });

  it('encodes the UTF-8 bytes of non-ASCII text', () => {
    expect(percentEncode('é☃')).toBe('%C3%A9%E2%98%83');
  });
});

describe('PLAINTEXT and the signing key', () => {
  it('is the encoded consumer secret and token secret joined by &', () => {
    expect(signingKey('kd94hf93k423kf44', 'pfkkdhi9sl3r4s00')).toBe('kd94hf93k423kf44&pfkkdhi9sl3r4s00');
    expect(signingKey('a&b', 'c d')).toBe('a%26b&c%20d');
  });

  it('signs a two-legged request with the consumer secret and a bare &, shown as %26 in the header', () => {
    const header = authorizationHeader({
      method: 'GET',
      url: new URL('https://api.schoology.com/v1/users/me'),
      credentials: PRINTER,
      signatureMethod: 'PLAINTEXT',
    });
    expect(header).toContain('oauth_signature_method="PLAINTEXT"');
    expect(header.endsWith('oauth_signature="kd94hf93k423kf44%26"')).toBe(true);
    expect(parseAuthorizationHeader(header).oauth_signature).toBe('kd94hf93k423kf44&');
  });
});

describe('the Authorization header', () => {
  const options = {
    method: 'GET',
    url: new URL('https://api.schoology.com/v1/sections/3719526/enrollments?limit=200&uid=1,2'),
    credentials: { ...PRINTER, token: 'nnch734d00sl2jdk', tokenSecret: 'pfkkdhi9sl3r4s00' },
    timestamp: 137131202,
    nonce: 'chapoH',
  };

  it('puts realm first, oauth_signature last and everything else in alphabetical order, as Schoology documents', () => {
    const names = [...authorizationHeader(options).matchAll(/([a-z_]+)="/g)].map((m) => m[1]);
    expect(names).toEqual([
      'realm',
      'oauth_consumer_key',
      'oauth_nonce',
      'oauth_signature_method',
      'oauth_timestamp',
      'oauth_token',
      'oauth_version',
      'oauth_signature',
    ]);
    expect(authorizationHeader(options).startsWith('OAuth realm="Schoology%20API", ')).toBe(true);
  });

  it('parses back into exactly the parameters that were signed, plus the realm', () => {
    const parsed = parseAuthorizationHeader(authorizationHeader(options));
    expect(parsed).toEqual({ realm: 'Schoology API', ...oauthParameters(options) });
  });

  it('carries a signature a server can verify from the parsed header and the request URL', () => {
    const parsed = parseAuthorizationHeader(authorizationHeader(options));
    const base = signatureBaseString('GET', options.url, parsed);
    expect(signaturesEqual(hmacSha1Signature(base, PRINTER.consumerSecret, 'pfkkdhi9sl3r4s00'), parsed.oauth_signature ?? '')).toBe(true);
  });

  it('signs the query string, so the same request with another query carries another signature', () => {
    const other = { ...options, url: new URL('https://api.schoology.com/v1/sections/3719526/enrollments?limit=20') };
    expect(oauthParameters(other).oauth_signature).not.toBe(oauthParameters(options).oauth_signature);
  });

  it('sends an empty oauth_token for a two-legged call, as Schoology requires', () => {
    const header = authorizationHeader({ ...options, credentials: PRINTER });
    expect(header).toContain('oauth_token=""');
    expect(parseAuthorizationHeader(header).oauth_token).toBe('');
  });

  it('adds oauth_callback and oauth_verifier to the signed parameters when given', () => {
    const extra = { oauth_callback: 'http://127.0.0.1:5555/done?x=1' };
    const params = parseAuthorizationHeader(authorizationHeader({ ...options, extra }));
    expect(params.oauth_callback).toBe('http://127.0.0.1:5555/done?x=1');
    expect(params.oauth_signature).not.toBe(oauthParameters(options).oauth_signature);
  });

  it('uses the realm it is given', () => {
    expect(authorizationHeader({ ...options, realm: '' }).startsWith('OAuth realm="", ')).toBe(true);
  });

  it('gets a fresh nonce and timestamp when none is given', () => {
    const first = parseAuthorizationHeader(authorizationHeader({ ...options, nonce: undefined, timestamp: undefined }));
    const second = parseAuthorizationHeader(authorizationHeader({ ...options, nonce: undefined, timestamp: undefined }));
    expect(first.oauth_nonce).not.toBe(second.oauth_nonce);
    expect(Math.abs(Number(first.oauth_timestamp) - Date.now() / 1000)).toBeLessThan(5);
  });
});

describe('parseAuthorizationHeader', () => {
  it('accepts commas without spaces and unquoted values', () => {
    expect(parseAuthorizationHeader('OAuth realm="x",oauth_token=abc,oauth_nonce="n%20n"')).toEqual({
      realm: 'x',
      oauth_token: 'abc',
      oauth_nonce: 'n n',
    });
  });

  it('refuses a header that is not OAuth', () => {
    expect(() => parseAuthorizationHeader('Bearer abc')).toThrow(OAuthHeaderError);
  });

  it('refuses a repeated parameter, which would make the signature ambiguous', () => {
    expect(() => parseAuthorizationHeader('OAuth oauth_token="a", oauth_token="b"')).toThrow(/repeats oauth_token/);
  });

  it('refuses trailing text it cannot parse', () => {
    expect(() => parseAuthorizationHeader('OAuth oauth_token="a", what is this')).toThrow(OAuthHeaderError);
  });
});

describe('nonces and signature comparison', () => {
  it('makes nonces that need no encoding and do not repeat', () => {
    const nonces = new Set(Array.from({ length: 100 }, newNonce));
    expect(nonces.size).toBe(100);
    for (const nonce of nonces) expect(nonce).toMatch(/^[0-9a-f]{32}$/);
  });

  it('compares signatures of different lengths as unequal instead of throwing', () => {
    expect(signaturesEqual('abc', 'abcd')).toBe(false);
    expect(signaturesEqual('abc', 'abd')).toBe(false);
    expect(signaturesEqual('abc', 'abc')).toBe(true);
  });
});
