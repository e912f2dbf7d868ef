// What several test files share: a configured integration against the fake provider.

import { createQeetId, type QeetId } from '../src/core.js';
import type { QeetIdOptions } from '../src/config.js';
import { handleAuth } from '../src/handler.js';
import { registry } from '../src/refresh.js';
import { APP, TestBrowser } from './browser.js';
import type { FakeProvider } from './fake-provider.js';

export const SECRET = 'a-secret-of-more-than-thirty-two-bytes-0123456789';

export function integration(fake: FakeProvider, options: QeetIdOptions = {}): QeetId {
  return createQeetId({
    issuer: fake.issuer, clientId: fake.clientId, clientSecret: fake.clientSecret, secret: SECRET, appUrl: APP, ...options,
  });
}

/** Signs in through login → (the fake's approval) → callback; answers the browser. */
export async function signedIn(qeetid: QeetId, fake: FakeProvider, returnTo = '/dashboard'): Promise<TestBrowser> {
  const browser = new TestBrowser(handleAuth(qeetid));
  const login = await browser.get(`/auth/login?returnTo=${encodeURIComponent(returnTo)}`);
  const callback = fake.approve(login.headers.get('location')!);
  const landed = await browser.get(callback.pathname + callback.search);
  if (landed.status !== 302 || landed.headers.get('location') !== returnTo) {
    throw new Error(`sign-in failed: ${landed.status} ${landed.headers.get('location')}`);
  }
  return browser;
}

/** Forgets this process's refresh state (as a second process would start). */
export function forgetRefreshes(): void {
  registry().inflight.clear();
  registry().successors.clear();
}
