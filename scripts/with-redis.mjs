// `node scripts/with-redis.mjs <command...>`: runs the command with REDIS_URL pointing at a Redis
// that answers — the configured one, or a private redis-server started for the command's lifetime
// (its address kept in .redis/service-url while it runs).
// SIGINT and SIGTERM are passed on to the command, which is waited for; then the private
// redis-server is stopped and its data folder removed, and this exits with the command's status.
// `--existing` (the statistics command line): the Redis a running service uses, never a new one,
// which would hold no figures — the configured one, or the private one `npm start` keeps here.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasRedisServer, INSTALL_HINT, redisAnswers, startPrivateRedis, stopChild } from './redis.mjs';

const SERVICE_URL_FILE = fileURLToPath(new URL('../.redis/service-url', import.meta.url));
const readServiceUrl = () => {
  try {
    return readFileSync(SERVICE_URL_FILE, 'utf8').trim();
  } catch {
    return undefined;
  }
};

const existing = process.argv[2] === '--existing';
const url = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const env = { ...process.env };
const answers = await redisAnswers(url);
let privateRedis;
if (existing && !answers) {
  const kept = readServiceUrl();
  if (!kept || !(await redisAnswers(kept))) {
    console.error(`Nothing answers at ${url}, and no service started from this folder is running a private redis-server. Start the service first (npm start), or set REDIS_URL to the Redis it uses.`);
    process.exit(1);
  }
  env.REDIS_URL = kept;
  console.error(`Nothing answers at ${url}; using the private redis-server the service runs at ${kept}.`);
} else if (!answers) {
  if (!hasRedisServer()) {
    console.error(`Nothing answers at ${url}. ${INSTALL_HINT}`);
    process.exit(1);
  }
  // Its own process group: on Ctrl-C it must outlive the command, which still needs it while it drains.
  privateRedis = await startPrivateRedis({ detached: true });
  env.REDIS_URL = privateRedis.url;
  mkdirSync(dirname(SERVICE_URL_FILE), { recursive: true });
  writeFileSync(SERVICE_URL_FILE, `${privateRedis.url}\n`);
  console.error(`Nothing answers at ${url}; started a private redis-server at ${privateRedis.url} (data in ${privateRedis.dir}, removed at exit).`);
}

/** Stops the private redis-server, waits for it, and removes its data folder. */
async function stopPrivateRedis() {
  if (!privateRedis) return;
  await stopChild(privateRedis.child, 'SIGTERM');
  rmSync(privateRedis.dir, { recursive: true, force: true });
  // Another service started since may have put its own there.
  if (readServiceUrl() === privateRedis.url) rmSync(SERVICE_URL_FILE, { force: true });
}

const [cmd, ...args] = process.argv.slice(existing ? 3 : 2);
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
