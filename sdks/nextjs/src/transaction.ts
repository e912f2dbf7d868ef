/**
 * A sign-in in flight: its PKCE verifier, nonce and `returnTo`, sealed in a cookie
 * named after its `state`, so two tabs can sign in at once and each callback finds
 * its own transaction.
 */

import * as oauth from 'oauth4webapi';
import type { QeetIdConfig } from './config.js';
import { cookieName, type CookieJar } from './cookies.js';
import type { Sealer } from './seal.js';

/** How long a sign-in may take, from the app's redirect to the callback. */
export const TRANSACTION_SECONDS = 600;
/** The transaction cookies' name before the state and any `__Host-` prefix. */
const TRANSACTION_PREFIX = 'qeetid.tx.';

/** What the callback needs from the redirect that started the sign-in. */
export interface Transaction {
  state: string;
  nonce: string;
  verifier: string;
  returnTo: string;
  maxAge?: number;
}

/**
 * `value` when it is a path on the app (or a URL of the app's own origin, reduced to
 * its path), else `fallback`: never another origin, a protocol-relative `//host`, or a
 * backslash that browsers read as a slash.
 */
export function safeReturnTo(value: string | null | undefined, appUrl: URL, fallback: string): string {
  if (!value || /[\u0000-\u001f\\]/.test(value)) return fallback;
  let url: URL;
  try {
    url = new URL(value, appUrl);
  } catch {
    return fallback;
  }
  if (url.origin !== appUrl.origin) return fallback;
  if (!value.startsWith('/') && !value.startsWith(appUrl.origin + '/') && value !== appUrl.origin) return fallback;
  if (value.startsWith('//')) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}

/** Starts a transaction: fresh `state`, `nonce` and PKCE verifier. */
export function newTransaction(returnTo: string, maxAge?: number): Transaction {
  return {
    state: oauth.generateRandomState(),
    nonce: oauth.generateRandomNonce(),
    verifier: oauth.generateRandomCodeVerifier(),
    returnTo,
    ...(maxAge === undefined ? {} : { maxAge }),
  };
}

function transactionCookie(config: QeetIdConfig, state: string): string {
  return cookieName(`${TRANSACTION_PREFIX}${state}`, config.secureCookies);
}

/** Seals the transaction into its cookie. */
export async function saveTransaction(jar: CookieJar, config: QeetIdConfig, sealer: Sealer, tx: Transaction): Promise<void> {
  const sealed = await sealer.seal({ ...tx }, Math.floor(Date.now() / 1000) + TRANSACTION_SECONDS);
  jar.set(transactionCookie(config, tx.state), sealed, { maxAge: TRANSACTION_SECONDS, secure: config.secureCookies });
}

/**
 * The transaction of `state`, taken: its cookie is deleted whatever it held, so a
 * callback works once. `undefined` when there is none, or it is expired or foreign.
 */
export async function takeTransaction(
  jar: CookieJar, config: QeetIdConfig, sealer: Sealer, state: string | null,
): Promise<Transaction | undefined> {
  if (!state || !/^[A-Za-z0-9_-]{16,128}$/.test(state)) return undefined;
  const name = transactionCookie(config, state);
  const sealed = jar.get(name);
  if (sealed === undefined) return undefined;
  jar.set(name, '', { maxAge: 0, secure: config.secureCookies });
  const payload = await sealer.open(sealed);
  if (payload === undefined || payload.state !== state) return undefined;
  const { nonce, verifier, returnTo, maxAge } = payload;
  if (typeof nonce !== 'string' || typeof verifier !== 'string' || typeof returnTo !== 'string') return undefined;
  return { state, nonce, verifier, returnTo, ...(typeof maxAge === 'number' ? { maxAge } : {}) };
}
