// The Redis of the machine (127.0.0.1:6379, or QEETID_TEST_REDIS_URL) for the store tests.

import { createClient } from 'redis';
import { redisStore, type RedisStore } from '../src/stores/redis.js';

const clients: { quit(): Promise<unknown> }[] = [];

/** A Redis store under `prefix`, on a client closed by {@link closeRedis} (or with the process). */
export function testRedisStore(prefix: string): RedisStore {
  const client = createClient({ url: process.env.QEETID_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379' });
  clients.push(client);
  const ready = client.connect();
  client.on('error', () => {});
  return redisStore({ prefix, command: async (args) => { await ready; return client.sendCommand(args); } });
}

/** Closes every client made here. */
export async function closeRedis(): Promise<void> {
  await Promise.all(clients.splice(0).map((c) => c.quit().catch(() => undefined)));
}
