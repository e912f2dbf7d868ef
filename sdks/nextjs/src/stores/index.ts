/** Server-side session stores: the port, an in-memory one and a Redis one. */

export { MemoryStore, memoryStore } from './memory.js';
export { RedisStore, redisStore, type RedisCommand, type RedisStoreOptions } from './redis.js';
export type { LogoutMatch, Release, SessionStore } from './store.js';
