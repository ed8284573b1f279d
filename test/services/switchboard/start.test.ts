import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import t from 'tap';
import { freePort } from '../../../scripts/redis.mjs';
import { privateRedis } from '../../helpers/redis.js';
import { until } from '../../helpers/poll.js';

t.test('a port already in use: one clear line and exit 1, not a stack trace', async (t) => {
  const redis = await privateRedis(t);
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  t.teardown(() => taken.close());
  const port = (taken.address() as { port: number }).port;
  const run = spawnSync(process.execPath, ['dist/services/switchboard/main.js'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', REDIS_URL: redis.url, LOG_LEVEL: 'warn' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  t.equal(run.status, 1);
  t.equal(run.stderr, `switchboard: port ${port} on 127.0.0.1 is already in use: stop what is using it, or set PORT to another port\n`);
});

t.test('with Redis unreachable the log says so once, not once per reconnect attempt', async (t) => {
  const port = await freePort();
  let out = '';
  const child = spawn(process.execPath, ['dist/services/switchboard/main.js'], {
    // Nothing listens at this Redis port: every connection retries several times a second.
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', REDIS_URL: `redis://127.0.0.1:${await freePort()}`, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.teardown(() => void child.kill('SIGKILL'));
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  // The service waits 5 s for Redis before it listens: by then each connection has failed dozens of times.
  await until('the service to listen without Redis', () => fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false), Boolean, 60_000);
  await until('it to say it is ready', async () => out, (o) => o.includes('"switchboard ready"'), 10_000);
  const warnings = out
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: number; msg: string })
    .filter((l) => l.level >= 40)
    .map((l) => l.msg)
    // What connections say about Redis (other parts may each say once that their work failed).
    .filter((msg) => /redis|connection error|queue error|worker error/i.test(msg));
  t.same(warnings, ['redis is unreachable; retrying (callers are still answered)', 'redis is not reachable yet; starting anyway (/readyz says so until it is)']);
});
