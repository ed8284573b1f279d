import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';

const SCRIPT = join(process.cwd(), 'scripts/build-if-stale.mjs');

t.test('npm start builds only when a source changed since the last build', async (t) => {
  const root = t.testdir({ services: { 'main.ts': 'export {};\n' }, shared: { 'a.ts': 'export {};\n' }, 'tsconfig.json': '{}' });
  const check = () => spawnSync(process.execPath, [SCRIPT, '--check'], { cwd: root, encoding: 'utf8' });
  const at = (path: string, secondsAgo: number) => {
    const when = new Date(Date.now() - secondsAgo * 1000);
    utimesSync(join(root, path), when, when);
  };
  for (const p of ['services/main.ts', 'services', 'shared/a.ts', 'shared', 'tsconfig.json']) at(p, 60);

  t.match(check(), { status: 1, stdout: 'stale: dist/ was not built here yet\n' });
  mkdirSync(join(root, 'dist'));
  writeFileSync(join(root, 'dist/.build-stamp'), '');
  at('dist/.build-stamp', 30);
  t.match(check(), { status: 0, stdout: 'dist/ is up to date\n' }, 'nothing changed since: no build');

  at('shared/a.ts', 10);
  t.match(check(), { status: 1, stdout: `stale: ${join('shared', 'a.ts')} changed since the last build\n` }, 'an edited file');
  at('shared/a.ts', 60);
  rmSync(join(root, 'services/main.ts'));
  t.match(check(), { status: 1, stdout: 'stale: services changed since the last build\n' }, 'a removed file (its folder changed)');
  at('services', 60);
  at('tsconfig.json', 10);
  t.match(check(), { status: 1, stdout: 'stale: tsconfig.json changed since the last build\n' }, 'the compiler settings');
});
