/**
 * `withAuth()`: Next.js middleware (`middleware.ts`, or `proxy.ts` from Next.js 16)
 * that keeps tokens fresh before any page renders, and sends signed-out visitors of
 * protected paths to sign in. Server components cannot write cookies, so this is
 * where a session is refreshed for them: the refreshed cookie goes to the browser and,
 * through the request headers, to the rendering of this very request.
 */

import { NextResponse, type NextRequest } from 'next/server';
import { RequestCookieJar } from './cookies.js';
import { defaultQeetId, type QeetId } from './core.js';
import type { LoadedSession } from './session.js';

/** Which paths need a signed-in user: prefixes (`'/dashboard'` covers `/dashboard/…`), or a test. */
export type Protection = string[] | ((pathname: string) => boolean);

/** Options of {@link withAuth}. */
export interface WithAuthOptions {
  /** Paths that need a session; everything else passes signed in or not. Default: none. */
  protect?: Protection;
  /** The integration (default: configured from the environment). */
  qeetid?: QeetId;
}

function isProtected(protect: Protection | undefined, pathname: string): boolean {
  if (protect === undefined) return false;
  if (typeof protect === 'function') return protect(pathname);
  return protect.some((prefix) => pathname === prefix || pathname.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`));
}

function wantsPage(request: NextRequest): boolean {
  return request.method === 'GET' && (request.headers.get('accept') ?? '').includes('text/html');
}

/** Middleware that refreshes sessions about to expire and guards `protect`. */
export function withAuth(options: WithAuthOptions = {}): (request: NextRequest) => Promise<Response> {
  const qeetid = options.qeetid ?? defaultQeetId();
  return async function qeetidMiddleware(request: NextRequest): Promise<Response> {
    const config = await qeetid.config();
    const { pathname, search } = request.nextUrl;
    if (pathname === config.basePath || pathname.startsWith(`${config.basePath}/`)) return NextResponse.next();

    const jar = new RequestCookieJar(request.headers.get('cookie'));
    let session: LoadedSession | undefined = await qeetid.readSession(jar);
    if (session !== undefined) {
      try {
        session = await qeetid.freshSession(jar, session, true);
        if (session !== undefined) await (await qeetid.resolve()).sessions.touch(jar, session);
      } catch (error) {
        // Qeet ID unreachable: let the request through with the tokens it has.
        console.error(`[@qeetid/nextjs] middleware refresh: ${error instanceof Error ? error.message : String(error)}`);
      }
    }

    let response: Response;
    if (session === undefined && isProtected(options.protect, pathname)) {
      if (wantsPage(request)) {
        // Absolute, on the app's configured origin. (Next.js 14 and 15 rewrite 127.0.0.1 in
        // a middleware redirect to `localhost`: use `localhost` in QEETID_APP_URL there.)
        const login = new URL(`${config.basePath}/login`, config.appUrl);
        login.searchParams.set('returnTo', `${pathname}${search}`);
        response = NextResponse.redirect(login);
      } else {
        response = NextResponse.json({ error: 'unauthenticated' }, { status: 401 });
      }
    } else if (jar.changed()) {
      const headers = new Headers(request.headers);
      headers.set('cookie', jar.cookieHeader());
      response = NextResponse.next({ request: { headers } });
    } else {
      response = NextResponse.next();
    }
    jar.applyTo(response.headers);
    return response;
  };
}
