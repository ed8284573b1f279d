import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import t from 'tap';
import { freePort } from '../../scripts/redis.mjs';
import { until } from '../helpers/poll.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** `with-redis --existing` running a command that prints the REDIS_URL it was given (nothing answers at the configured one). */
async function existingRedis(): Promise<{ code: number | null; stdout: string; stderr?: string }> {
  const child = spawn(process.execPath, ['scripts/with-redis.mjs', '--existing', process.execPath, '-e', 'process.stdout.write(process.env.REDIS_URL)'], {
    env: { ...process.env, REDIS_URL: `redis://127.0.0.1:${await freePort()}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return code === 0 ? { code, stdout } : { code, stdout, stderr };
}

t.test('SIGTERM to the with-redis wrapper stops the service, then its private redis-server, and removes its data folder; meanwhile the statistics command line finds that Redis', async (t) => {
  const port = await freePort();
  let out = '';
  const wrapper = spawn(process.execPath, ['scripts/with-redis.mjs', process.execPath, 'dist/services/switchboard/main.js'], {
    // Nothing answers at this REDIS_URL, so the wrapper starts a private redis-server.
    env: { ...process.env, REDIS_URL: `redis://127.0.0.1:${await freePort()}`, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', SHUTDOWN_DRAIN_MS: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  wrapper.stdout.on('data', (d) => (out += d));
  wrapper.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => wrapper.once('exit', (code) => resolve(code)));
  t.teardown(() => void wrapper.kill('SIGKILL'));

  const started = await until('the private redis-server', async () => /started a private redis-server at (\S+) \(data in ([^,)]+)/.exec(out), Boolean, 30_000);
  const [, redisUrl, dir] = started!;
  const ready = await until('the service to be ready', async () => /"pid":(\d+)[^\n]*"msg":"switchboard ready"/.exec(out), Boolean, 60_000);
  const servicePid = Number(ready![1]);
  const client = new Redis(redisUrl!, { maxRetriesPerRequest: 1 });
  const redisPid = Number(/process_id:(\d+)/.exec(await client.info('server'))![1]);
  client.disconnect();
  t.ok(existsSync(dir!), 'the data folder exists while it runs');
  // The statistics command line finds that Redis while the service runs (nothing answers at REDIS_URL).
  t.equal(readFileSync('.redis/service-url', 'utf8').trim(), redisUrl, 'its address is kept for the statistics command line');
  const found = await existingRedis();
  t.same(found, { code: 0, stdout: redisUrl }, 'with-redis --existing runs the command against it');
  t.ok(alive(servicePid) && alive(redisPid));

  wrapper.kill('SIGTERM');
  t.equal(await exited, 0, "the wrapper exits with the service's status (a clean shutdown)");
  t.notOk(alive(servicePid), 'the service has stopped');
  t.notOk(alive(redisPid), 'the private redis-server has stopped');
  t.notOk(existsSync(dir!), 'its data folder is removed');
  t.notOk(existsSync('.redis/service-url'), 'and its address with it');
  const none = await existingRedis();
  t.equal(none.code, 1, 'with no service running, --existing starts no Redis of its own');
  t.match(none.stderr, /no service started from this folder is running a private redis-server\. Start the service first \(npm start\), or set REDIS_URL/);
  t.equal(none.stdout, '', 'and does not run the command');
  t.match(out, /"msg":"shut down cleanly"/, 'the service drained and shut down on the forwarded signal');
});
