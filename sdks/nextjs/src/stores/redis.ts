/**
 * A session store in Redis, shared by every process of the app: the one to use when
 * the app runs on more than one process or host. It speaks plain Redis commands
 * through a function the app gives, so any client works:
 *
 * - node-redis: `redisStore({ command: (args) => client.sendCommand(args) })`
 * - ioredis: `redisStore({ command: ([name, ...rest]) => client.call(name!, ...rest) })`
 */

import type { SessionData } from '../types.js';
import { matchesLogout, type LogoutMatch, type Release, type SessionStore } from './store.js';

/** Runs one Redis command (`['SET', key, value, 'PX', '1000']`) and answers its reply. */
export type RedisCommand = (args: string[]) => Promise<unknown>;

/** How to reach Redis, and the prefix of every key the store writes. */
export interface RedisStoreOptions {
  command: RedisCommand;
  /** `qeetid:` */
  prefix?: string;
}

/** Deletes a lock only while it is still the holder's (a lock that expired may be someone else's). */
const RELEASE_SCRIPT = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Sessions as JSON strings with a TTL, plus sets of session ids per user and per Qeet ID session. */
export class RedisStore implements SessionStore {
  private readonly command: RedisCommand;
  private readonly prefix: string;

  constructor(options: RedisStoreOptions) {
    this.command = options.command;
    this.prefix = options.prefix ?? 'qeetid:';
  }

  private key(kind: string, name: string): string {
    return `${this.prefix}${kind}:${name}`;
  }

  async get(id: string): Promise<SessionData | undefined> {
    const value = await this.command(['GET', this.key('session', id)]);
    if (typeof value !== 'string') return undefined;
    try {
      return JSON.parse(value) as SessionData;
    } catch {
      return undefined;
    }
  }

  private async index(kind: string, name: string, id: string, ttlMs: string): Promise<void> {
    const key = this.key(kind, name);
    await this.command(['SADD', key, id]);
    // A new set gets the session's TTL; an existing one only ever lengthens it, so an
    // older session of the same user stays findable.
    await this.command(['PEXPIRE', key, ttlMs, 'NX']);
    await this.command(['PEXPIRE', key, ttlMs, 'GT']);
  }

  async set(id: string, data: SessionData, ttlSeconds: number): Promise<void> {
    const ttlMs = String(Math.max(1, Math.ceil(ttlSeconds * 1000)));
    await this.command(['SET', this.key('session', id), JSON.stringify(data), 'PX', ttlMs]);
    await this.index('sub', data.user.sub, id, ttlMs);
    if (data.user.sid !== undefined) await this.index('sid', data.user.sid, id, ttlMs);
  }

  async delete(id: string): Promise<void> {
    await this.command(['DEL', this.key('session', id)]);
  }

  async endSessions(match: LogoutMatch): Promise<number> {
    const indexKey = match.sid !== undefined ? this.key('sid', match.sid) : match.sub !== undefined ? this.key('sub', match.sub) : undefined;
    if (indexKey === undefined) return 0;
    const ids = await this.command(['SMEMBERS', indexKey]);
    let ended = 0;
    for (const id of Array.isArray(ids) ? ids.map(String) : []) {
      const data = await this.get(id);
      if (data !== undefined && matchesLogout(data, match)) {
        await this.delete(id);
        ended++;
      }
    }
    return ended;
  }

  async lock(name: string, ttlMs: number): Promise<Release | undefined> {
    const key = this.key('lock', name);
    const holder = randomToken();
    const taken = await this.command(['SET', key, holder, 'NX', 'PX', String(Math.max(1, Math.ceil(ttlMs)))]);
    if (taken !== 'OK') return undefined;
    return async () => {
      await this.command(['EVAL', RELEASE_SCRIPT, '1', key, holder]);
    };
  }

  async spend(name: string, ttlSeconds: number): Promise<boolean> {
    const taken = await this.command(['SET', this.key('spent', name), '1', 'NX', 'EX', String(Math.max(1, Math.ceil(ttlSeconds)))]);
    return taken === 'OK';
  }
}

/** A {@link RedisStore}. */
export function redisStore(options: RedisStoreOptions): RedisStore {
  return new RedisStore(options);
}
