/** A session store in this process's memory: for one process, development and tests. */

import type { SessionData } from '../types.js';
import { matchesLogout, type LogoutMatch, type Release, type SessionStore } from './store.js';

interface Entry<T> {
  value: T;
  until: number;
}

/**
 * Sessions in a `Map`, dropped when they expire. Every instance of a process shares
 * nothing with another process: use {@link redisStore} when the app runs more than one.
 */
export class MemoryStore implements SessionStore {
  private readonly sessions = new Map<string, Entry<SessionData>>();
  private readonly locks = new Map<string, Entry<symbol>>();
  private readonly spent = new Map<string, Entry<true>>();

  constructor(private readonly now: () => number = Date.now) {}

  private live<T>(map: Map<string, Entry<T>>, key: string): T | undefined {
    const entry = map.get(key);
    if (entry === undefined) return undefined;
    if (entry.until <= this.now()) {
      map.delete(key);
      return undefined;
    }
    return entry.value;
  }

  async get(id: string): Promise<SessionData | undefined> {
    const value = this.live(this.sessions, id);
    return value === undefined ? undefined : structuredClone(value);
  }

  async set(id: string, data: SessionData, ttlSeconds: number): Promise<void> {
    this.sessions.set(id, { value: structuredClone(data), until: this.now() + ttlSeconds * 1000 });
  }

  async delete(id: string): Promise<void> {
    this.sessions.delete(id);
  }

  async endSessions(match: LogoutMatch): Promise<number> {
    let ended = 0;
    for (const [id, entry] of this.sessions) {
      if (matchesLogout(entry.value, match)) {
        this.sessions.delete(id);
        ended++;
      }
    }
    return ended;
  }

  async lock(name: string, ttlMs: number): Promise<Release | undefined> {
    if (this.live(this.locks, name) !== undefined) return undefined;
    const holder = Symbol(name);
    this.locks.set(name, { value: holder, until: this.now() + ttlMs });
    return async () => {
      if (this.locks.get(name)?.value === holder) this.locks.delete(name);
    };
  }

  async spend(name: string, ttlSeconds: number): Promise<boolean> {
    if (this.live(this.spent, name) !== undefined) return false;
    this.spent.set(name, { value: true, until: this.now() + ttlSeconds * 1000 });
    return true;
  }
}

const SHARED = Symbol.for('@qeetid/nextjs/memory-stores');

/**
 * The process's {@link MemoryStore} called `name`: one instance however many bundles
 * of the app call this (Next bundles route handlers, pages and middleware apart, and a
 * store per bundle would lose sessions between them).
 */
export function memoryStore(name = 'default'): MemoryStore {
  const global = globalThis as unknown as Record<symbol, Map<string, MemoryStore> | undefined>;
  const stores = (global[SHARED] ??= new Map());
  let store = stores.get(name);
  if (store === undefined) {
    store = new MemoryStore();
    stores.set(name, store);
  }
  return store;
}
