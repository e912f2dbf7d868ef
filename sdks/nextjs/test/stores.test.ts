// One contract for every session store, run on the in-memory store and on Redis.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { MemoryStore } from '../src/stores/memory.js';
import type { SessionStore } from '../src/stores/store.js';
import type { SessionData } from '../src/types.js';
import { closeRedis, testRedisStore } from './redis.js';

after(closeRedis);

function session(sub: string, sid?: string): SessionData {
  const at = Math.floor(Date.now() / 1000);
  return {
    user: { sub, ...(sid ? { sid } : {}) },
    idToken: 'h.p.s',
    tokens: { accessToken: 'at', tokenType: 'Bearer', expiresAt: at + 60, refreshToken: 'rt' },
    createdAt: at,
    touchedAt: at,
  };
}

const stores: [string, () => SessionStore][] = [
  ['memory', () => new MemoryStore()],
  ['redis', () => testRedisStore(`qeetid-store-test:${randomUUID()}:`)],
];

for (const [kind, make] of stores) {
  test(`${kind} store: keeps, replaces and deletes sessions`, async () => {
    const store = make();
    assert.equal(await store.get('missing'), undefined);
    await store.set('a', session('usr_1', 'ses_1'), 60);
    assert.equal((await store.get('a'))?.user.sid, 'ses_1');
    const replaced = { ...session('usr_1', 'ses_1'), idToken: 'new' };
    await store.set('a', replaced, 60);
    assert.equal((await store.get('a'))?.idToken, 'new');
    await store.delete('a');
    assert.equal(await store.get('a'), undefined);
  });

  test(`${kind} store: sessions expire`, async () => {
    const store = make();
    await store.set('short', session('usr_1'), 0.05);
    await new Promise((ok) => setTimeout(ok, 120));
    assert.equal(await store.get('short'), undefined);
  });

  test(`${kind} store: logout ends sessions by sid, by sub, and only those`, async () => {
    const store = make();
    await store.set('a', session('usr_1', 'ses_1'), 60);
    await store.set('b', session('usr_1', 'ses_2'), 60);
    await store.set('c', session('usr_2', 'ses_3'), 60);
    assert.equal(await store.endSessions({ sid: 'ses_1', sub: 'usr_2' }), 0, 'sid and sub must both match');
    assert.equal(await store.endSessions({ sid: 'ses_1' }), 1);
    assert.equal(await store.get('a'), undefined);
    assert.ok(await store.get('b'));
    assert.equal(await store.endSessions({ sub: 'usr_1' }), 1);
    assert.equal(await store.get('b'), undefined);
    assert.ok(await store.get('c'), 'another user keeps theirs');
    assert.equal(await store.endSessions({}), 0);
  });

  test(`${kind} store: a lock has one holder until released or expired`, async () => {
    const store = make();
    const release = await store.lock('l', 5_000);
    assert.ok(release);
    assert.equal(await store.lock('l', 5_000), undefined);
    await release();
    const again = await store.lock('l', 50);
    assert.ok(again);
    await new Promise((ok) => setTimeout(ok, 120));
    const third = await store.lock('l', 5_000);
    assert.ok(third, 'an expired lock is free');
    await again(); // the expired holder's release leaves the new holder's lock alone
    assert.equal(await store.lock('l', 5_000), undefined);
  });

  test(`${kind} store: a name is spent once`, async () => {
    const store = make();
    assert.equal(await store.spend('jti-1', 60), true);
    assert.equal(await store.spend('jti-1', 60), false);
    assert.equal(await store.spend('jti-2', 60), true);
  });
}
