/**
 * OAuth 1.0a as Schoology checks it, for the sandbox: one consumer (key + secret owned by the sandbox's key owner),
 * two-legged calls with `oauth_token=""`, and the three-legged dance (request token → authorize page → access token).
 *
 * The checks and their order: header present and parseable → known consumer key → HMAC-SHA1 or PLAINTEXT → version
 * 1.0 if given → timestamp within ±300 s → nonce present → token valid for the call → signature → nonce+timestamp
 * not seen before. The signature is computed with the lead's oauth1 module, over the URL as the client addressed
 * it (Host header + raw path and query) plus the oauth parameters; bodies are never signed (Schoology only takes
 * JSON and XML bodies).
 */
import { randomBytes } from 'node:crypto';
import {
  hmacSha1Signature,
  OAuthHeaderError,
  parseAuthorizationHeader,
  signatureBaseString,
  signaturesEqual,
  signingKey,
} from '../lms/schoology/oauth1';

export const TIMESTAMP_WINDOW_S = 300;
export const REPLAY_MESSAGE = 'Duplicate timestamp/nonce combination, possible replay attack. Request rejected.';
export const DEFAULT_ACCESS_TOKEN_LIFETIME_MS = 90 * 24 * 60 * 60 * 1000;
const REQUEST_TOKEN_LIFETIME_MS = 10 * 60 * 1000;

/**
 * Random letters and digits only: keys and tokens then never need percent-encoding, and never start with "-" (a key
 * pasted after `--key` would otherwise read as an option to a command line parser).
 */
export function randomToken(bytes = 18): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  // 62 letters: drop bytes ≥ 248 so every character is equally likely (no modulo bias).
  let out = '';
  while (out.length < Math.ceil((bytes * 4) / 3)) {
    for (const byte of randomBytes(bytes)) if (byte < 248 && out.length < Math.ceil((bytes * 4) / 3)) out += alphabet[byte % 62];
  }
  return out;
}

export class OAuthError extends Error {
  override name = 'OAuthError';
  readonly status = 401;
}

export interface OAuthConsumer {
  key: string;
  secret: string;
  /** The user two-legged calls act as, and who approves on the authorize page. */
  ownerUid: string;
}

/** Who a verified request acts as. */
export interface OAuthIdentity {
  consumerKey: string;
  uid: string;
  /** The oauth_token used; "" for two-legged. */
  token: string;
  /** The decoded header parameters (oauth_callback, oauth_verifier for the token endpoints). */
  params: Readonly<Record<string, string>>;
}

type RequestTokenState = 'issued' | 'authorized' | 'denied' | 'used';

interface RequestToken {
  secret: string;
  callback: string;
  expiresAt: number;
  state: RequestTokenState;
  verifier: string;
  uid: string;
}

interface AccessToken {
  secret: string;
  uid: string;
  expiresAt: number;
  revoked: boolean;
}

/** What the call is for: the token each kind must be signed with differs. */
export type OAuthPurpose = 'api' | 'request-token' | 'access-token';

export interface SignedRequest {
  method: string;
  /** The URL as the client addressed it: `http://${Host}${path+query}`. */
  url: URL;
  authorization: string | undefined;
}

export class SandboxOAuth {
  private readonly requestTokens = new Map<string, RequestToken>();
  private readonly accessTokens = new Map<string, AccessToken>();
  /** "key\ntimestamp\nnonce" → when it may be forgotten (its timestamp has left the window). */
  private readonly seenNonces = new Map<string, number>();
  private lastPrune = 0;

  constructor(
    readonly consumer: OAuthConsumer,
    private readonly now: () => number,
    private readonly accessTokenLifetimeMs: number = DEFAULT_ACCESS_TOKEN_LIFETIME_MS,
  ) {}

  /**
   * The consumer key a request claims, if it is ours: the rate limit counts per key before anything else is
   * checked (and before a nonce is spent), as a gateway in front of the API would.
   */
  claimedConsumerKey(authorization: string | undefined): string | undefined {
    if (!authorization) return undefined;
    try {
      const key = parseAuthorizationHeader(authorization).oauth_consumer_key;
      return key === this.consumer.key ? key : undefined;
    } catch {
      return undefined;
    }
  }

  /** Checks a signed request and returns who it acts as; throws OAuthError (401) naming the problem. */
  verify(request: SignedRequest, purpose: OAuthPurpose): OAuthIdentity {
    if (!request.authorization) throw new OAuthError('Missing Authorization header: sign every request with OAuth 1.0a.');
    let params: Record<string, string>;
    try {
      params = parseAuthorizationHeader(request.authorization);
    } catch (error) {
      if (error instanceof OAuthHeaderError) throw new OAuthError(`Invalid Authorization header: ${error.message}.`);
      throw error;
    }
    const consumerKey = params.oauth_consumer_key;
    if (!consumerKey) throw new OAuthError('Missing oauth_consumer_key.');
    if (consumerKey !== this.consumer.key) throw new OAuthError('Invalid consumer key.');
    const method = params.oauth_signature_method;
    if (method !== 'HMAC-SHA1' && method !== 'PLAINTEXT') {
      throw new OAuthError(`Unsupported oauth_signature_method "${method ?? ''}"; use HMAC-SHA1 or PLAINTEXT.`);
    }
    if (params.oauth_version !== undefined && params.oauth_version !== '1.0') {
      throw new OAuthError(`Unsupported oauth_version "${params.oauth_version}"; use 1.0.`);
    }
    const timestamp = params.oauth_timestamp ?? '';
    const nowS = Math.floor(this.now() / 1000);
    if (!/^\d+$/.test(timestamp)) throw new OAuthError('Missing or invalid oauth_timestamp.');
    if (Math.abs(Number(timestamp) - nowS) > TIMESTAMP_WINDOW_S) {
      throw new OAuthError(`Timestamp ${timestamp} is more than ${TIMESTAMP_WINDOW_S} seconds from the server time ${nowS}; check the clock.`);
    }
    const nonce = params.oauth_nonce ?? '';
    if (!nonce) throw new OAuthError('Missing oauth_nonce.');
    const { uid, tokenSecret, token } = this.tokenFor(params.oauth_token ?? '', purpose);
    const signature = params.oauth_signature ?? '';
    const expected =
      method === 'PLAINTEXT'
        ? signingKey(this.consumer.secret, tokenSecret)
        : hmacSha1Signature(signatureBaseString(request.method, request.url, params), this.consumer.secret, tokenSecret);
    if (!signaturesEqual(signature, expected)) throw new OAuthError(`Invalid signature (${method}).`);
    this.rememberNonce(consumerKey, timestamp, nonce);
    return { consumerKey, uid, token, params };
  }

  private tokenFor(token: string, purpose: OAuthPurpose): { uid: string; tokenSecret: string; token: string } {
    if (purpose === 'request-token') {
      if (token) throw new OAuthError('Sign oauth/request_token with the consumer key only (oauth_token="").');
      return { uid: this.consumer.ownerUid, tokenSecret: '', token };
    }
    if (purpose === 'access-token') {
      const request = this.requestTokens.get(token);
      if (!token || !request) throw new OAuthError('Invalid request token: sign oauth/access_token with the request token and its secret.');
      if (request.expiresAt <= this.now()) throw new OAuthError('Request token expired; start again with oauth/request_token.');
      return { uid: request.uid, tokenSecret: request.secret, token };
    }
    if (!token) return { uid: this.consumer.ownerUid, tokenSecret: '', token };
    const access = this.accessTokens.get(token);
    if (!access) throw new OAuthError('Invalid access token.');
    if (access.revoked) throw new OAuthError('Access token revoked; authorize the app again.');
    if (access.expiresAt <= this.now()) throw new OAuthError('Access token expired; authorize the app again.');
    return { uid: access.uid, tokenSecret: access.secret, token };
  }

  private rememberNonce(consumerKey: string, timestamp: string, nonce: string): void {
    const now = this.now();
    if (now - this.lastPrune > 60_000) {
      for (const [seen, forgetAt] of this.seenNonces) if (forgetAt <= now) this.seenNonces.delete(seen);
      this.lastPrune = now;
    }
    const id = `${consumerKey}\n${timestamp}\n${nonce}`;
    if (this.seenNonces.has(id)) throw new OAuthError(REPLAY_MESSAGE);
    // Kept one second past the window, so the stale-timestamp check always catches it after it is forgotten.
    this.seenNonces.set(id, (Number(timestamp) + TIMESTAMP_WINDOW_S + 1) * 1000);
  }

  /** Step 1. `callback` may be "" or "oob" when the authorize page is given its callback instead. */
  issueRequestToken(callback: string): { token: string; secret: string } {
    const token = randomToken();
    const secret = randomToken(24);
    this.requestTokens.set(token, {
      secret,
      callback: callback === 'oob' ? '' : callback,
      expiresAt: this.now() + REQUEST_TOKEN_LIFETIME_MS,
      state: 'issued',
      verifier: '',
      uid: '',
    });
    return { token, secret };
  }

  /** For the authorize page: the callback given at step 1, or why the token cannot be authorized. */
  pendingRequestToken(token: string): { callback: string } | { problem: string } {
    const request = this.requestTokens.get(token);
    if (!request) return { problem: 'This authorization link is not valid: its request token is unknown.' };
    if (request.expiresAt <= this.now()) return { problem: 'This authorization link has expired. Start signing in again from the app.' };
    if (request.state !== 'issued') return { problem: 'This authorization link was already used. Start signing in again from the app.' };
    return { callback: request.callback };
  }

  /** Step 2, Allow: returns the verifier the callback carries. */
  approve(token: string, uid: string): string {
    const request = this.decide(token);
    request.state = 'authorized';
    request.uid = uid;
    request.verifier = randomToken(12);
    return request.verifier;
  }

  /** Step 2, Deny. */
  deny(token: string): void {
    this.decide(token).state = 'denied';
  }

  private decide(token: string): RequestToken {
    const pending = this.pendingRequestToken(token);
    if ('problem' in pending) throw new OAuthError(pending.problem);
    return this.requestTokens.get(token) as RequestToken;
  }

  /** Step 3, after `verify(…, 'access-token')` accepted the signature: trades the request token for an access token. */
  exchange(requestToken: string, verifier: string | undefined): { token: string; secret: string } {
    const request = this.requestTokens.get(requestToken);
    if (!request) throw new OAuthError('Invalid request token.');
    if (request.state === 'denied') throw new OAuthError('The user denied access to this app.');
    if (request.state === 'used') throw new OAuthError('Request token already exchanged; start again with oauth/request_token.');
    if (request.state !== 'authorized') throw new OAuthError('Request token not authorized yet: send the user to the authorize page first.');
    // Schoology's own PHP example sends no verifier (OAuth 1.0 style); a verifier that is sent must match.
    if (verifier !== undefined && !signaturesEqual(verifier, request.verifier)) throw new OAuthError('Invalid oauth_verifier.');
    request.state = 'used';
    const token = randomToken();
    const secret = randomToken(24);
    this.accessTokens.set(token, { secret, uid: request.uid, expiresAt: this.now() + this.accessTokenLifetimeMs, revoked: false });
    return { token, secret };
  }

  /** Every access token issued so far now answers 401, as after a revocation or the 90-day expiry. */
  revokeAccessTokens(): void {
    for (const access of this.accessTokens.values()) access.revoked = true;
  }
}
