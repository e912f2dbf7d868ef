/**
 * Server-side helpers over Next's `cookies()`: `auth()` for server components,
 * `getAccessToken()` for route handlers, server actions and server components, and the
 * server actions `signIn()` and `signOut()`.
 *
 * Server components cannot write cookies, so they never refresh: `getAccessToken()`
 * there answers the current token (or one this process already refreshed), and
 * `withAuth()` middleware is what keeps tokens fresh before pages render.
 */

import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { defaultQeetId, type QeetId, type SignInOptions } from './core.js';
import { AccessTokenError } from './errors.js';
import { NextCookieJar, type NextCookieStore } from './next-cookies.js';
import type { Session } from './types.js';

async function jar(): Promise<NextCookieJar> {
  // `cookies()` is synchronous in Next.js 14 and a promise from 15: awaiting serves both.
  return new NextCookieJar((await cookies()) as unknown as NextCookieStore);
}

/** The signed-in user and session expiry, or `null`: reads only, never tokens. */
export async function auth(qeetid: QeetId = defaultQeetId()): Promise<Session | null> {
  const { sessions } = await qeetid.resolve();
  const cookieJar = await jar();
  const loaded = await qeetid.readSession(cookieJar);
  if (loaded === undefined) return null;
  const current = await qeetid.freshSession(cookieJar, loaded, false);
  return current === undefined ? null : sessions.view(current.data);
}

/**
 * An access token valid for at least the refresh leeway: refreshed first where this
 * context can save cookies (route handlers, server actions). Throws an
 * {@link AccessTokenError}: `signed_out`, `session_ended` (the refresh was refused; the
 * session is cleared), or `expired` (in a server component, with no fresher token).
 */
export async function getAccessToken(qeetid: QeetId = defaultQeetId()): Promise<string> {
  const { config } = await qeetid.resolve();
  const cookieJar = await jar();
  const loaded = await qeetid.readSession(cookieJar);
  if (loaded === undefined) throw new AccessTokenError('signed_out', 'no one is signed in');
  const current = await qeetid.freshSession(cookieJar, loaded, () => cookieJar.writable(config.secureCookies));
  if (current === undefined) throw new AccessTokenError('session_ended', 'the session ended: sign in again');
  if (current.data.tokens.expiresAt <= Math.floor(Date.now() / 1000)) {
    throw new AccessTokenError('expired', 'the access token expired and cannot be refreshed here: add withAuth() middleware for this path');
  }
  return current.data.tokens.accessToken;
}

/** Server action: sends the browser to sign in (then back to `returnTo`). */
export async function signIn(options: SignInOptions = {}, qeetid: QeetId = defaultQeetId()): Promise<never> {
  const config = await qeetid.config();
  const login = new URL(`${config.basePath}/login`, config.appUrl);
  const query: Record<string, string | undefined> = {
    returnTo: options.returnTo, login_hint: options.login_hint, prompt: options.prompt,
    acr_values: options.acr_values, ui_locales: options.ui_locales,
    max_age: options.maxAge === undefined ? undefined : String(options.maxAge),
  };
  for (const [name, value] of Object.entries(query)) if (value !== undefined) login.searchParams.set(name, value);
  for (const resource of options.resource ?? []) login.searchParams.append('resource', resource);
  redirect(`${login.pathname}${login.search}`);
}

/** Server action: ends the session here and at Qeet ID, then lands on the post-logout URI. */
export async function signOut(qeetid: QeetId = defaultQeetId()): Promise<never> {
  redirect(await qeetid.endSession(await jar()));
}
