// The route handler against the fake provider: sign-in, the callback's checks, the
// session endpoint, sign-out, back-channel logout, and every error's landing.

import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { handleAuth } from '../src/handler.js';
import { MemoryStore } from '../src/stores/memory.js';
import { APP, TestBrowser } from './browser.js';
import { FakeProvider } from './fake-provider.js';
import { integration, signedIn } from './support.js';

let fake: FakeProvider;

before(async () => {
  fake = await FakeProvider.start();
});
after(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.misbehave = {};
  fake.accessSeconds = 300;
});

/** Starts a sign-in and answers the callback path the fake sends the browser to. */
async function startSignIn(browser: TestBrowser, query = ''): Promise<{ location: URL; callback: URL }> {
  const login = await browser.get(`/auth/login${query}`);
  assert.equal(login.status, 302);
  const location = new URL(login.headers.get('location')!);
  return { location, callback: fake.approve(location.href) };
}

test('a sign-in pushes its request, comes back with a sealed session, and shows the user but no token', async () => {
  const browser = new TestBrowser(handleAuth(integration(fake)));
  const { location, callback } = await startSignIn(browser, '?returnTo=/dashboard&login_hint=ada@example.com&acr_values=aal2&prompt=login&resource=https://api.example.com');
  assert.equal(`${location.origin}${location.pathname}`, `${fake.issuer}/authorize`);
  assert.deepEqual([...location.searchParams.keys()].sort(), ['client_id', 'request_uri'], 'only the request_uri travels through the browser');
  const pushed = fake.pushed.get(location.searchParams.get('request_uri')!)!;
  assert.equal(pushed.get('code_challenge_method'), 'S256');
  assert.equal(pushed.get('redirect_uri'), `${APP}/auth/callback`);
  assert.equal(pushed.get('login_hint'), 'ada@example.com');
  assert.equal(pushed.get('acr_values'), 'aal2');
  assert.equal(pushed.get('prompt'), 'login');
  assert.equal(pushed.get('resource'), 'https://api.example.com');
  assert.ok(pushed.get('nonce') && pushed.get('state'));

  const landed = await browser.get(callback.pathname + callback.search);
  assert.equal(landed.status, 302);
  assert.equal(landed.headers.get('location'), '/dashboard');
  const cookie = browser.cookies.get('qeetid.session')!;
  assert.equal(cookie.split('.').length, 5, 'a JWE');
  assert.throws(() => JSON.parse(Buffer.from(cookie.split('.')[1]!, 'base64url').toString()), 'the payload is ciphertext');
  assert.ok(![...browser.cookies.keys()].some((n) => n.startsWith('qeetid.tx.')), 'the transaction cookie is gone');

  const session = await (await browser.get('/auth/session')).json();
  assert.equal(session.user.sub, 'usr_ada');
  assert.equal(session.user.tid, 'tnt_acme');
  assert.deepEqual(session.user.amr, ['pwd']);
  assert.ok(session.expiresAt > Date.now() / 1000);
  const text = JSON.stringify(session);
  assert.ok(!/token/i.test(text.replace('accessTokenExpiresAt', '')), 'no token in the session JSON');
});

test('two tabs sign in at once, each with its own transaction', async () => {
  const browser = new TestBrowser(handleAuth(integration(fake)));
  const first = await startSignIn(browser, '?returnTo=/one');
  const second = await startSignIn(browser, '?returnTo=/two');
  assert.equal((await browser.get(second.callback.pathname + second.callback.search)).headers.get('location'), '/two');
  assert.equal((await browser.get(first.callback.pathname + first.callback.search)).headers.get('location'), '/one');
});

test('a foreign returnTo lands on the default path', async () => {
  const browser = new TestBrowser(handleAuth(integration(fake)));
  const { callback } = await startSignIn(browser, `?returnTo=${encodeURIComponent('//evil.example/steal')}`);
  assert.equal((await browser.get(callback.pathname + callback.search)).headers.get('location'), '/');
});

test('the callback refuses what it did not start, another issuer, and a bad ID token', async () => {
  const expectError = async (browser: TestBrowser, path: string, code: string) => {
    const response = await browser.get(path);
    assert.equal(response.status, 302);
    assert.equal(response.headers.get('location'), `/auth/error?error=${code}`, path);
    assert.equal(browser.cookies.get('qeetid.session'), undefined, 'no session');
  };
  // A callback with no transaction in this browser (login CSRF, or a replayed URL).
  const victim = new TestBrowser(handleAuth(integration(fake)));
  const attacker = new TestBrowser(handleAuth(integration(fake)));
  const stolen = (await startSignIn(attacker)).callback;
  await expectError(victim, stolen.pathname + stolen.search, 'invalid_state');

  const cases: [keyof FakeProvider['misbehave'], string][] = [
    ['wrongIss', 'invalid_response'],
    ['wrongNonce', 'invalid_response'],
    ['foreignKey', 'invalid_response'],
    ['hs256', 'invalid_response'],
    ['wrongAtHash', 'invalid_id_token'],
  ];
  for (const [misbehaviour, code] of cases) {
    fake.misbehave = { [misbehaviour]: true };
    const browser = new TestBrowser(handleAuth(integration(fake)));
    const { callback } = await startSignIn(browser);
    await expectError(browser, callback.pathname + callback.search, code);
  }
});

test('a provider error lands on the error route with its code, and the page shows only the code', async () => {
  const browser = new TestBrowser(handleAuth(integration(fake)));
  const { callback } = await startSignIn(browser);
  const denied = new URL(callback);
  denied.searchParams.delete('code');
  denied.searchParams.set('error', 'access_denied');
  denied.searchParams.set('error_description', '<script>alert(1)</script>');
  const response = await browser.get(denied.pathname + denied.search);
  assert.equal(response.headers.get('location'), '/auth/error?error=access_denied');
  const page = await browser.get('/auth/error?error=<b>x</b>');
  const html = await page.text();
  assert.ok(html.includes('<code>server_error</code>') && !html.includes('<b>x'), 'no markup from the URL');
  assert.ok((await (await browser.get('/auth/error?error=access_denied')).text()).includes('<code>access_denied</code>'));
});

test('settings that are wrong are named on the first request', async () => {
  const quiet = console.error;
  console.error = () => {};
  try {
    const wrongSecret = new TestBrowser(handleAuth(integration(fake, { clientSecret: 'qcs_wrong' })));
    const refused = await wrongSecret.get('/auth/login');
    assert.equal(refused.status, 500);
    assert.match(await refused.text(), /QEETID_CLIENT_ID \/ QEETID_CLIENT_SECRET: Qeet ID refused the client/);

    const unreachable = new TestBrowser(handleAuth(integration(fake, { issuer: 'http://127.0.0.1:9' })));
    const down = await unreachable.get('/auth/login');
    assert.equal(down.status, 500);
    assert.match(await down.text(), /QEETID_ISSUER: discovery at http:\/\/127.0.0.1:9\/ failed/);

    const shortSecret = new TestBrowser(handleAuth(integration(fake, { secret: 'short' })));
    assert.match(await (await shortSecret.get('/auth/login')).text(), /QEETID_SECRET: secret 1 has 5 bytes/);
  } finally {
    console.error = quiet;
  }
});

test('sign-out is a same-origin POST that ends the session here and at the provider', async () => {
  const qeetid = integration(fake);
  const browser = await signedIn(qeetid, fake);
  assert.equal((await browser.get('/auth/logout')).status, 405);
  assert.equal((await browser.post('/auth/logout', { origin: 'https://evil.example' })).status, 403);
  assert.equal((await browser.post('/auth/logout')).status, 403, 'no Origin, no Sec-Fetch-Site');
  assert.ok(browser.cookies.has('qeetid.session'), 'refused sign-outs change nothing');

  const out = await browser.post('/auth/logout', { origin: APP });
  assert.equal(out.status, 303);
  const endSession = new URL(out.headers.get('location')!);
  assert.equal(`${endSession.origin}${endSession.pathname}`, `${fake.issuer}/logout`);
  assert.equal(endSession.searchParams.get('post_logout_redirect_uri'), APP);
  assert.equal(endSession.searchParams.get('id_token_hint')?.split('.').length, 3);
  assert.equal(browser.cookies.has('qeetid.session'), false);
  assert.equal(fake.revoked.length > 0, true, 'the refresh token is revoked');
  assert.deepEqual(await (await browser.get('/auth/session')).json(), { user: null });
});

test('back-channel logout ends the sessions a valid logout token names, once', async () => {
  const withoutStore = new TestBrowser(handleAuth(integration(fake)));
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const noStore = await withoutStore.post('/auth/backchannel-logout', form, `logout_token=${await fake.logoutToken({ sid: 'ses_1' })}`);
  assert.equal(noStore.status, 400);
  assert.match((await noStore.json()).error_description, /needs a session store/);

  const quiet = console.error;
  console.error = () => {};
  try {
    const qeetid = integration(fake, { store: new MemoryStore() });
    const ada = await signedIn(qeetid, fake);
    const provider = new TestBrowser(handleAuth(qeetid));
    for (const bad of [
      await fake.logoutToken({ sid: 'ses_1' }, { foreign: true }),
      await fake.logoutToken({ sid: 'ses_1' }, { audience: 'someone-else' }),
      await fake.logoutToken({ sid: 'ses_1', nonce: 'n' }),
      await fake.logoutToken({ events: {} , sid: 'ses_1' }),
      await fake.logoutToken({}),
    ]) {
      const refused = await provider.post('/auth/backchannel-logout', form, `logout_token=${bad}`);
      assert.equal(refused.status, 400);
      assert.equal((await (await ada.get('/auth/session')).json()).user.sub, 'usr_ada', 'still signed in');
    }
    const huge = await provider.post('/auth/backchannel-logout', { ...form, 'content-length': String(1 << 20) }, 'x'.repeat(1 << 20));
    assert.equal(huge.status, 400, 'a huge form is not read');
    const token = await fake.logoutToken({ sid: 'ses_1', sub: 'usr_ada' });
    const accepted = await provider.post('/auth/backchannel-logout', form, `logout_token=${token}`);
    assert.equal(accepted.status, 200);
    assert.deepEqual(await (await ada.get('/auth/session')).json(), { user: null });
    assert.equal((await provider.post('/auth/backchannel-logout', form, `logout_token=${token}`)).status, 400, 'a replay');
  } finally {
    console.error = quiet;
  }
});

test('unknown routes and methods are refused', async () => {
  const browser = new TestBrowser(handleAuth(integration(fake)));
  assert.equal((await browser.get('/auth/nothing')).status, 404);
  assert.equal((await browser.post('/auth/login', { origin: APP })).status, 405);
  assert.equal((await browser.get('/auth/backchannel-logout')).status, 405);
});
