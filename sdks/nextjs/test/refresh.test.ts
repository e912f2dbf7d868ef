// Silent refresh against a provider that rotates refresh tokens and revokes the
// family when a spent one comes back: the SDK must never send one twice.

import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { RequestCookieJar } from '../src/cookies.js';
import type { QeetId } from '../src/core.js';
import { MemoryStore } from '../src/stores/memory.js';
import type { TestBrowser } from './browser.js';
import { FakeProvider } from './fake-provider.js';
import { forgetRefreshes, integration, signedIn } from './support.js';

let fake: FakeProvider;

before(async () => {
  fake = await FakeProvider.start();
});
after(async () => {
  await (await import('./redis.js')).closeRedis();
  await fake.close();
});
beforeEach(() => {
  fake.refreshCalls = 0;
  fake.reuseDetected = 0;
  // Shorter than the refresh leeway: every session needs a refresh at once.
  fake.accessSeconds = 30;
  forgetRefreshes();
});

/** One request's view: the browser's cookies, refreshed where `canWrite`. */
async function request(qeetid: QeetId, browser: TestBrowser, canWrite = true) {
  const jar = new RequestCookieJar(browser.cookieHeader());
  const loaded = await qeetid.readSession(jar);
  assert.ok(loaded, 'signed in');
  const fresh = await qeetid.freshSession(jar, loaded, canWrite);
  return { fresh, jar };
}

test('concurrent requests at expiry rotate once and all get the new tokens', async () => {
  const qeetid = integration(fake);
  const browser = await signedIn(qeetid, fake);
  const before = (await request(qeetid, browser, false)).fresh!.data.tokens;
  const results = await Promise.all(Array.from({ length: 8 }, () => request(qeetid, browser)));
  assert.equal(fake.refreshCalls, 1, 'one rotation');
  const tokens = new Set(results.map((r) => r.fresh!.data.tokens.accessToken));
  assert.equal(tokens.size, 1);
  assert.notEqual([...tokens][0], before.accessToken);
  assert.ok(results.every((r) => r.jar.changed()), 'each response carries the new cookie');

  // A request still carrying the old cookie after the rotation finished.
  const late = await request(qeetid, browser);
  assert.equal(late.fresh!.data.tokens.accessToken, [...tokens][0]);
  assert.equal(fake.refreshCalls, 1);
  assert.equal(fake.reuseDetected, 0, 'Qeet ID never saw a spent refresh token');

  // The browser keeps the new cookie; the next refresh uses the successor.
  browser.keep(new Response(null, { headers: (() => { const h = new Headers(); results[0]!.jar.applyTo(h); return h; })() }));
  forgetRefreshes();
  await request(qeetid, browser);
  assert.equal(fake.refreshCalls, 2);
  assert.equal(fake.reuseDetected, 0);
});

test('a server component never refreshes, but uses a successor this process already has', async () => {
  const qeetid = integration(fake);
  const browser = await signedIn(qeetid, fake);
  const readOnly = await request(qeetid, browser, false);
  assert.equal(fake.refreshCalls, 0, 'no refresh where cookies cannot be written');
  assert.equal(readOnly.jar.changed(), false);
  const refreshed = await request(qeetid, browser, true);
  const afterwards = await request(qeetid, browser, false);
  assert.equal(afterwards.fresh!.data.tokens.accessToken, refreshed.fresh!.data.tokens.accessToken);
  assert.equal(fake.refreshCalls, 1);
});

test('a refused refresh ends the session cleanly', async () => {
  const qeetid = integration(fake);
  const browser = await signedIn(qeetid, fake);
  // The refresh token is revoked at the provider (the user signed out elsewhere).
  const jar = new RequestCookieJar(browser.cookieHeader());
  const token = (await qeetid.readSession(jar))!.data.tokens.refreshToken!;
  await fetch(`${fake.issuer}/revoke`, {
    method: 'POST',
    headers: { authorization: `Basic ${btoa(`${fake.clientId}:${fake.clientSecret}`)}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: `token=${token}`,
  });
  const { fresh, jar: after } = await request(qeetid, browser);
  assert.equal(fresh, undefined, 'no session');
  assert.ok(after.setCookieHeaders().some((l) => l.startsWith('qeetid.session=;') && l.includes('Max-Age=0')), 'the cookie is deleted');
});

test('with a session store, processes share one rotation through the store', async () => {
  const store = new MemoryStore();
  const first = integration(fake, { store });
  const second = integration(fake, { store });
  const browser = await signedIn(first, fake);
  const cookie = browser.cookies.get('qeetid.session')!;
  assert.ok(cookie.length < 400, `the cookie holds only the session id (${cookie.length} bytes)`);
  const [a, b] = await Promise.all([request(first, browser), request(second, browser)]);
  assert.equal(fake.refreshCalls, 1);
  assert.equal(a.fresh!.data.tokens.accessToken, b.fresh!.data.tokens.accessToken);
  forgetRefreshes();
  // Another process reads the rotated tokens from the store, not the spent ones.
  const c = await request(second, browser, false);
  assert.equal(c.fresh!.data.tokens.accessToken, a.fresh!.data.tokens.accessToken);
  assert.equal(fake.reuseDetected, 0);
});

test('separate processes sharing Redis rotate once (worker threads, each with its own memory)', async () => {
  const qeetid = integration(fake, { store: (await import('./redis.js')).testRedisStore('qeetid-refresh-test:') });
  const browser = await signedIn(qeetid, fake);
  // The successor lives long: a worker that starts after the rotation finds fresh tokens
  // in the store and has nothing to refresh (it would otherwise rightly refresh again).
  fake.accessSeconds = 300;
  const cookie = browser.cookieHeader();
  const workers = Array.from({ length: 3 }, () => new Worker(new URL('./refresh-worker.js', import.meta.url), {
    workerData: { issuer: fake.issuer, clientId: fake.clientId, clientSecret: fake.clientSecret, cookie },
  }));
  const tokens = await Promise.all(workers.map((w) => new Promise<string>((ok, fail) => {
    w.once('message', ok);
    w.once('error', fail);
  })));
  await Promise.all(workers.map((w) => w.terminate()));
  assert.equal(fake.refreshCalls, 1, 'one process refreshed; the others waited and read its tokens');
  assert.equal(new Set(tokens).size, 1, `one access token for all (${tokens.join(', ')})`);
  assert.equal(fake.reuseDetected, 0);
});
