// A second "process" for the refresh test: its own module state, the shared Redis.

import { parentPort, workerData } from 'node:worker_threads';
import { RequestCookieJar } from '../src/cookies.js';
import { createQeetId } from '../src/core.js';
import { closeRedis, testRedisStore } from './redis.js';
import { SECRET } from './support.js';
import { APP } from './browser.js';

const { issuer, clientId, clientSecret, cookie } = workerData as Record<string, string>;
const qeetid = createQeetId({ issuer, clientId, clientSecret, secret: SECRET, appUrl: APP, store: testRedisStore('qeetid-refresh-test:') });
const jar = new RequestCookieJar(cookie!);
const loaded = await qeetid.readSession(jar);
const fresh = loaded && (await qeetid.freshSession(jar, loaded, true));
parentPort?.postMessage(fresh?.data.tokens.accessToken ?? 'no session');
await closeRedis();
