import { spawn } from 'node:child_process';
import t from 'tap';
import { projectRoot } from '../../../shared/paths.js';
import { privateRedis } from '../../helpers/redis.js';
import { until } from '../../helpers/poll.js';

// A process (built code, as the service runs) that starts the scheduler and its worker, says so, and
// on any input closes the scheduler and nothing else: it must then exit on its own.
const child = `
import { Redis } from 'ioredis';
import { CallbackScheduler } from './dist/shared/callbacks/scheduler.js';
import { createClock } from './dist/shared/clock.js';
import { RedisOutageLog } from './dist/shared/redis-outage-log.js';
import { isRedisUnavailable } from './dist/services/switchboard/redis.js';
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const redis = new Redis(process.argv[1], { maxRetriesPerRequest: 1 });
redis.on('error', () => undefined);
const scheduler = new CallbackScheduler(redis, 'sb:', createClock(), quiet, new RedisOutageLog(quiet, isRedisUnavailable));
scheduler.start(async () => undefined);
await new Promise((resolve) => setTimeout(resolve, 500));
process.stdout.write('started\\n');
process.stdin.once('data', async () => {
  process.stdin.destroy();
  await scheduler.close();
  redis.disconnect();
  process.stdout.write('closed\\n');
});
`;

t.test('closing the call-back scheduler after its Redis has gone leaves nothing reconnecting: the process can exit', async (t) => {
  const redis = await privateRedis(t);
  const proc = spawn(process.execPath, ['--input-type=module', '-e', child, redis.url], { cwd: projectRoot(), stdio: ['pipe', 'pipe', 'inherit'] });
  t.teardown(() => proc.kill('SIGKILL'));
  let out = '';
  let exited = false;
  proc.stdout.on('data', (d) => (out += d));
  proc.on('exit', () => (exited = true));
  await until('the worker to start', async () => out, (o) => o.includes('started'));

  redis.child.kill('SIGKILL'); // Redis gone for good, as at the end of a test or a failed node
  await new Promise((r) => redis.child.once('exit', r));
  proc.stdin.write('close\n');
  await until('the scheduler to close', async () => out, (o) => o.includes('closed'));
  await until('the process to exit by itself', async () => exited, (e) => e);
  t.pass('it exited');
});
