/**
 * One configured Qeet ID integration: settings checked on first use, the sealers,
 * the session, the provider, and fresh tokens. The route handler, middleware and
 * server helpers all work through an instance of it.
 */

import * as oauth from 'oauth4webapi';
import { resolveConfig, type QeetIdConfig, type QeetIdOptions } from './config.js';
import type { CookieJar } from './cookies.js';
import { QeetIdError, SessionEndedError } from './errors.js';
import { Provider, type AuthorizationExtras } from './provider.js';
import { knownSuccessor, refreshOnce, withTokens } from './refresh.js';
import { Sealer } from './seal.js';
import { Sessions, type LoadedSession } from './session.js';
import { newTransaction, saveTransaction, type Transaction } from './transaction.js';

/** What a sign-in asks of Qeet ID beyond the defaults. */
export interface SignInOptions extends AuthorizationExtras {
  /** Where the user lands afterwards: a path on the app. */
  returnTo?: string;
  /** Seconds since the last authentication beyond which Qeet ID asks again. */
  maxAge?: number;
}

/** The parts built from the settings (built once, on first use). */
interface Parts {
  config: QeetIdConfig;
  provider: Provider;
  sessions: Sessions;
  transactions: Sealer;
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}

/** A Qeet ID integration; see {@link createQeetId}. */
export class QeetId {
  private parts: Promise<Parts> | undefined;

  constructor(private readonly options: QeetIdOptions = {}) {}

  /** The checked settings and what is built from them; a bad setting throws a {@link ConfigurationError} naming it. */
  async resolve(): Promise<Parts> {
    this.parts ??= (async () => {
      const config = resolveConfig(this.options);
      const [sessionSealer, transactions] = await Promise.all([
        Sealer.create(config.secrets, 'session'),
        Sealer.create(config.secrets, 'transaction'),
      ]);
      return { config, provider: new Provider(config), sessions: new Sessions(config, sessionSealer), transactions };
    })();
    // A failed resolution is tried again on the next request (the settings may be fixed by then).
    this.parts.catch(() => {
      this.parts = undefined;
    });
    return this.parts;
  }

  /** The checked settings. */
  async config(): Promise<QeetIdConfig> {
    return (await this.resolve()).config;
  }

  /** Starts a sign-in: seals the transaction into `jar` and answers where to send the browser. */
  async beginSignIn(jar: CookieJar, options: SignInOptions): Promise<URL> {
    const { config, provider, transactions } = await this.resolve();
    const tx: Transaction = newTransaction(options.returnTo ?? config.defaultReturnTo, options.maxAge);
    const params = new URLSearchParams({
      client_id: config.clientId,
      redirect_uri: provider.redirectUri,
      response_type: 'code',
      scope: config.scope,
      state: tx.state,
      nonce: tx.nonce,
      code_challenge: await oauth.calculatePKCECodeChallenge(tx.verifier),
      code_challenge_method: 'S256',
    });
    for (const name of ['login_hint', 'prompt', 'acr_values', 'ui_locales'] as const) {
      const value = options[name];
      if (value) params.set(name, value);
    }
    for (const resource of options.resource ?? []) params.append('resource', resource);
    if (options.maxAge !== undefined) params.set('max_age', String(options.maxAge));
    const url = await provider.authorizationUrl(params);
    await saveTransaction(jar, config, transactions, tx);
    return url;
  }

  /**
   * Ends the session here (its store record and cookies), revokes its refresh token
   * (best effort), and answers where the browser goes next: Qeet ID's end-session
   * endpoint with `id_token_hint`, or the post-logout URI when there is none.
   */
  async endSession(jar: CookieJar): Promise<string> {
    const { config, provider, sessions } = await this.resolve();
    const loaded = await sessions.read(jar);
    await sessions.clear(jar, loaded);
    if (loaded?.data.tokens.refreshToken) await provider.revoke(loaded.data.tokens.refreshToken);
    const endSession = await provider.endSessionUrl(loaded?.data.idToken);
    return endSession?.href ?? config.postLogoutRedirectUri;
  }

  /** The request's session, with no refresh and no write. */
  async readSession(jar: CookieJar): Promise<LoadedSession | undefined> {
    const { sessions } = await this.resolve();
    return sessions.read(jar);
  }

  /**
   * The session with an access token that is not about to expire: refreshed (once,
   * whoever else asks) when `canWrite` (asked only when a refresh is due), else only
   * swapped for a successor this process already holds. `undefined` when the refresh token was refused: the session is
   * then cleared.
   */
  async freshSession(
    jar: CookieJar, loaded: LoadedSession, canWrite: boolean | (() => boolean), leewaySeconds?: number,
  ): Promise<LoadedSession | undefined> {
    const { config, provider, sessions } = await this.resolve();
    const { tokens } = loaded.data;
    const leeway = leewaySeconds ?? config.refreshLeewaySeconds;
    if (tokens.expiresAt - now() > leeway || tokens.refreshToken === undefined) return loaded;
    // Asked only now: probing whether cookies can be written writes one.
    if (!(typeof canWrite === 'function' ? canWrite() : canWrite)) {
      const successor = await knownSuccessor(tokens.refreshToken);
      return successor ? { ...loaded, data: withTokens(loaded.data, successor) } : loaded;
    }
    const store = config.store;
    const storeId = loaded.id;
    try {
      const result = await refreshOnce(tokens.refreshToken, {
        refresh: (token) => provider.refresh(token),
        reread: () => sessions.reread(loaded),
        ...(store && storeId !== undefined
          ? {
            lock: (ttlMs: number) => store.lock(`refresh:${storeId}`, ttlMs),
            save: (result) => sessions.save(loaded, { ...withTokens(loaded.data, result), touchedAt: now() }),
          }
          : {}),
      });
      return await sessions.write(jar, { ...withTokens(loaded.data, result), touchedAt: now() }, loaded.id);
    } catch (error) {
      if (error instanceof SessionEndedError) {
        await sessions.clear(jar, loaded);
        return undefined;
      }
      if (tokens.expiresAt > now()) return loaded;
      throw error instanceof QeetIdError ? error : new QeetIdError('temporarily_unavailable', String(error), { cause: error });
    }
  }
}

/**
 * A Qeet ID integration with these options (the environment fills in the rest). Use
 * it where the options are more than the environment gives, such as a session store:
 * `export const qeetid = createQeetId({ store: redisStore(...) })` in one module, and
 * `qeetid.handleAuth()`-style calls through the functions that take an instance.
 */
export function createQeetId(options: QeetIdOptions = {}): QeetId {
  return new QeetId(options);
}

const DEFAULT_KEY = Symbol.for('@qeetid/nextjs/default');

/** The process's instance configured from the environment alone (shared by every bundle). */
export function defaultQeetId(): QeetId {
  const global = globalThis as unknown as Record<symbol, QeetId | undefined>;
  let found = global[DEFAULT_KEY];
  if (found === undefined) {
    found = new QeetId();
    global[DEFAULT_KEY] = found;
  }
  return found;
}
