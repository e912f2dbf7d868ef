// openid-client (panva; oauth4webapi underneath), unmodified, as a FAPI 2.0 client:
// private_key_jwt client authentication, a pushed authorization request, PKCE and
// DPoP-bound tokens through the hosted login in headless Chromium, then UserInfo
// with a DPoP proof. Every check of the protocol is the library's.

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

test('a FAPI 2.0 client signs a user in with PAR, private_key_jwt and DPoP', async () => {
  const callback = await callbackServer();
  try {
    // The client's own key: the private half stays here, the public half is registered.
    const { privateKey, publicKey } = await crypto.subtle.generateKey(
      { name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'],
    );
    const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', publicKey);
    const { client } = await qeetid.admin('POST', '/v1/oidc/clients', {
      tenant_id: qeetid.tenant,
      name: 'FAPI interop',
      type: 'confidential',
      redirect_uris: [callback.redirectUri],
      grant_types: ['authorization_code', 'refresh_token'],
      scopes: ['openid', 'email'],
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [{ kty, crv, x, y, kid: 'interop-1' }] },
      fapi2: true,
    });
    assert.equal(client.fapi2, true);

    // The issuer is plain http on loopback in this test only.
    const config = await oidc.discovery(
      new URL(qeetid.issuer),
      client.id,
      undefined,
      oidc.PrivateKeyJwt({ key: privateKey, kid: 'interop-1' }),
      { execute: [oidc.allowInsecureRequests] },
    );
    assert.equal(config.serverMetadata().pushed_authorization_request_endpoint, `${qeetid.issuer}/v1/oauth/par`);
    const dpop = oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair('ES256'));

    // Without PAR the tenant-independent client flag refuses the request.
    const verifier = oidc.randomPKCECodeVerifier();
    const nonce = oidc.randomNonce();
    const state = oidc.randomState();
    const parameters = {
      redirect_uri: callback.redirectUri,
      scope: 'openid email',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      nonce,
      state,
    };
    const plain = await fetch(oidc.buildAuthorizationUrl(config, parameters), { redirect: 'manual' });
    assert.equal(new URL(plain.headers.get('location')).searchParams.get('error'), 'invalid_request');

    const url = await oidc.buildAuthorizationUrlWithPAR(config, parameters, { DPoP: dpop });
    assert.match(url.searchParams.get('request_uri'), /^urn:ietf:params:oauth:request_uri:/);
    assert.equal(url.searchParams.get('scope'), null, 'the parameters travel by PAR, not through the browser');
    const landing = await signInThroughPages(chromiumBrowser, url.href, callback);
    const tokens = await oidc.authorizationCodeGrant(
      config, landing,
      { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state, idTokenExpected: true },
      undefined,
      { DPoP: dpop },
    );
    assert.equal(tokens.token_type, 'dpop');
    const claims = tokens.claims();
    assert.equal(claims.aud, client.id);

    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub, { DPoP: dpop });
    assert.equal(userinfo.email, EMAIL);
    // The same token as a bearer token is refused: it is bound to the DPoP key.
    const asBearer = await fetch(`${qeetid.issuer}/v1/oauth/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    assert.equal(asBearer.status, 401);
  } finally {
    await callback.close();
  }
});
