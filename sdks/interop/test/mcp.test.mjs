// The official MCP TypeScript SDK, unmodified, signs a user in through Qeet ID for an
// MCP server of this test's own, which publishes RFC 9728 protected-resource metadata
// naming Qeet ID. The SDK discovers Qeet ID, registers itself (once by dynamic
// registration, once with a client ID metadata document), runs Authorization Code +
// PKCE with `resource` through the hosted login in headless Chromium, and calls the
// server with an access token whose `aud` is the server, checked against the JWKS.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpsServer } from 'node:https';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import {
  EMAIL, browser, callbackServer, listen, localhostCertificate, scratchDirectory, signInThroughPages, startQeetId,
} from '../lib/harness.mjs';

let qeetid;
let chromiumBrowser;
let mcp;
let documents;
let certificates;

/** An MCP server at `/mcp` that takes only Qeet ID's access tokens for itself. */
async function mcpServer(issuer) {
  const jwks = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));
  let resource;
  const server = await listen(async (req, res) => {
    const path = new URL(req.url, 'http://127.0.0.1').pathname;
    if (path === '/.well-known/oauth-protected-resource/mcp' || path === '/.well-known/oauth-protected-resource') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ resource, authorization_servers: [issuer], bearer_methods_supported: ['header'] }));
      return;
    }
    if (path !== '/mcp') {
      res.writeHead(404).end();
      return;
    }
    const challenge = `Bearer resource_metadata="${server.url}/.well-known/oauth-protected-resource/mcp"`;
    const token = (req.headers.authorization ?? '').replace(/^Bearer /i, '');
    let claims;
    try {
      ({ payload: claims } = await jwtVerify(token, jwks, { issuer, audience: resource }));
    } catch {
      res.writeHead(401, { 'www-authenticate': challenge, 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'invalid_token' }));
      return;
    }
    const mcpServer = new McpServer({ name: 'interop-mcp', version: '1.0.0' });
    mcpServer.registerTool('whoami', { description: 'Who the token is for' }, async () => ({
      content: [{ type: 'text', text: JSON.stringify({ sub: claims.sub, aud: claims.aud, client_id: claims.client_id }) }],
    }));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => { transport.close(); mcpServer.close(); });
    await mcpServer.connect(transport);
    await transport.handleRequest(req, res);
  });
  resource = `${server.url}/mcp`;
  return { ...server, resource };
}

/** The SDK's OAuthClientProvider for a command-line tool: everything in memory. */
class ToolProvider {
  constructor(redirectUrl, clientMetadataUrl) {
    this.redirectUrl = redirectUrl;
    this.clientMetadataUrl = clientMetadataUrl;
    this.saved = {};
    this.authorizationUrl = undefined;
  }
  get clientMetadata() {
    return {
      client_name: 'Interop MCP tool',
      redirect_uris: [this.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      scope: 'openid email',
    };
  }
  clientInformation() { return this.saved.client; }
  saveClientInformation(client) { this.saved.client = client; }
  tokens() { return this.saved.tokens; }
  saveTokens(tokens) { this.saved.tokens = tokens; }
  redirectToAuthorization(url) { this.authorizationUrl = url; }
  saveCodeVerifier(verifier) { this.saved.verifier = verifier; }
  codeVerifier() { return this.saved.verifier; }
}

/** The SDK connects, is sent to sign in, finishes, and calls `whoami`. */
async function signInAndCall(provider, callback) {
  const transport = new StreamableHTTPClientTransport(new URL(mcp.resource), { authProvider: provider });
  await assert.rejects(new Client({ name: 'interop-tool', version: '1.0.0' }).connect(transport), UnauthorizedError);
  const authorizationUrl = provider.authorizationUrl;
  assert.ok(authorizationUrl, 'the SDK asked to send the user to sign in');
  assert.equal(authorizationUrl.origin, new URL(qeetid.issuer).origin, 'at Qeet ID, found through RFC 9728');
  assert.equal(authorizationUrl.searchParams.get('resource'), mcp.resource, 'with the MCP server as resource');
  assert.equal(authorizationUrl.searchParams.get('code_challenge_method'), 'S256');

  const landing = await signInThroughPages(chromiumBrowser, authorizationUrl.href, callback);
  const code = landing.searchParams.get('code');
  assert.ok(code, `a code at the callback: ${landing}`);
  await transport.finishAuth(code);

  const client = new Client({ name: 'interop-tool', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(mcp.resource), { authProvider: provider }));
  const answer = await client.callTool({ name: 'whoami', arguments: {} });
  await client.close();
  return JSON.parse(answer.content[0].text);
}

before(async () => {
  const scratch = scratchDirectory();
  certificates = { ...localhostCertificate(scratch.dir), cleanup: scratch.cleanup };
  qeetid = await startQeetId((tenant) => ({
    QEETID_OPEN_REGISTRATION_TENANT: tenant,
    QEETID_OUTBOUND_ALLOW_PRIVATE_NETWORKS: 'true',
    QEETID_OUTBOUND_CA_FILE: certificates.caFile,
  }));
  chromiumBrowser = await browser();
  mcp = await mcpServer(qeetid.issuer);
});

after(async () => {
  await chromiumBrowser?.close();
  await mcp?.close();
  documents?.close();
  await qeetid?.close();
  certificates?.cleanup();
});

test('the MCP SDK registers itself dynamically and calls the server with a token for it', async () => {
  const callback = await callbackServer();
  const provider = new ToolProvider(callback.redirectUri);
  try {
    const who = await signInAndCall(provider, callback);
    assert.match(provider.saved.client.client_id, /^qci_/, 'registered through RFC 7591');
    assert.equal(who.aud, mcp.resource, 'the token is for the MCP server (RFC 8707)');
    assert.equal(who.client_id, provider.saved.client.client_id);
    const user = await qeetid.admin('GET', `/v1/tenants/${qeetid.tenant}/users`);
    const ada = user.users.find((u) => u.email === EMAIL);
    assert.equal(who.sub, ada.id, 'for the user who signed in');
    const listed = await qeetid.admin('GET', `/v1/tenants/${qeetid.tenant}/oidc/clients`);
    const registered = listed.clients.find((c) => c.id === provider.saved.client.client_id);
    assert.equal(registered.self_registered, true, 'admins see it as self-registered');
  } finally {
    await callback.close();
  }
});

test('the MCP SDK uses a client ID metadata document when Qeet ID supports it', async () => {
  const callback = await callbackServer();
  let clientId;
  const https = createHttpsServer({ key: certificates.key, cert: certificates.cert }, (req, res) => {
    if (req.url !== '/oauth/client.json') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=300' });
    res.end(JSON.stringify({ ...new ToolProvider(callback.redirectUri).clientMetadata, client_id: clientId }));
  });
  await new Promise((ok) => https.listen(0, '127.0.0.1', ok));
  documents = { close: () => https.close() };
  clientId = `https://localhost:${https.address().port}/oauth/client.json`;
  const provider = new ToolProvider(callback.redirectUri, clientId);
  try {
    const who = await signInAndCall(provider, callback);
    assert.equal(provider.saved.client.client_id, clientId, 'no registration: the URL is the client_id');
    assert.equal(who.client_id, clientId);
    assert.equal(who.aud, mcp.resource);
  } finally {
    await callback.close();
  }
});
