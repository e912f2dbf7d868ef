// A small OpenID Provider for the unit tests: discovery, keys, PAR, a code issued
// without a browser, the token endpoint with refresh rotation and reuse detection
// (as Qeet ID does it), revocation and end-session. Misbehaviour is switched on per
// test to prove the SDK refuses it.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, base64url, type JWK, type CryptoKey } from 'jose';

export interface Misbehaviour {
  /** Signs ID tokens with a key that is not in the key set. */
  foreignKey?: boolean;
  /** Puts another nonce in the ID token. */
  wrongNonce?: boolean;
  /** Puts a wrong at_hash in the ID token. */
  wrongAtHash?: boolean;
  /** Signs with HS256 under the client secret. */
  hs256?: boolean;
  /** Answers the callback with another issuer in `iss`. */
  wrongIss?: boolean;
}

interface Family {
  current: string;
  revoked: boolean;
  sub: string;
  sid: string;
}

const random = () => randomBytes(24).toString('base64url');

export class FakeProvider {
  readonly clientId = 'qci_test';
  readonly clientSecret = 'qcs_test-secret';
  issuer = '';
  misbehave: Misbehaviour = {};
  /** Seconds an access token lives. */
  accessSeconds = 300;
  /** Milliseconds the token endpoint takes to answer a refresh (makes concurrency real). */
  refreshDelayMs = 30;
  refreshCalls = 0;
  reuseDetected = 0;
  revoked: string[] = [];
  pushed = new Map<string, URLSearchParams>();
  private codes = new Map<string, URLSearchParams>();
  private families = new Map<string, Family>();
  private spent = new Map<string, Family>();
  private server!: Server;
  private key!: CryptoKey;
  private foreign!: CryptoKey;
  private jwk!: JWK;

  static async start(): Promise<FakeProvider> {
    const fake = new FakeProvider();
    const pair = await generateKeyPair('ES256');
    fake.key = pair.privateKey;
    fake.foreign = (await generateKeyPair('ES256')).privateKey;
    fake.jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    fake.server = createServer((req, res) => {
      fake.handle(req, res).catch((error) => {
        res.writeHead(500).end(String(error));
      });
    });
    await new Promise<void>((ok) => fake.server.listen(0, '127.0.0.1', ok));
    const address = fake.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    fake.issuer = `http://127.0.0.1:${address.port}`;
    return fake;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((ok) => this.server.close(ok));
  }

  /** The authorization endpoint's answer without a browser: the callback URL for the pushed request. */
  approve(authorizeUrl: string, sub = 'usr_ada', sid = 'ses_1'): URL {
    const url = new URL(authorizeUrl);
    const params = this.pushed.get(url.searchParams.get('request_uri') ?? '') ?? url.searchParams;
    const code = random();
    this.codes.set(code, new URLSearchParams({ ...Object.fromEntries(params), sub, sid }));
    const callback = new URL(params.get('redirect_uri') ?? '');
    callback.searchParams.set('code', code);
    callback.searchParams.set('state', params.get('state') ?? '');
    callback.searchParams.set('iss', this.misbehave.wrongIss ? 'https://evil.example' : this.issuer);
    return callback;
  }

  /** Signs a logout token (Back-Channel Logout 1.0) for the tests. */
  async logoutToken(claims: Record<string, unknown>, options: { foreign?: boolean; audience?: string } = {}): Promise<string> {
    return new SignJWT({ events: { 'http://schemas.openid.net/event/backchannel-logout': {} }, jti: random(), ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'logout+jwt' })
      .setIssuer(this.issuer)
      .setAudience(options.audience ?? this.clientId)
      .setIssuedAt()
      .setExpirationTime('2m')
      .sign(options.foreign ? this.foreign : this.key);
  }

  private metadata() {
    const at = (path: string) => `${this.issuer}${path}`;
    return {
      issuer: this.issuer,
      authorization_endpoint: at('/authorize'),
      pushed_authorization_request_endpoint: at('/par'),
      token_endpoint: at('/token'),
      revocation_endpoint: at('/revoke'),
      end_session_endpoint: at('/logout'),
      jwks_uri: at('/jwks'),
      response_types_supported: ['code'],
      id_token_signing_alg_values_supported: ['ES256'],
      authorization_response_iss_parameter_supported: true,
    };
  }

  private authenticated(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? '';
    const [id, secret] = Buffer.from(header.replace(/^Basic /, ''), 'base64').toString().split(':').map(decodeURIComponent);
    return id === this.clientId && secret === this.clientSecret;
  }

  private async idToken(params: URLSearchParams, accessToken: string, nonce: boolean): Promise<string> {
    const hash = createHash('sha256').update(accessToken).digest();
    const atHash = this.misbehave.wrongAtHash ? 'AAAAAAAAAAAAAAAAAAAAAA' : base64url.encode(hash.subarray(0, 16));
    const claims: Record<string, unknown> = {
      sub: params.get('sub'), sid: params.get('sid'), tid: 'tnt_acme', email: 'ada@example.com',
      amr: ['pwd'], acr: 'aal1', at_hash: atHash, auth_time: Math.floor(Date.now() / 1000),
    };
    if (nonce) claims.nonce = this.misbehave.wrongNonce ? 'another-nonce' : params.get('nonce');
    const jwt = new SignJWT(claims).setIssuer(this.issuer).setAudience(this.clientId).setIssuedAt().setExpirationTime('5m');
    if (this.misbehave.hs256) {
      return jwt.setProtectedHeader({ alg: 'HS256', kid: 'k1' }).sign(new TextEncoder().encode(this.clientSecret));
    }
    return jwt.setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(this.misbehave.foreignKey ? this.foreign : this.key);
  }

  private async issue(params: URLSearchParams, family: Family, nonce: boolean) {
    const accessToken = random();
    const refreshToken = random();
    family.current = refreshToken;
    this.families.set(refreshToken, family);
    return {
      access_token: accessToken, token_type: 'Bearer', expires_in: this.accessSeconds, refresh_token: refreshToken,
      scope: 'openid profile email offline_access', id_token: await this.idToken(params, accessToken, nonce),
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.issuer);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString());
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
    };
    const refuse = (error: string, status = 400) => send(status, { error, error_description: error });
    switch (url.pathname) {
      case '/.well-known/openid-configuration': return send(200, this.metadata());
      case '/jwks': return send(200, { keys: [this.jwk] });
      case '/par': {
        if (!this.authenticated(req)) return refuse('invalid_client', 401);
        const uri = `urn:ietf:params:oauth:request_uri:${random()}`;
        this.pushed.set(uri, form);
        return send(201, { request_uri: uri, expires_in: 60 });
      }
      case '/revoke': {
        if (!this.authenticated(req)) return refuse('invalid_client', 401);
        this.revoked.push(form.get('token') ?? '');
        const family = this.families.get(form.get('token') ?? '');
        if (family) family.revoked = true;
        res.writeHead(200).end();
        return;
      }
      case '/token': {
        if (!this.authenticated(req)) return refuse('invalid_client', 401);
        if (form.get('grant_type') === 'authorization_code') {
          const params = this.codes.get(form.get('code') ?? '');
          this.codes.delete(form.get('code') ?? '');
          if (!params || params.get('redirect_uri') !== form.get('redirect_uri')) return refuse('invalid_grant');
          const challenge = createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url');
          if (challenge !== params.get('code_challenge')) return refuse('invalid_grant');
          const family: Family = { current: '', revoked: false, sub: params.get('sub') ?? '', sid: params.get('sid') ?? '' };
          return send(200, await this.issue(params, family, true));
        }
        if (form.get('grant_type') === 'refresh_token') {
          this.refreshCalls++;
          await new Promise((ok) => setTimeout(ok, this.refreshDelayMs));
          const token = form.get('refresh_token') ?? '';
          const spentFamily = this.spent.get(token);
          if (spentFamily) {
            this.reuseDetected++;
            spentFamily.revoked = true;
            return refuse('invalid_grant');
          }
          const family = this.families.get(token);
          if (!family || family.revoked || family.current !== token) return refuse('invalid_grant');
          this.families.delete(token);
          this.spent.set(token, family);
          const params = new URLSearchParams({ sub: family.sub, sid: family.sid });
          return send(200, await this.issue(params, family, false));
        }
        return refuse('unsupported_grant_type');
      }
      default:
        res.writeHead(404).end();
    }
  }
}
