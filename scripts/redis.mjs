// Finds a Redis for the service or the tests: the one at REDIS_URL if it answers, otherwise a
// private redis-server started here; if there is no redis-server, says how to install it.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const INSTALL_HINT =
  'redis-server was not found on PATH. Install it, e.g. on Debian/Ubuntu: sudo apt-get install redis-server ' +
  '(or on macOS: brew install redis), then run this again.';

export function hasRedisServer() {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** True when something at `url` answers PING with PONG within a second. */
export function redisAnswers(url) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port || 6379) });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** Sends `signal` to a redis-server (or any child) still running, and resolves once it has exited. */
export function stopChild(child, signal = 'SIGKILL') {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/**
 * Starts a private redis-server (AOF on, in a temporary folder) and resolves when it answers.
 * `detached`: in a process group of its own, so a terminal's Ctrl-C reaches only whoever stops it.
 */
export async function startPrivateRedis({ dir = mkdtempSync(join(tmpdir(), 'switchboard-redis-')), port, detached = false } = {}) {
  port ??= await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', ''], { stdio: 'ignore', detached });
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (await redisAnswers(url)) return { url, port, dir, child };
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill();
  throw new Error(`redis-server did not start on port ${port}`);
}

/**
 * A private Redis Cluster: `masters` cluster-enabled redis-servers on free local ports (AOF on),
 * joined with `redis-cli --cluster create`, returned once every node reports cluster_state:ok.
 * `env` is the REDIS_CLUSTER_NODES value. The caller stops the nodes (each node's `child`) and removes `dir`.
 */
export async function startPrivateRedisCluster({ dir = mkdtempSync(join(tmpdir(), 'switchboard-cluster-')), masters = 3 } = {}) {
  const nodes = [];
  const stop = () => nodes.forEach((n) => n.child.kill('SIGKILL'));
  try {
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
    const ok = () => nodes.every((n) => spawnSync('redis-cli', ['-p', String(n.port), 'cluster', 'info'], { encoding: 'utf8' }).stdout.includes('cluster_state:ok'));
    for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 50));
    if (!ok()) throw new Error('the cluster nodes did not all report cluster_state:ok');
  } catch (err) {
    stop();
    throw err;
  }
  return { nodes, dir, env: nodes.map((n) => `${n.host}:${n.port}`).join(',') };
}
