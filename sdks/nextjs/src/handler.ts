/**
 * The route handler: `app/auth/[...qeetid]/route.ts` exports `GET` and `POST` from
 * `handleAuth()`, and it serves `login`, `callback`, `logout`, `session`,
 * `backchannel-logout` and `error` under the base path. It speaks plain `Request` and
 * `Response`, so it runs on Node and on the edge alike.
 */

import { RequestCookieJar } from './cookies.js';
import { defaultQeetId, type QeetId } from './core.js';
import { ConfigurationError, QeetIdError, publicCode } from './errors.js';
import { takeTransaction, safeReturnTo } from './transaction.js';

/** The handlers Next.js calls for the catch-all route. */
export interface AuthRouteHandlers {
  GET(request: Request): Promise<Response>;
  POST(request: Request): Promise<Response>;
}

const NO_STORE = { 'cache-control': 'no-store' };

/** The largest back-channel logout form read (a logout token is a few hundred bytes). */
const MAX_LOGOUT_BODY_BYTES = 16 * 1024;

function answer(jar: RequestCookieJar, status: number, headers: Record<string, string>, body: BodyInit | null = null): Response {
  const all = new Headers({ ...NO_STORE, ...headers });
  jar.applyTo(all);
  return new Response(body, { status, headers: all });
}

function redirect(jar: RequestCookieJar, location: string, status = 302): Response {
  return answer(jar, status, { location });
}

function json(jar: RequestCookieJar, status: number, value: unknown): Response {
  return answer(jar, status, { 'content-type': 'application/json' }, JSON.stringify(value));
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Logs the failure for the operator (message, never tokens) and answers the code for the browser. */
function report(error: unknown, route: string): string {
  const code = publicCode(error);
  const message = error instanceof Error ? error.message : String(error);
  console.error(`[@qeetid/nextjs] ${route}: ${message}`);
  return code;
}

async function errorRedirect(qeetid: QeetId, jar: RequestCookieJar, error: unknown, route: string): Promise<Response> {
  const code = report(error, route);
  if (error instanceof ConfigurationError) {
    // Without settings there may be no error path to send the user to.
    return answer(jar, 500, { 'content-type': 'text/plain; charset=utf-8' },
      `Sign-in is not configured: ${typeof process !== 'undefined' && process.env.NODE_ENV === 'production' ? 'see the server log' : error.message}`);
  }
  const config = await qeetid.config();
  const target = new URL(config.errorPath, config.appUrl);
  target.searchParams.set('error', code);
  return redirect(jar, `${target.pathname}${target.search}`);
}

async function login(qeetid: QeetId, request: Request, jar: RequestCookieJar): Promise<Response> {
  const config = await qeetid.config();
  const query = new URL(request.url).searchParams;
  const maxAge = query.get('max_age');
  const url = await qeetid.beginSignIn(jar, {
    returnTo: safeReturnTo(query.get('returnTo'), config.appUrl, config.defaultReturnTo),
    login_hint: query.get('login_hint') ?? undefined,
    prompt: query.get('prompt') ?? undefined,
    acr_values: query.get('acr_values') ?? undefined,
    ui_locales: query.get('ui_locales') ?? undefined,
    resource: query.getAll('resource'),
    ...(maxAge !== null && /^\d{1,9}$/.test(maxAge) ? { maxAge: Number(maxAge) } : {}),
  });
  return redirect(jar, url.href);
}

async function callback(qeetid: QeetId, request: Request, jar: RequestCookieJar): Promise<Response> {
  const { config, provider, sessions, transactions } = await qeetid.resolve();
  const query = new URL(request.url).search;
  const callbackUrl = new URL(`${config.basePath}/callback${query}`, config.appUrl);
  const tx = await takeTransaction(jar, config, transactions, callbackUrl.searchParams.get('state'));
  if (tx === undefined) {
    throw new QeetIdError('invalid_state', 'the callback matches no sign-in of this browser (expired, used, or started elsewhere)');
  }
  const exchanged = await provider.exchangeCode(callbackUrl, tx);
  // A new session each sign-in (no fixation); the previous one, if any, ends.
  const previous = await sessions.read(jar);
  if (previous !== undefined) await sessions.clear(jar, previous);
  const at = Math.floor(Date.now() / 1000);
  await sessions.write(jar, {
    user: exchanged.idToken.user,
    idToken: exchanged.idToken.token,
    tokens: exchanged.tokens,
    createdAt: at,
    touchedAt: at,
  });
  return redirect(jar, tx.returnTo);
}

/** Whether a state-changing request comes from the app's own pages. */
function sameOrigin(request: Request, appUrl: URL): boolean {
  const origin = request.headers.get('origin');
  if (origin !== null) return origin === appUrl.origin;
  return request.headers.get('sec-fetch-site') === 'same-origin';
}

async function logout(qeetid: QeetId, request: Request, jar: RequestCookieJar): Promise<Response> {
  const config = await qeetid.config();
  if (!sameOrigin(request, config.appUrl)) {
    return answer(jar, 403, { 'content-type': 'text/plain; charset=utf-8' }, 'Sign-out must come from a page of this app.');
  }
  return redirect(jar, await qeetid.endSession(jar), 303);
}

async function session(qeetid: QeetId, jar: RequestCookieJar): Promise<Response> {
  const { sessions } = await qeetid.resolve();
  const loaded = await sessions.read(jar);
  if (loaded === undefined) return json(jar, 200, { user: null });
  await sessions.touch(jar, loaded);
  return json(jar, 200, sessions.view(loaded.data));
}

async function backchannelLogout(qeetid: QeetId, request: Request, jar: RequestCookieJar): Promise<Response> {
  const { config, provider } = await qeetid.resolve();
  const refuse = (description: string) => json(jar, 400, { error: 'invalid_request', error_description: description });
  if (config.store === undefined) {
    return refuse('back-channel logout needs a session store: createQeetId({ store })');
  }
  if (!(request.headers.get('content-type') ?? '').startsWith('application/x-www-form-urlencoded')) {
    return refuse('expected a form with logout_token');
  }
  if (Number(request.headers.get('content-length') ?? 0) > MAX_LOGOUT_BODY_BYTES) return refuse('the form is too large');
  const token = new URLSearchParams(await request.text()).get('logout_token');
  if (!token) return refuse('logout_token is missing');
  let claims;
  try {
    claims = await provider.verifyLogoutToken(token);
  } catch (error) {
    report(error, 'backchannel-logout');
    return refuse(error instanceof QeetIdError ? error.message : 'the logout token is not valid');
  }
  const ttl = Math.max(60, claims.exp - Math.floor(Date.now() / 1000) + 60);
  if (!(await config.store.spend(`logout-jti:${claims.jti}`, ttl))) return refuse('the logout token was used before');
  await config.store.endSessions({ sub: claims.sub, sid: claims.sid });
  return answer(jar, 200, {});
}

function errorPage(request: Request, jar: RequestCookieJar, basePath: string): Response {
  const code = publicCode(new QeetIdError(new URL(request.url).searchParams.get('error') ?? 'server_error', ''));
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Sign-in failed</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 32rem; margin: 4rem auto; padding: 0 1rem">
<h1>Sign-in failed</h1><p>The sign-in could not be completed (<code>${escapeHtml(code)}</code>).</p>
<p><a href="${escapeHtml(basePath)}/login">Sign in again</a> · <a href="/">Home</a></p></body></html>`;
  return answer(jar, 400, { 'content-type': 'text/html; charset=utf-8' }, body);
}

/** The route's last segment under the base path (`login`, `callback`, …), or `undefined`. */
function routeOf(request: Request, basePath: string): string | undefined {
  const { pathname } = new URL(request.url);
  if (!pathname.startsWith(`${basePath}/`)) return undefined;
  return pathname.slice(basePath.length + 1).replace(/\/+$/, '');
}

async function dispatch(qeetid: QeetId, method: 'GET' | 'POST', request: Request): Promise<Response> {
  const jar = new RequestCookieJar(request.headers.get('cookie'));
  let route: string | undefined;
  try {
    const config = await qeetid.config();
    route = routeOf(request, config.basePath);
    const allowed: Record<string, 'GET' | 'POST'> = {
      login: 'GET', callback: 'GET', logout: 'POST', session: 'GET', 'backchannel-logout': 'POST', error: 'GET',
    };
    if (route === undefined || allowed[route] === undefined) return answer(jar, 404, { 'content-type': 'text/plain' }, 'Not found');
    if (allowed[route] !== method) return answer(jar, 405, { allow: allowed[route]!, 'content-type': 'text/plain' }, `Use ${allowed[route]}.`);
    switch (route) {
      case 'login': return await login(qeetid, request, jar);
      case 'callback': return await callback(qeetid, request, jar);
      case 'logout': return await logout(qeetid, request, jar);
      case 'session': return await session(qeetid, jar);
      case 'backchannel-logout': return await backchannelLogout(qeetid, request, jar);
      default: return errorPage(request, jar, config.basePath);
    }
  } catch (error) {
    if (route === 'session' || route === 'backchannel-logout') {
      return json(jar, error instanceof ConfigurationError ? 500 : 503, { error: report(error, route) });
    }
    return errorRedirect(qeetid, jar, error, route ?? 'auth');
  }
}

/**
 * `GET` and `POST` for `app/auth/[...qeetid]/route.ts`, configured from the
 * environment, or from `qeetid` (see `createQeetId`).
 */
export function handleAuth(qeetid: QeetId = defaultQeetId()): AuthRouteHandlers {
  return {
    GET: (request) => dispatch(qeetid, 'GET', request),
    POST: (request) => dispatch(qeetid, 'POST', request),
  };
}
