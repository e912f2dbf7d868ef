/** The shapes the SDK keeps: who is signed in, and the tokens that go with it. */

/** The user's claims from the ID token, typed where Qeet ID defines them. */
export interface SessionUser {
  /** The user's id at Qeet ID. */
  sub: string;
  /** The tenant the user belongs to. */
  tid?: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  /** How the user authenticated: `pwd`, `otp`, `hwk`, `swk`, `mfa`, … */
  amr?: string[];
  /** The assurance level reached: `aal1` or `aal2`. */
  acr?: string;
  /** When the user authenticated (seconds since the epoch). */
  auth_time?: number;
  /** Qeet ID's session id (back-channel logout names it). */
  sid?: string;
  /** Any other claim of the ID token. */
  [claim: string]: unknown;
}

/** The tokens of a session. */
export interface TokenSet {
  accessToken: string;
  /** `Bearer` (or `DPoP`). */
  tokenType: string;
  /** When the access token expires (seconds since the epoch). */
  expiresAt: number;
  refreshToken?: string;
  scope?: string;
}

/** A session as stored (in the encrypted cookie, or in a session store). */
export interface SessionData {
  user: SessionUser;
  /** The latest ID token (the `id_token_hint` at sign-out). */
  idToken: string;
  tokens: TokenSet;
  /** When the user signed in to the app (seconds since the epoch). */
  createdAt: number;
  /** The last request that kept the session alive (seconds since the epoch). */
  touchedAt: number;
}

/** What the browser may see of a session (`/auth/session`, `auth()`): never tokens. */
export interface Session {
  user: SessionUser;
  /** When the session ends if nothing keeps it alive (seconds since the epoch). */
  expiresAt: number;
  /** When the current access token expires (seconds since the epoch). */
  accessTokenExpiresAt: number;
}
