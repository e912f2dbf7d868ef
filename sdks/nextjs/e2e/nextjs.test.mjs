// @qeetid/nextjs end to end: the example app (`next build`, then `next start`)
// against the real `qeetid` binary, driven by headless Chromium. Run by
// `cargo xtask sdk` (which builds both first).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { EMAIL, PASSWORD, browser, freePort, startQeetId } from '../../interop/lib/harness.mjs';
import { Sealer } from '../dist/seal.js';

/**
 * The app under test: the example (Next.js 16, through the workspace), or with
 * `QEETID_E2E_APP=compat/next15` (or `next14`) the same app on an older Next.js with
 * edge middleware and the SDK installed as a package.
 */
const APP_DIR = process.env.QEETID_E2E_APP ?? 'example';
const EXAMPLE = fileURLToPath(new URL(`../${APP_DIR}/`, import.meta.url));
const NEXT = APP_DIR === 'example'
  ? fileURLToPath(new URL('../../node_modules/next/dist/bin/next', import.meta.url))
  : fileURLToPath(new URL(`../${APP_DIR}/node_modules/next/dist/bin/next`, import.meta.url));
const SECRET = 'e2e-secret-of-more-than-thirty-two-bytes-0123456789';
/** The client's access tokens live 60 s (Qeet ID's least); the app refreshes 45 s early. */
const ACCESS_SECONDS = 60;
const LEEWAY_SECONDS = 45;

let qeetid;
let chromium;
const apps = [];

/** Registers a confidential client for an app at `appUrl`. */
async function client(appUrl, extra = {}) {
  const { client: made, client_secret: secret } = await qeetid.admin('POST', '/v1/oidc/clients', {
    tenant_id: qeetid.tenant,
    name: 'Next.js example',
    type: 'confidential',
    redirect_uris: [`${appUrl}/auth/callback`],
    post_logout_uris: [appUrl],
    grant_types: ['authorization_code', 'refresh_token'],
    access_token_ttl_seconds: ACCESS_SECONDS,
    ...extra,
  });
  return { id: made.id, secret };
}

/** Starts the built example app on its own port with `env`; answers its URL and client. */
async function startApp(env = {}, clientExtra = () => ({})) {
  const port = await freePort();
  // `localhost`, as in development (and Next.js 14/15 turn 127.0.0.1 into it in redirects).
  const url = `http://localhost:${port}`;
  const registered = await client(url, clientExtra(url));
  const child = spawn(process.execPath, [NEXT, 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: EXAMPLE,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      QEETID_ISSUER: qeetid.issuer,
      QEETID_CLIENT_ID: registered.id,
      QEETID_CLIENT_SECRET: registered.secret,
      QEETID_SECRET: SECRET,
      QEETID_APP_URL: url,
      QEETID_REFRESH_LEEWAY_SECONDS: String(LEEWAY_SECONDS),
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  apps.push(child);
  for (let attempt = 0; attempt < 300; attempt++) {
    try {
      if ((await fetch(`${url}/auth/session`)).ok) return { url, client: registered };
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}`);
    await new Promise((ok) => setTimeout(ok, 100));
  }
  throw new Error('the example app did not start');
}

before(async () => {
  qeetid = await startQeetId(() => ({ QEETID_OUTBOUND_ALLOW_PRIVATE_NETWORKS: 'true', QEETID_LOGOUT_DELIVERY_INTERVAL_MS: '200' }));
  chromium = await browser();
});

after(async () => {
  for (const child of apps) child.kill('SIGTERM');
  await chromium?.close();
  await qeetid?.close();
});

/** Signs Ada in on the hosted pages the browser is on (password, then consent when asked). */
async function signInOnHostedPages(page, expectedUrl) {
  await page.fill('#email', EMAIL);
  await page.fill('#password', PASSWORD);
  await page.click('button[type=submit]:has-text("Sign in")');
  const consent = page.locator('button[name=decision][value=allow]');
  await Promise.race([
    consent.waitFor({ timeout: 15_000 }).then(() => consent.click()),
    page.waitForURL(expectedUrl, { timeout: 15_000 }),
  ]);
  await page.waitForURL(expectedUrl, { timeout: 15_000 });
}

/** The session sealed in the app's cookie, opened with the app's secret (the test knows it; the browser does not). */
async function openSession(value) {
  const payload = await (await Sealer.create([SECRET], 'session')).open(value);
  assert.ok(payload, 'the cookie opens with the app secret');
  return payload.session;
}

async function sessionCookie(context, appUrl) {
  const cookies = await context.cookies(appUrl);
  const cookie = cookies.find((c) => c.name === 'qeetid.session');
  assert.ok(cookie, `a session cookie among ${cookies.map((c) => c.name).join(', ')}`);
  return cookie;
}

/** Whether Qeet ID still accepts `token` (introspection, which spends nothing). */
async function active(appClient, token) {
  const response = await fetch(`${qeetid.issuer}/v1/oauth/introspect`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${appClient.id}:${appClient.secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ token }),
  });
  assert.equal(response.status, 200);
  return (await response.json()).active;
}

/** Waits until the session's access token is inside the refresh leeway. */
async function untilRefreshDue(session) {
  const due = (session.tokens.expiresAt - LEEWAY_SECONDS) * 1000 - Date.now();
  if (due > -1000) await new Promise((ok) => setTimeout(ok, due + 1500));
}

/** Ada's user id. */
async function adaId() {
  const { users } = await qeetid.admin('GET', `/v1/tenants/${qeetid.tenant}/users`);
  return users.find((u) => u.email === EMAIL).id;
}

/** An RFC 6238 code for a base32 key, `steps` time steps from now. */
function totp(base32, steps = 0) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of base32.replace(/[\s=]/g, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30_000) + steps));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[19] & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

test('sign in, refresh silently and at once under concurrency, step up, and sign out', { timeout: 240_000 }, async () => {
  const app = await startApp();
  const context = await chromium.newContext();
  const page = await context.newPage();

  // A protected page sends the visitor through the hosted login and consent, and back.
  await page.goto(`${app.url}/dashboard`);
  assert.ok(page.url().startsWith(qeetid.issuer), `at Qeet ID: ${page.url()}`);
  await signInOnHostedPages(page, `${app.url}/dashboard`);
  assert.equal(await page.textContent('[data-testid=email]'), EMAIL);
  assert.equal(await page.textContent('[data-testid=acr]'), 'aal1');

  // The cookie is HttpOnly, SameSite=Lax, and neither JSON nor a readable JWT.
  const cookie = await sessionCookie(context, app.url);
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, 'Lax');
  assert.equal(cookie.value.split('.').length, 5, 'a JWE');
  assert.throws(() => JSON.parse(cookie.value));
  assert.throws(() => JSON.parse(Buffer.from(cookie.value.split('.')[1], 'base64url').toString()));
  assert.ok(!(await page.evaluate(() => document.cookie)).includes('qeetid.session'), 'no script reads it');
  const first = await openSession(cookie.value);
  assert.equal(first.user.email, EMAIL);

  // The browser's session endpoint: claims, never tokens; the client hook shows it.
  const shown = await (await context.request.get(`${app.url}/auth/session`)).json();
  assert.equal(shown.user.email, EMAIL);
  assert.ok(!JSON.stringify(shown).includes(first.tokens.accessToken));
  await page.goto(app.url);
  await page.waitForSelector('[data-testid=badge]:has-text("Signed in as")');

  // Past the leeway, a reload refreshes silently; the spent refresh token is refused.
  await untilRefreshDue(first);
  await page.goto(`${app.url}/dashboard`);
  assert.equal(await page.textContent('[data-testid=email]'), EMAIL);
  const second = await openSession((await sessionCookie(context, app.url)).value);
  assert.notEqual(second.tokens.refreshToken, first.tokens.refreshToken, 'rotated');
  assert.equal(await active(app.client, first.tokens.refreshToken), false, 'the old refresh token is refused');
  assert.equal(await active(app.client, second.tokens.refreshToken), true);

  // Several requests at once at expiry: one rotation, every response the same new session.
  await untilRefreshDue(second);
  const responses = await Promise.all(Array.from({ length: 6 }, () => context.request.get(`${app.url}/api/me`)));
  for (const response of responses) {
    assert.equal(response.status(), 200, await response.text());
    assert.equal((await response.json()).email, EMAIL);
  }
  const issued = new Set();
  for (const response of responses) {
    for (const header of response.headersArray()) {
      if (header.name.toLowerCase() !== 'set-cookie' || !header.value.startsWith('qeetid.session=')) continue;
      issued.add((await openSession(header.value.split(';')[0].slice('qeetid.session='.length))).tokens.refreshToken);
    }
  }
  assert.equal(issued.size, 1, 'exactly one rotation');
  const [third] = issued;
  assert.notEqual(third, second.tokens.refreshToken);
  assert.equal(await active(app.client, second.tokens.refreshToken), false);
  assert.equal(await active(app.client, third), true, 'no reuse was detected: the family lives');
  await page.goto(`${app.url}/dashboard`);
  assert.equal(await page.textContent('[data-testid=email]'), EMAIL, 'the session survives');

  // Step-up: with an authenticator app turned on, acr_values=aal2 asks for the code.
  await page.goto(`${qeetid.issuer}/account?tenant=${qeetid.tenant}`);
  if (await page.locator('#password').count()) await signInOnHostedPages(page, /\/account/);
  await page.click('button:has-text("Set up an authenticator app")');
  const key = (await page.textContent('#totp-secret')).trim();
  await page.fill('#mfa_code', totp(key));
  await page.click('button:has-text("Turn on")');
  await page.waitForSelector('#recovery-codes', { timeout: 10_000 });
  await page.goto(`${app.url}/dashboard`);
  await page.click('a:has-text("Verify with a second factor")');
  await page.waitForURL((url) => url.href.startsWith(qeetid.issuer));
  if (await page.locator('#password').count()) {
    await page.fill('#email', EMAIL);
    await page.fill('#password', PASSWORD);
    await page.click('button[type=submit]:has-text("Sign in")');
  }
  await page.waitForURL(/\/login\/mfa/, { timeout: 15_000 });
  await page.fill('#code', totp(key, 1));
  await page.click('button[type=submit]');
  const consent = page.locator('button[name=decision][value=allow]');
  await Promise.race([
    consent.waitFor({ timeout: 15_000 }).then(() => consent.click()),
    page.waitForURL(`${app.url}/dashboard`, { timeout: 15_000 }),
  ]);
  await page.waitForURL(`${app.url}/dashboard`);
  assert.equal(await page.textContent('[data-testid=acr]'), 'aal2');
  assert.match(await page.textContent('[data-testid=amr]'), /otp/);
  const stepped = await openSession((await sessionCookie(context, app.url)).value);

  // Sign-out (a server action) ends the session here and at Qeet ID.
  await page.click('button:has-text("Sign out")');
  await page.waitForURL((url) => url.href.startsWith(qeetid.issuer) || url.href === `${app.url}/`, { timeout: 15_000 });
  if (page.url().startsWith(qeetid.issuer)) {
    await page.click('button[type=submit]:has-text("Sign out")');
  }
  await page.waitForURL(`${app.url}/`, { timeout: 15_000 });
  await page.waitForSelector('[data-testid=badge]:has-text("Not signed in")');
  assert.equal((await context.cookies(app.url)).some((c) => c.name === 'qeetid.session'), false);
  assert.equal(await active(app.client, stepped.tokens.refreshToken), false, 'the refresh token is revoked');
  await page.goto(`${app.url}/dashboard`);
  assert.ok(page.url().startsWith(qeetid.issuer));
  await page.waitForSelector('#password', { timeout: 10_000 });
  await context.close();

  // The admin resets Ada's second factor for the tests that follow.
  await qeetid.admin('DELETE', `/v1/tenants/${qeetid.tenant}/users/${await adaId()}/mfa`);
});

test('signIn() starts a sign-in; an error from Qeet ID lands on the error route with its code', async () => {
  const app = await startApp();
  const context = await chromium.newContext();
  const page = await context.newPage();
  // The home page's "Sign in" is the signIn() server action.
  await page.goto(app.url);
  await page.click('button:has-text("Sign in")');
  await page.waitForURL((url) => url.href.startsWith(qeetid.issuer));
  await page.fill('#email', EMAIL);
  await page.fill('#password', PASSWORD);
  await page.click('button[type=submit]:has-text("Sign in")');
  await page.click('button[name=decision][value=deny]');
  await page.waitForURL(`${app.url}/auth/error?error=access_denied`);
  assert.match(await page.textContent('body'), /access_denied/);
  assert.doesNotMatch(await page.content(), /at [A-Za-z]+ \(|node_modules/, 'no stack trace');
  await context.close();
});

// On edge middleware (Next.js 14, 15) an in-memory store is not shared with the
// Node runtime; back-channel logout there needs Redis, and is proven on the example.
const memoryStoreShared = APP_DIR === 'example';

test('back-channel logout from Qeet ID ends the app session (with a session store)', { skip: !memoryStoreShared && 'edge middleware shares no memory with the Node runtime' }, async () => {
  const app = await startApp({ EXAMPLE_SESSION_STORE: 'memory' }, (url) => ({
    backchannel_logout_uri: `${url}/auth/backchannel-logout`,
    backchannel_logout_session_required: true,
  }));
  const context = await chromium.newContext();
  const page = await context.newPage();
  await page.goto(`${app.url}/dashboard`);
  await signInOnHostedPages(page, `${app.url}/dashboard`);
  assert.equal(await page.textContent('[data-testid=email]'), EMAIL);
  assert.ok((await sessionCookie(context, app.url)).value.length < 400, 'the cookie holds only a session id');

  // An admin ends Ada's sessions at Qeet ID; Qeet ID tells the app.
  const ada = await adaId();
  const { sessions } = await qeetid.admin('GET', `/v1/tenants/${qeetid.tenant}/users/${ada}/sessions`);
  assert.ok(sessions.length > 0);
  for (const s of sessions) await qeetid.admin('DELETE', `/v1/tenants/${qeetid.tenant}/users/${ada}/sessions/${s.id}`);
  let user = 'still signed in';
  for (let attempt = 0; attempt < 100 && user !== null; attempt++) {
    await new Promise((ok) => setTimeout(ok, 200));
    user = (await (await context.request.get(`${app.url}/auth/session`)).json()).user;
  }
  assert.equal(user, null, 'the app session ended');
  await page.goto(`${app.url}/dashboard`);
  assert.ok(page.url().startsWith(qeetid.issuer), 'the protected page asks to sign in again');
  await context.close();
});
