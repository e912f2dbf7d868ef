/**
 * Qeet ID as the app sees it, through oauth4webapi: discovery (cached), the
 * authorization URL (pushed when the provider offers PAR), the code exchange with the
 * ID token checked (signature by the provider's own keys, `iss`, `aud`, `exp`,
 * `nonce`, `at_hash`), refresh, revocation, the end-session URL and logout tokens.
 */

import * as oauth from 'oauth4webapi';
import { createRemoteJWKSet, jwtVerify, base64url, type JWTPayload } from 'jose';
import { ENVIRONMENT, type QeetIdConfig } from './config.js';
import { ConfigurationError, QeetIdError } from './errors.js';
import type { SessionUser, TokenSet } from './types.js';

/** Protocol claims of the ID token that are not about the user. */
const PROTOCOL_CLAIMS = ['iss', 'aud', 'exp', 'iat', 'nbf', 'nonce', 'at_hash', 'c_hash', 'azp', 'jti'];

/** The logout token's event (OpenID Connect Back-Channel Logout 1.0 §2.4). */
const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** How long discovery is trusted before it is read again. */
const DISCOVERY_SECONDS = 3600;

/** What a code exchange or a refresh gives. */
export interface Exchanged {
  tokens: TokenSet;
  /** Present when the response held an ID token. */
  idToken?: { token: string; user: SessionUser };
}

/** Who a valid logout token signs out. */
export interface LogoutToken {
  sub?: string;
  sid?: string;
  jti: string;
  exp: number;
}

/** The parameters of a sign-in that the app passes through to Qeet ID. */
export interface AuthorizationExtras {
  login_hint?: string;
  prompt?: string;
  acr_values?: string;
  ui_locales?: string;
  resource?: string[];
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}

/** The user's claims of a validated ID token. */
export function userOf(claims: Record<string, unknown>): SessionUser {
  const user: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(claims)) if (!PROTOCOL_CLAIMS.includes(name)) user[name] = value;
  if (typeof user.sub !== 'string') throw new QeetIdError('invalid_id_token', 'the ID token has no subject');
  return user as SessionUser;
}

function hashFor(alg: string): 'SHA-256' | 'SHA-384' | 'SHA-512' {
  if (alg.endsWith('384')) return 'SHA-384';
  if (alg.endsWith('512') || alg === 'EdDSA' || alg === 'Ed25519') return 'SHA-512';
  return 'SHA-256';
}

/** Checks `at_hash` (OIDC Core §3.1.3.8) when the ID token has one: the left half of the access token's hash. */
export async function checkAtHash(idToken: string, accessToken: string): Promise<void> {
  const [header, payload] = idToken.split('.');
  const { alg } = JSON.parse(new TextDecoder().decode(base64url.decode(header ?? ''))) as { alg: string };
  const { at_hash: atHash } = JSON.parse(new TextDecoder().decode(base64url.decode(payload ?? ''))) as { at_hash?: unknown };
  if (atHash === undefined) return;
  const digest = new Uint8Array(await crypto.subtle.digest(hashFor(alg), new TextEncoder().encode(accessToken)));
  const expected = base64url.encode(digest.slice(0, digest.length / 2));
  if (atHash !== expected) throw new QeetIdError('invalid_id_token', 'the ID token\'s at_hash does not match the access token');
}

function tokensOf(response: oauth.TokenEndpointResponse, previousRefresh?: string): TokenSet {
  return {
    accessToken: response.access_token,
    tokenType: response.token_type ?? 'Bearer',
    expiresAt: now() + (typeof response.expires_in === 'number' ? response.expires_in : 300),
    refreshToken: response.refresh_token ?? previousRefresh,
    scope: response.scope,
  };
}

/** Turns oauth4webapi's and fetch's failures into the SDK's errors, naming the setting where one is at fault. */
export function asQeetIdError(error: unknown, during: string): QeetIdError {
  if (error instanceof QeetIdError) return error;
  if (error instanceof oauth.ResponseBodyError || error instanceof oauth.AuthorizationResponseError) {
    if (error.error === 'invalid_client' || error.error === 'unauthorized_client') {
      return new ConfigurationError(
        `${ENVIRONMENT.clientId} / ${ENVIRONMENT.clientSecret}`,
        `Qeet ID refused the client during ${during} (${error.error}: ${error.error_description ?? 'no description'})`,
        { cause: error },
      );
    }
    return new QeetIdError(error.error, `Qeet ID answered ${error.error} during ${during}: ${error.error_description ?? ''}`, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new QeetIdError('invalid_response', `${during} failed: ${message}`, { cause: error });
}

/** Qeet ID for one configuration: one discovery, one key set cache, per process. */
export class Provider {
  private discovered: { as: oauth.AuthorizationServer; until: number } | undefined;
  private discovering: Promise<oauth.AuthorizationServer> | undefined;
  private logoutKeys: ReturnType<typeof createRemoteJWKSet> | undefined;
  private readonly client: oauth.Client;
  private readonly clientAuth: oauth.ClientAuth;
  private readonly jwksCache: oauth.JWKSCacheInput = {};

  constructor(private readonly config: QeetIdConfig) {
    this.client = { client_id: config.clientId };
    this.clientAuth = config.clientSecret === undefined ? oauth.None() : oauth.ClientSecretBasic(config.clientSecret);
  }

  /** The redirect URI registered for the app: the route handler's `/callback`. */
  get redirectUri(): string {
    return new URL(`${this.config.basePath}/callback`, this.config.appUrl).href;
  }

  private options<T extends object>(extra?: T): T & { [oauth.allowInsecureRequests]?: boolean } {
    return { ...(extra ?? ({} as T)), ...(this.config.insecureIssuer ? { [oauth.allowInsecureRequests]: true } : {}) };
  }

  /** The provider's metadata, read once an hour (an unreachable issuer is an error naming `QEETID_ISSUER`). */
  async metadata(): Promise<oauth.AuthorizationServer> {
    if (this.discovered && this.discovered.until > now()) return this.discovered.as;
    this.discovering ??= (async () => {
      try {
        const response = await oauth.discoveryRequest(this.config.issuer, this.options({ algorithm: 'oidc' as const }));
        const as = await oauth.processDiscoveryResponse(this.config.issuer, response);
        this.discovered = { as, until: now() + DISCOVERY_SECONDS };
        return as;
      } catch (error) {
        const cause = error instanceof Error ? (error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message) : String(error);
        throw new ConfigurationError(ENVIRONMENT.issuer, `discovery at ${this.config.issuer.href} failed (${cause})`, { cause: error });
      } finally {
        this.discovering = undefined;
      }
    })();
    return this.discovering;
  }

  /** The URL that starts a sign-in; with PAR the parameters go to Qeet ID first, and the client is checked there. */
  async authorizationUrl(params: URLSearchParams): Promise<URL> {
    const as = await this.metadata();
    if (!as.authorization_endpoint) throw new ConfigurationError(ENVIRONMENT.issuer, 'the provider has no authorization_endpoint');
    const url = new URL(as.authorization_endpoint);
    if (this.config.pushedAuthorizationRequests && as.pushed_authorization_request_endpoint) {
      try {
        const response = await oauth.pushedAuthorizationRequest(as, this.client, this.clientAuth, params, this.options());
        const pushed = await oauth.processPushedAuthorizationResponse(as, this.client, response);
        url.searchParams.set('client_id', this.config.clientId);
        url.searchParams.set('request_uri', pushed.request_uri);
        return url;
      } catch (error) {
        throw asQeetIdError(error, 'the pushed authorization request');
      }
    }
    for (const [name, value] of params) url.searchParams.append(name, value);
    return url;
  }

  /**
   * Checks the callback (`state`, RFC 9207 `iss`, an `error` answer), exchanges the
   * code with the PKCE verifier and validates the ID token and its signature.
   */
  async exchangeCode(callback: URL, expected: { state: string; nonce: string; verifier: string; maxAge?: number }): Promise<Exchanged & { idToken: { token: string; user: SessionUser } }> {
    const as = await this.metadata();
    let parameters: URLSearchParams;
    try {
      parameters = oauth.validateAuthResponse(as, this.client, callback, expected.state);
    } catch (error) {
      throw asQeetIdError(error, 'the callback');
    }
    try {
      const response = await oauth.authorizationCodeGrantRequest(
        as, this.client, this.clientAuth, parameters, this.redirectUri, expected.verifier, this.options(),
      );
      const result = await oauth.processAuthorizationCodeResponse(as, this.client, response, {
        expectedNonce: expected.nonce,
        requireIdToken: true,
        maxAge: expected.maxAge ?? oauth.skipAuthTimeCheck,
      });
      await oauth.validateApplicationLevelSignature(as, response, this.options({ [oauth.jwksCache]: this.jwksCache }));
      const idToken = result.id_token as string;
      await checkAtHash(idToken, result.access_token);
      const claims = oauth.getValidatedIdTokenClaims(result) as unknown as Record<string, unknown>;
      return { tokens: tokensOf(result), idToken: { token: idToken, user: userOf(claims) } };
    } catch (error) {
      throw asQeetIdError(error, 'the code exchange');
    }
  }

  /** Swaps `refreshToken` for new tokens (Qeet ID rotates it: the old one is spent). */
  async refresh(refreshToken: string): Promise<Exchanged> {
    const as = await this.metadata();
    try {
      const response = await oauth.refreshTokenGrantRequest(as, this.client, this.clientAuth, refreshToken, this.options());
      const result = await oauth.processRefreshTokenResponse(as, this.client, response);
      const tokens = tokensOf(result, refreshToken);
      if (typeof result.id_token !== 'string') return { tokens };
      await oauth.validateApplicationLevelSignature(as, response, this.options({ [oauth.jwksCache]: this.jwksCache }));
      await checkAtHash(result.id_token, result.access_token);
      const claims = oauth.getValidatedIdTokenClaims(result) as unknown as Record<string, unknown>;
      return { tokens, idToken: { token: result.id_token, user: userOf(claims) } };
    } catch (error) {
      throw asQeetIdError(error, 'the refresh');
    }
  }

  /** Revokes a refresh token, best effort (sign-out goes on whatever happens). */
  async revoke(refreshToken: string): Promise<void> {
    try {
      const as = await this.metadata();
      if (!as.revocation_endpoint) return;
      const response = await oauth.revocationRequest(as, this.client, this.clientAuth, refreshToken, this.options({ signal: AbortSignal.timeout(3000), additionalParameters: { token_type_hint: 'refresh_token' } }));
      await oauth.processRevocationResponse(response);
    } catch {
      // The session ends at the app either way; Qeet ID ends the grant's tokens at sign-out.
    }
  }

  /** Where the browser goes to sign out at Qeet ID, or `undefined` when it has no end-session endpoint. */
  async endSessionUrl(idToken: string | undefined): Promise<URL | undefined> {
    const as = await this.metadata();
    if (!as.end_session_endpoint) return undefined;
    const url = new URL(as.end_session_endpoint);
    if (idToken) url.searchParams.set('id_token_hint', idToken);
    url.searchParams.set('client_id', this.config.clientId);
    url.searchParams.set('post_logout_redirect_uri', this.config.postLogoutRedirectUri);
    return url;
  }

  /**
   * Validates a logout token (Back-Channel Logout 1.0 §2.6): signed by a key of the
   * provider's set with that key's algorithm, `iss`, `aud`, `iat`, `exp`, the logout
   * event, `sub` or `sid`, and no `nonce`.
   */
  async verifyLogoutToken(token: string): Promise<LogoutToken> {
    const as = await this.metadata();
    if (!as.jwks_uri) throw new ConfigurationError(ENVIRONMENT.issuer, 'the provider has no jwks_uri');
    this.logoutKeys ??= createRemoteJWKSet(new URL(as.jwks_uri));
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.logoutKeys, {
        issuer: as.issuer,
        audience: this.config.clientId,
        algorithms: as.id_token_signing_alg_values_supported?.filter((alg) => alg !== 'none' && !alg.startsWith('HS')) ?? ['RS256'],
        requiredClaims: ['iat', 'exp', 'jti', 'events'],
      }));
    } catch (error) {
      throw new QeetIdError('invalid_request', `the logout token is not valid: ${error instanceof Error ? error.message : String(error)}`);
    }
    const events = payload.events as Record<string, unknown> | undefined;
    if (typeof events !== 'object' || events === null || typeof events[BACKCHANNEL_LOGOUT_EVENT] !== 'object') {
      throw new QeetIdError('invalid_request', 'the logout token has no back-channel logout event');
    }
    if ('nonce' in payload) throw new QeetIdError('invalid_request', 'a logout token must not carry a nonce');
    const sub = typeof payload.sub === 'string' ? payload.sub : undefined;
    const sid = typeof payload.sid === 'string' ? payload.sid : undefined;
    if (sub === undefined && sid === undefined) throw new QeetIdError('invalid_request', 'the logout token names neither sub nor sid');
    return { sub, sid, jti: String(payload.jti), exp: Number(payload.exp) };
  }
}
