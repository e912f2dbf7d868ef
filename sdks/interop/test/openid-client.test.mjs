// openid-client (panva), unmodified, registers with an initial access token (RFC 7591)
// and signs a user in through the hosted login: discovery, PKCE, the ID token's
// signature, nonce and claims, and userinfo, all checked by the library.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { EMAIL, browser, callbackServer, signInThroughPages, startQeetId } from '../lib/harness.mjs';

let qeetid;
let chromiumBrowser;

before(async () => {
  qeetid = await startQeetId();
  chromiumBrowser = await browser();
});

after(async () => {
  await chromiumBrowser?.close();
  await qeetid?.close();
});

test('openid-client registers with an initial access token and signs a user in', async () => {
  const { token } = await qeetid.admin('POST', `/v1/tenants/${qeetid.tenant}/oauth/initial-access-tokens`, {
    label: 'openid-client', max_uses: 1,
  });
  const callback = await callbackServer();
  try {
    // The issuer is plain http on loopback in this test only.
    const config = await oidc.dynamicClientRegistration(
      new URL(qeetid.issuer),
      { redirect_uris: [callback.redirectUri], client_name: 'openid-client interop', scope: 'openid email profile' },
      undefined,
      { initialAccessToken: token, execute: [oidc.allowInsecureRequests] },
    );
    const { client_id: clientId, client_secret: secret } = config.clientMetadata();
    assert.match(clientId, /^qci_/);
    assert.match(secret, /^qcs_/, 'a confidential client by RFC 7591 default');

    const verifier = oidc.randomPKCECodeVerifier();
    const nonce = oidc.randomNonce();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: callback.redirectUri,
      scope: 'openid email profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      nonce,
      state,
    });
    const landing = await signInThroughPages(chromiumBrowser, url.href, callback);
    const tokens = await oidc.authorizationCodeGrant(config, landing, {
      pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state, idTokenExpected: true,
    });
    const claims = tokens.claims();
    assert.equal(claims.iss, qeetid.issuer);
    assert.equal(claims.aud, clientId);
    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    assert.equal(userinfo.email, EMAIL);

    await assert.rejects(
      oidc.dynamicClientRegistration(
        new URL(qeetid.issuer),
        { redirect_uris: [callback.redirectUri] },
        undefined,
        { initialAccessToken: token, execute: [oidc.allowInsecureRequests] },
      ),
      'the token admitted one registration',
    );
  } finally {
    await callback.close();
  }
});
