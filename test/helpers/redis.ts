import { rmSync } from 'node:fs';
import type { Test } from 'tap';
import { Redis } from 'ioredis';
import { startPrivateRedis, stopChild } from '../../scripts/redis.mjs';

/** A redis-server of this test's own (AOF on), stopped when the test ends and its data folder removed. */
export async function privateRedis(t: Test) {
  let server = await startPrivateRedis();
  const clients: Redis[] = [];
  const connect = () => {
    const r = new Redis(server.url, { maxRetriesPerRequest: 1 });
    clients.push(r);
    return r;
  };
  /** Stop Redis as an operator would (SIGTERM: it flushes its AOF) and start it again on the same port and data. */
  const restart = async () => {
    const { port, dir } = server;
    await stopChild(server.child, 'SIGTERM');
    server = await startPrivateRedis({ port, dir });
  };
  t.teardown(async () => {
    for (const c of clients) c.disconnect();
    await stopChild(server.child);
    rmSync(server.dir, { recursive: true, force: true });
  });
  return {
    get url() {
      return server.url;
    },
    get child() {
      return server.child;
    },
    get port() {
      return server.port;
    },
    get dir() {
      return server.dir;
    },
    connect,
    restart,
  };
}
