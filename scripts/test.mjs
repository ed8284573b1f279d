// `npm test`: compiles the service and its tests into dist/ (service processes under test run from
// there), then runs the compiled tests with tap. Compiling once is much quicker than tap's ts-node
// transpiling the whole service again in each of some hundred test processes.
// `npm test -- test/shared/log.test.ts test/services` runs some (the compiled copies); other
// arguments go to tap as they are. `npx tap test/...` still runs a test from source.
// Tests start their own private redis-server instances, so redis-server must be on PATH; a Redis
// already running (say at 127.0.0.1:6379) is never touched.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { hasRedisServer, INSTALL_HINT } from './redis.mjs';

if (!hasRedisServer()) {
  console.error(`The tests need a redis-server of their own. ${INSTALL_HINT}`);
  process.exit(1);
}
const run = (cmd, args) => {
  const { status } = spawnSync(cmd, args, { stdio: 'inherit' });
  if (status !== 0) process.exit(status ?? 1);
};
// No compiled copy of a test deleted since the last run.
rmSync('dist/test', { recursive: true, force: true });
run('npx', ['tsc', '-p', 'tsconfig.json']); // tsconfig.json: the service, its tests and the load tests
run(process.execPath, ['scripts/copy-assets.mjs']);

const inTest = /^(\.\/)?test(?=\/|$)/;
const compiled = (arg) => (inTest.test(arg) ? arg.replace(inTest, 'dist/test').replace(/\.ts$/, '.js') : arg);
const testsUnder = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? testsUnder(join(dir, e.name)) : e.name.endsWith('.test.js') ? [join(dir, e.name)] : []));
// Files and folders named run alone (a folder: the tests in it, not its helpers); everything else goes to tap as it is.
const args = process.argv.slice(2);
const isPath = (arg) => !arg.startsWith('-') && existsSync(arg);
const named = args.filter(isPath).map(compiled).flatMap((path) => (statSync(path).isDirectory() ? testsUnder(path) : [path]));
const tap = spawnSync('npx', ['tap', ...args.filter((a) => !isPath(a)), ...(args.some(isPath) ? named : testsUnder('dist/test'))], { stdio: 'inherit' });
const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (!existsSync(chromium)) {
  const bar = '!'.repeat(78);
  console.error(`\n${bar}\n!! The real-browser wallboard test was SKIPPED: ${chromium} is missing.\n!! Install Debian's chromium (sudo apt-get install -y chromium) to run it; .ci/run does.\n${bar}`);
}
process.exit(tap.status ?? 1);
