import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import { freePort, redisAnswers } from '../../scripts/redis.mjs';
import { until } from './poll.js';

/**
 * A real Redis Cluster of this test's own: three masters (cluster-enabled redis-server on free
 * local ports, AOF on) joined with `redis-cli --cluster create`, stopped when the test ends.
 */
export async function privateRedisCluster(t: Test, masters = 3) {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-cluster-'));
  const nodes: { host: string; port: number; child: ChildProcess }[] = [];
  t.teardown(() => {
    for (const n of nodes) n.child.kill('SIGKILL');
  });
  for (let i = 0; i < masters; i++) {
    const port = await freePort();
    const child = spawn('redis-server', [
      '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfilename', `aof-${port}.aof`,
      '--appenddirname', `aof-${port}`, '--save', '', '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '2000',
    ], { stdio: 'ignore' });
    nodes.push({ host: '127.0.0.1', port, child });
  }
  for (const n of nodes) {
    let up = false;
    for (let i = 0; i < 100 && !(up = await redisAnswers(`redis://127.0.0.1:${n.port}`)); i++) await new Promise((r) => setTimeout(r, 50));
    if (!up) throw new Error(`cluster node on port ${n.port} did not start`);
  }
  const create = spawnSync('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '0', '--cluster-yes'], { encoding: 'utf8' });
  if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
  // The cluster is usable once every node agrees the state is ok.
  await until('every cluster node to report cluster_state:ok', async () => nodes.map((n) => spawnSync('redis-cli', ['-p', String(n.port), 'cluster', 'info'], { encoding: 'utf8' }).stdout), (states) => states.every((s) => s.includes('cluster_state:ok')));
  return { nodes, env: nodes.map((n) => `${n.host}:${n.port}`).join(',') };
}
