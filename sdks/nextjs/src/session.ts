/**
 * The app's session: sealed into the session cookie whole, or kept in a session
 * store with only its id sealed in the cookie. Idle and absolute lifetimes end it.
 */

import type { QeetIdConfig } from './config.js';
import { cookieName, deleteChunked, readChunked, writeChunked, type CookieJar } from './cookies.js';
import type { Sealer } from './seal.js';
import type { Session, SessionData } from './types.js';

/** The session cookie's name before any `__Host-` prefix. */
export const SESSION_COOKIE = 'qeetid.session';

/** A session read from a request, with the store id when a store holds it. */
export interface LoadedSession {
  data: SessionData;
  /** The store's id for it (absent in cookie-only mode). */
  id?: string;
}

/** How often an active session's idle deadline moves (a write per request would be wasted). */
const TOUCH_EVERY_SECONDS = 60;

function now(): number {
  return Math.floor(Date.now() / 1000);
}

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Reads, writes and ends sessions for one configuration. */
export class Sessions {
  constructor(private readonly config: QeetIdConfig, private readonly sealer: Sealer) {}

  private get name(): string {
    return cookieName(SESSION_COOKIE, this.config.secureCookies);
  }

  /** When the session ends unless a request keeps it alive. */
  expiresAt(data: SessionData): number {
    return Math.min(data.createdAt + this.config.absoluteSeconds, data.touchedAt + this.config.idleSeconds);
  }

  /** The session of the request, or `undefined` when absent, tampered with, expired or ended. */
  async read(jar: CookieJar): Promise<LoadedSession | undefined> {
    const sealed = readChunked(jar, this.name);
    if (sealed === undefined) return undefined;
    const payload = await this.sealer.open(sealed);
    if (payload === undefined) return undefined;
    let loaded: LoadedSession | undefined;
    if (this.config.store !== undefined) {
      if (typeof payload.sid !== 'string') return undefined;
      const data = await this.config.store.get(payload.sid);
      loaded = data === undefined ? undefined : { data, id: payload.sid };
    } else if (typeof payload.session === 'object' && payload.session !== null) {
      loaded = { data: payload.session as SessionData };
    }
    if (loaded === undefined || this.expiresAt(loaded.data) <= now()) return undefined;
    return loaded;
  }

  /** The session as it stands in the store (another process may have refreshed it); cookie-only sessions answer `undefined`. */
  async reread(loaded: LoadedSession): Promise<SessionData | undefined> {
    if (this.config.store === undefined || loaded.id === undefined) return undefined;
    return this.config.store.get(loaded.id);
  }

  /** Saves `data` (a new session when `id` is absent) and writes the cookie; answers the store id. */
  async write(jar: CookieJar, data: SessionData, id?: string): Promise<LoadedSession> {
    const expiresAt = this.expiresAt(data);
    const ttl = Math.max(1, expiresAt - now());
    let payload: Record<string, unknown>;
    let storeId: string | undefined;
    if (this.config.store !== undefined) {
      storeId = id ?? randomId();
      await this.config.store.set(storeId, data, ttl);
      payload = { sid: storeId };
    } else {
      payload = { session: data };
    }
    const sealed = await this.sealer.seal(payload, expiresAt);
    writeChunked(jar, this.name, sealed, { maxAge: ttl, secure: this.config.secureCookies });
    return { data, id: storeId };
  }

  /** Saves `data` to the store under the session's id (no cookie): for a refresh that must be visible before its lock is released. */
  async save(loaded: LoadedSession, data: SessionData): Promise<void> {
    if (this.config.store === undefined || loaded.id === undefined) return;
    await this.config.store.set(loaded.id, data, Math.max(1, this.expiresAt(data) - now()));
  }

  /** Moves the idle deadline when the last move is older than a minute; answers whether it wrote. */
  async touch(jar: CookieJar, loaded: LoadedSession): Promise<boolean> {
    if (now() - loaded.data.touchedAt < TOUCH_EVERY_SECONDS) return false;
    await this.write(jar, { ...loaded.data, touchedAt: now() }, loaded.id);
    return true;
  }

  /** Ends the session: the store's record and every cookie chunk. */
  async clear(jar: CookieJar, loaded?: LoadedSession): Promise<void> {
    if (loaded?.id !== undefined) await this.config.store?.delete(loaded.id);
    deleteChunked(jar, this.name, this.config.secureCookies);
  }

  /** What the browser may see of a session. */
  view(data: SessionData): Session {
    return { user: data.user, expiresAt: this.expiresAt(data), accessTokenExpiresAt: data.tokens.expiresAt };
  }
}
