import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import t from 'tap';

const check = (folder?: string) => spawnSync(process.execPath, ['scripts/check-engines.mjs', ...(folder ? [folder] : [])], { encoding: 'utf8' });

t.test('every package in the lock file installs on the Node the README names, without EBADENGINE', async (t) => {
  const run = check();
  t.equal(run.status, 0, run.stderr);
  t.match(run.stdout, /^engines: every package in package-lock.json accepts Node 20\.19\.0/);
});

t.test('a package that refuses Node 20 fails the check, by name', async (t) => {
  const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { version?: string; engines?: unknown }> };
  lock.packages['node_modules/needs-new-node'] = { version: '3.1.0', engines: { node: '>=22' } };
  lock.packages['node_modules/old-style'] = { version: '1.0.0', engines: ['node >= 0.8'] };
  const dir = t.testdir({ 'package.json': readFileSync('package.json', 'utf8'), 'package-lock.json': JSON.stringify(lock) });
  const run = check(dir);
  t.equal(run.status, 1);
  t.match(run.stderr, /package-lock\.json holds 1 package\(s\) that refuse Node 20\.19\.0/);
  t.match(run.stderr, /\n {2}needs-new-node@3\.1\.0 needs Node >=22, not 20\.19\.0/);
});
