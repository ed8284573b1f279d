// `npm test`: builds (service processes under test run from dist/), then runs every tap test.
// Tests start their own private redis-server instances, so redis-server must be on PATH; a Redis
// already running (say at 127.0.0.1:6379) is never touched.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { hasRedisServer, INSTALL_HINT } from './redis.mjs';

if (!hasRedisServer()) {
  console.error(`The tests need a redis-server of their own. ${INSTALL_HINT}`);
  process.exit(1);
}
const build = spawnSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const tap = spawnSync('npx', ['tap', ...process.argv.slice(2)], { stdio: 'inherit' });
const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (!existsSync(chromium)) {
  const bar = '!'.repeat(78);
  console.error(`\n${bar}\n!! The real-browser wallboard test was SKIPPED: ${chromium} is missing.\n!! Install Debian's chromium (sudo apt-get install -y chromium) to run it; .ci/run does.\n${bar}`);
}
process.exit(tap.status ?? 1);
