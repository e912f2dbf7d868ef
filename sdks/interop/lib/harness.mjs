// A real Qeet ID server (the `qeetid` binary on a fresh SQLite database), a user to
// sign in, a browser to sign in with, and small servers of the tests' own.

import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

export const ADMIN_KEY = 'qak_interop-test-bootstrap-key-0123456789abcdef';
export const EMAIL = 'ada@example.com';
export const PASSWORD = 'correct horse battery';

const BINARY = process.env.QEETID_BIN ?? resolve(import.meta.dirname, '../../../target/debug/qeetid');

/** A port nobody listens on right now. */
export async function freePort() {
  const server = createServer();
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  await new Promise((ok) => server.close(ok));
  return port;
}

/** A directory removed by `cleanup`. */
export function scratchDirectory() {
  const dir = mkdtempSync(join(tmpdir(), 'qeetid-interop-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Starts `qeetid serve` on `database` with `env`, waiting until it answers. */
async function serve(dir, env) {
  const port = await freePort();
  // The harness's own variable is not a server setting (the server warns of unknown ones).
  const { QEETID_BIN: _binary, ...inherited } = process.env;
  const child = spawn(BINARY, ['serve'], {
    env: {
      ...inherited,
      QEETID_LISTEN: `127.0.0.1:${port}`,
      QEETID_DATABASE_URL: `sqlite://${join(dir, 'qeetid.db')}`,
      QEETID_DATA_DIR: dir,
      QEETID_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
      QEETID_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const issuer = `http://localhost:${port}`;
  for (let attempt = 0; attempt < 200; attempt++) {
    try {
      const response = await fetch(`${issuer}/readyz`);
      if (response.ok) return { issuer, child };
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`qeetid exited with ${child.exitCode}`);
    await new Promise((ok) => setTimeout(ok, 100));
  }
  child.kill();
  throw new Error('qeetid did not become ready');
}

async function stop(child) {
  if (child.exitCode !== null) return;
  const exited = new Promise((ok) => child.once('exit', ok));
  child.kill('SIGTERM');
  await exited;
}

/**
 * A Qeet ID server with a tenant (Acme) and its user Ada; `env(tenant)` names more
 * settings, given the tenant's id (for `QEETID_OPEN_REGISTRATION_TENANT`).
 */
export async function startQeetId(env = () => ({})) {
  const { dir, cleanup } = scratchDirectory();
  let { issuer, child } = await serve(dir, {});
  const admin = async (method, path, body) => {
    const response = await fetch(`${issuer}${path}`, {
      method,
      headers: { authorization: `ApiKey ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
  const { tenant } = await admin('POST', '/v1/tenants', { name: 'Acme' });
  await admin('POST', `/v1/tenants/${tenant.id}/users`, {
    email: EMAIL, password: PASSWORD, name: 'Ada Lovelace', email_verified: true,
  });
  await stop(child);
  ({ issuer, child } = await serve(dir, env(tenant.id)));
  return {
    issuer,
    tenant: tenant.id,
    admin,
    async close() {
      await stop(child);
      cleanup();
    },
  };
}

/** An HTTP server on loopback answering with `handler`; `url` is its base. */
export async function listen(handler) {
  const server = createServer(handler);
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${server.address().port}`, server, close: () => new Promise((ok) => server.close(ok)) };
}

/** Where the browser lands at `redirectUri` (a callback server records it). */
export async function callbackServer() {
  let resolveLanding;
  const landed = new Promise((ok) => { resolveLanding = ok; });
  let base;
  const server = await listen((req, res) => {
    resolveLanding(new URL(req.url, base));
    res.writeHead(200, { 'content-type': 'text/plain' }).end('signed in; you may close this window');
  });
  base = server.url;
  return { redirectUri: `${server.url}/callback`, landed, close: server.close };
}

/** A CA and a certificate for `localhost` signed by it, made with openssl for this run. */
export function localhostCertificate(dir) {
  const at = (name) => join(dir, name);
  const openssl = (...args) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
    '-subj', '/CN=Qeet ID interop CA', '-keyout', at('ca.key'), '-out', at('ca.pem'),
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
  openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=localhost',
    '-keyout', at('leaf.key'), '-out', at('leaf.csr'));
  const extensions = at('leaf.ext');
  execFileSync('sh', ['-c', `printf 'subjectAltName=DNS:localhost\\nbasicConstraints=CA:FALSE\\n' > '${extensions}'`]);
  openssl('x509', '-req', '-in', at('leaf.csr'), '-CA', at('ca.pem'), '-CAkey', at('ca.key'), '-CAcreateserial',
    '-days', '1', '-extfile', extensions, '-out', at('leaf.pem'));
  return { caFile: at('ca.pem'), key: readFileSync(at('leaf.key')), cert: readFileSync(at('leaf.pem')) };
}

/** Headless Chromium (Debian's, or `CHROMIUM`). */
export async function browser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
}

/**
 * Opens `authorizeUrl` in a fresh browser context, signs Ada in on the hosted login,
 * allows the consent, and answers where the browser landed at the callback.
 */
export async function signInThroughPages(chromiumBrowser, authorizeUrl, callback) {
  const context = await chromiumBrowser.newContext();
  const page = await context.newPage();
  await page.goto(authorizeUrl);
  await page.fill('#email', EMAIL);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForLoadState(), page.click('button[type=submit]:has-text("Sign in")')]);
  const consent = page.locator('button[name=decision][value=allow]');
  await consent.waitFor({ timeout: 10_000 });
  await consent.click();
  const landing = await callback.landed;
  await context.close();
  return landing;
}
