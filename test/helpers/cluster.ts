import type { Test } from 'tap';
import { startPrivateRedisCluster } from '../../scripts/redis.mjs';

/**
 * A real Redis Cluster of this test's own: three masters (cluster-enabled redis-server on free
 * local ports, AOF on) joined with `redis-cli --cluster create`, stopped when the test ends.
 */
export async function privateRedisCluster(t: Test, masters = 3) {
  const cluster = await startPrivateRedisCluster({ masters });
  t.teardown(() => {
    for (const n of cluster.nodes) n.child.kill('SIGKILL');
  });
  return cluster;
}
