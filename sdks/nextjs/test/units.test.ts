// The pieces on their own: settings, sealing and rotation, chunked cookies, returnTo.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig } from '../src/config.js';
import { ConfigurationError } from '../src/errors.js';
import { RequestCookieJar, readChunked, writeChunked, CHUNK_BYTES } from '../src/cookies.js';
import { Sealer } from '../src/seal.js';
import { safeReturnTo, takeTransaction, saveTransaction, newTransaction } from '../src/transaction.js';
import { SECRET } from './support.js';

const ENV = {
  QEETID_ISSUER: 'https://id.example.com',
  QEETID_CLIENT_ID: 'qci_1',
  QEETID_SECRET: SECRET,
  QEETID_APP_URL: 'https://app.example.com',
};

function refusal(env: Record<string, string | undefined>, options = {}): ConfigurationError {
  try {
    resolveConfig(options, env);
  } catch (error) {
    assert.ok(error instanceof ConfigurationError, `a ConfigurationError, not ${String(error)}`);
    return error;
  }
  assert.fail('the settings were accepted');
}

test('settings come from the environment, with https cookies named __Host-', () => {
  const config = resolveConfig({}, ENV);
  assert.equal(config.issuer.href, 'https://id.example.com/');
  assert.equal(config.secureCookies, true);
  assert.equal(config.basePath, '/auth');
  assert.deepEqual(config.secrets, [SECRET]);
  assert.equal(config.postLogoutRedirectUri, 'https://app.example.com');
});

test('every bad setting is refused with a message naming it', () => {
  assert.match(refusal({ ...ENV, QEETID_SECRET: undefined }).message, /^QEETID_SECRET: is not set/);
  const short = refusal({ ...ENV, QEETID_SECRET: 'too-short' });
  assert.equal(short.setting, 'QEETID_SECRET');
  assert.match(short.message, /9 bytes; at least 32/);
  assert.match(refusal({ ...ENV, QEETID_SECRET: `${SECRET},short` }).message, /secret 2 has 5 bytes/);
  assert.match(refusal({ ...ENV, QEETID_ISSUER: undefined }).message, /^QEETID_ISSUER: is not set/);
  assert.match(refusal({ ...ENV, QEETID_ISSUER: 'id.example.com' }).message, /^QEETID_ISSUER: "id.example.com" is not an absolute URL/);
  assert.match(refusal({ ...ENV, QEETID_ISSUER: 'http://id.example.com' }).message, /^QEETID_ISSUER: .*plain http off loopback/);
  assert.match(refusal({ ...ENV, QEETID_CLIENT_ID: ' ' }).message, /^QEETID_CLIENT_ID: is not set/);
  assert.match(refusal({ ...ENV, QEETID_APP_URL: 'https://app.example.com/app' }).message, /^QEETID_APP_URL: .*origin with no path/);
  assert.match(refusal(ENV, { basePath: '//evil' }).message, /^basePath: /);
  assert.match(refusal(ENV, { session: { idleSeconds: 0 } }).message, /^session.idleSeconds: /);
  // Loopback http is fine (development against `qeetid serve`).
  assert.equal(resolveConfig({}, { ...ENV, QEETID_ISSUER: 'http://127.0.0.1:8080' }).insecureIssuer, true);
});

test('a sealed value opens only whole, unexpired, for its purpose', async () => {
  const sealer = await Sealer.create([SECRET], 'session');
  const sealed = await sealer.seal({ hello: 'world' }, Math.floor(Date.now() / 1000) + 60);
  assert.equal(sealed.split('.').length, 5, 'JWE compact');
  assert.ok(!sealed.includes('world'));
  assert.equal((await sealer.open(sealed))?.hello, 'world');
  const flipped = sealed.slice(0, -3) + (sealed.at(-3) === 'A' ? 'B' : 'A') + sealed.slice(-2);
  assert.equal(await sealer.open(flipped), undefined, 'a changed tag');
  assert.equal(await sealer.open('not a jwe'), undefined);
  const expired = await sealer.seal({ hello: 'world' }, Math.floor(Date.now() / 1000) - 1);
  assert.equal(await sealer.open(expired), undefined, 'expired');
  const transactions = await Sealer.create([SECRET], 'transaction');
  assert.equal(await transactions.open(sealed), undefined, 'a session value is no transaction');
});

test('secrets rotate: the newest seals, every listed one opens', async () => {
  const old = await Sealer.create([SECRET], 'session');
  const newer = `${SECRET}-newer`;
  const rotated = await Sealer.create([newer, SECRET], 'session');
  const fromOld = await old.seal({ n: 1 }, Math.floor(Date.now() / 1000) + 60);
  assert.equal((await rotated.open(fromOld))?.n, 1, 'sessions sealed before the rotation still open');
  const fromNew = await rotated.seal({ n: 2 }, Math.floor(Date.now() / 1000) + 60);
  assert.equal(await old.open(fromNew), undefined, 'the new secret seals');
  assert.equal((await (await Sealer.create([newer], 'session')).open(fromNew))?.n, 2);
});

test('long values are split into chunks and read back; stale chunks are deleted', () => {
  const jar = new RequestCookieJar(null);
  const long = 'x'.repeat(CHUNK_BYTES * 2 + 10);
  writeChunked(jar, 's', long, { maxAge: 60, secure: true });
  assert.deepEqual(jar.names().sort(), ['s.0', 's.1', 's.2']);
  assert.equal(readChunked(jar, 's'), long);
  for (const line of jar.setCookieHeaders()) {
    assert.match(line, /; Path=\/; HttpOnly; SameSite=Lax; Max-Age=60; Secure$/);
    assert.ok(line.length < 4096, 'each cookie fits what browsers keep');
  }

  const next = new RequestCookieJar(jar.cookieHeader());
  writeChunked(next, 's', 'short', { maxAge: 60, secure: true });
  assert.deepEqual(next.names(), ['s']);
  assert.equal(readChunked(next, 's'), 'short');
  assert.equal(next.setCookieHeaders().filter((l) => l.includes('Max-Age=0')).length, 3);
});

test('returnTo is a path of the app or nothing', () => {
  const app = new URL('https://app.example.com');
  const cases: [string | null, string][] = [
    ['/dashboard?tab=1#top', '/dashboard?tab=1#top'],
    ['https://app.example.com/settings', '/settings'],
    [null, '/'],
    ['', '/'],
    ['//evil.example/x', '/'],
    ['/\\evil.example', '/'],
    ['https://evil.example/', '/'],
    ['https://app.example.com.evil.example/', '/'],
    ['javascript:alert(1)', '/'],
    ['dashboard', '/'],
    ['/%0d%0aSet-Cookie:x', '/%0d%0aSet-Cookie:x'],
    ['/a\nb', '/'],
  ];
  for (const [given, expected] of cases) assert.equal(safeReturnTo(given, app, '/'), expected, `returnTo ${given}`);
});

test('each sign-in has its own transaction, taken once', async () => {
  const config = resolveConfig({}, ENV);
  const sealer = await Sealer.create(config.secrets, 'transaction');
  const jar = new RequestCookieJar(null);
  const first = newTransaction('/a');
  const second = newTransaction('/b');
  assert.notEqual(first.state, second.state);
  assert.notEqual(first.verifier, second.verifier);
  await saveTransaction(jar, config, sealer, first);
  await saveTransaction(jar, config, sealer, second);
  assert.ok(jar.names().every((n) => n.startsWith('__Host-qeetid.tx.')));
  assert.equal((await takeTransaction(jar, config, sealer, second.state))?.returnTo, '/b');
  assert.equal((await takeTransaction(jar, config, sealer, first.state))?.nonce, first.nonce);
  assert.equal(await takeTransaction(jar, config, sealer, first.state), undefined, 'taken once');
  assert.equal(await takeTransaction(jar, config, sealer, 'x'.repeat(43)), undefined);
  assert.equal(await takeTransaction(jar, config, sealer, null), undefined);
});
