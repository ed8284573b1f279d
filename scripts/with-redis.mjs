// `node scripts/with-redis.mjs <command...>`: runs the command with REDIS_URL pointing at a Redis
// that answers — the configured one, or a private redis-server started for the command's lifetime.
// SIGINT and SIGTERM are passed on to the command, which is waited for; then the private
// redis-server is stopped and its data folder removed, and this exits with the command's status.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { hasRedisServer, INSTALL_HINT, redisAnswers, startPrivateRedis } from './redis.mjs';

const url = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const env = { ...process.env };
let privateRedis;
if (!(await redisAnswers(url))) {
  if (!hasRedisServer()) {
    console.error(`Nothing answers at ${url}. ${INSTALL_HINT}`);
    process.exit(1);
  }
  // Its own process group: on Ctrl-C it must outlive the command, which still needs it while it drains.
  privateRedis = await startPrivateRedis({ detached: true });
  env.REDIS_URL = privateRedis.url;
  console.error(`Nothing answers at ${url}; started a private redis-server at ${privateRedis.url} (data in ${privateRedis.dir}, removed at exit).`);
}

/** Stops the private redis-server, waits for it, and removes its data folder. */
async function stopPrivateRedis() {
  if (!privateRedis) return;
  const { child, dir } = privateRedis;
  if (child.exitCode === null && child.signalCode === null) {
    await new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
  }
  rmSync(dir, { recursive: true, force: true });
}

const [cmd, ...args] = process.argv.slice(2);
const command = spawn(cmd, args, { stdio: 'inherit', env });
// The command gets the signal and is waited for (it drains); Redis must outlive it.
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => command.kill(sig));
command.on('error', async (err) => {
  console.error(`Could not run ${cmd}: ${err.message}`);
  await stopPrivateRedis();
  process.exit(1);
});
command.on('exit', async (code, signal) => {
  await stopPrivateRedis();
  process.exit(code ?? (signal ? 1 : 0));
});
