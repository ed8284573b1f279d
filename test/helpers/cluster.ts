import { rmSync } from 'node:fs';
import type { Test } from 'tap';
import { startPrivateRedisCluster, stopChild } from '../../scripts/redis.mjs';

/**
 * A real Redis Cluster of this test's own: three masters (cluster-enabled redis-server on free
 * local ports, AOF on) joined with `redis-cli --cluster create`, stopped when the test ends and
 * their data folder removed.
 */
export async function privateRedisCluster(t: Test, masters = 3) {
  const cluster = await startPrivateRedisCluster({ masters });
  t.teardown(async () => {
    await Promise.all(cluster.nodes.map((n) => stopChild(n.child)));
    rmSync(cluster.dir, { recursive: true, force: true });
  });
  return cluster;
}
