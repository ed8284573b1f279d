// `node scripts/build-if-stale.mjs [--check]`, from the project folder: runs `npm run build` only when
// a source has changed since the last build made here (a full tsc build takes 20-45 s; this check
// takes milliseconds). Folders count too, so a file added, removed or renamed means a build.
// --check: only say whether a build is needed (exit 1 when it is).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What dist/ is made from: tsconfig.build.json's folders, the compiler's settings, the locked dependencies, the asset copier. */
const SOURCES = ['services', 'shared', 'loadtest', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json', 'scripts/copy-assets.mjs', 'scripts/redis.mjs'];
/** Its time is when the last successful build started, so an edit made during a build is built next time. */
const STAMP = 'dist/.build-stamp';

function newest(path) {
  const stat = statSync(path);
  let found = { path, mtimeMs: stat.mtimeMs };
  if (stat.isDirectory()) {
    for (const name of readdirSync(path)) {
      const inner = newest(join(path, name));
      if (inner.mtimeMs > found.mtimeMs) found = inner;
    }
  }
  return found;
}

function staleBecause() {
  if (!existsSync(STAMP)) return 'dist/ was not built here yet';
  const built = statSync(STAMP).mtimeMs;
  const changed = SOURCES.filter((s) => existsSync(s)).map(newest).find((n) => n.mtimeMs > built);
  return changed && `${changed.path} changed since the last build`;
}

const reason = staleBecause();
if (process.argv.includes('--check')) {
  console.log(reason ? `stale: ${reason}` : 'dist/ is up to date');
  process.exit(reason ? 1 : 0);
}
if (!reason) {
  console.error('dist/ is up to date: not rebuilding.');
  process.exit(0);
}
console.error(`Building (${reason}).`);
const started = new Date();
const build = spawnSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
writeFileSync(STAMP, '');
utimesSync(STAMP, started, started);
