import type { Test } from 'tap';
import { Redis } from 'ioredis';
import { startPrivateRedis } from '../../scripts/redis.mjs';

/** A redis-server of this test's own (AOF on), stopped when the test ends. */
export async function privateRedis(t: Test) {
  const server = await startPrivateRedis();
  const clients: Redis[] = [];
  const connect = () => {
    const r = new Redis(server.url, { maxRetriesPerRequest: 1 });
    clients.push(r);
    return r;
  };
  t.teardown(async () => {
    for (const c of clients) c.disconnect();
    server.child.kill('SIGKILL');
  });
  return { ...server, connect };
}
