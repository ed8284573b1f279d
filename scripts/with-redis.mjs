// `node scripts/with-redis.mjs <command...>`: runs the command with REDIS_URL pointing at a Redis
// that answers — the configured one, or a private redis-server started for the command's lifetime.
import { spawn } from 'node:child_process';
import { hasRedisServer, INSTALL_HINT, redisAnswers, startPrivateRedis } from './redis.mjs';

const url = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const env = { ...process.env };
let privateRedis;
if (!(await redisAnswers(url))) {
  if (!hasRedisServer()) {
    console.error(`Nothing answers at ${url}. ${INSTALL_HINT}`);
    process.exit(1);
  }
  privateRedis = await startPrivateRedis();
  env.REDIS_URL = privateRedis.url;
  console.error(`Nothing answers at ${url}; started a private redis-server at ${privateRedis.url} (data in ${privateRedis.dir}).`);
}
const [cmd, ...args] = process.argv.slice(2);
const child = spawn(cmd, args, { stdio: 'inherit', env });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => {
  privateRedis?.child.kill();
  process.exit(code ?? (signal ? 1 : 0));
});
