import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import t from 'tap';
import { projectRoot } from '../../shared/paths.js';

/**
 * The call flow and the queue must not know which provider a call came from: nothing they import,
 * directly or through other modules, may be a provider adapter or the HTTP service.
 */
const root = projectRoot();
const NEUTRAL = ['shared/callflow', 'shared/queue'];
const FORBIDDEN = /^(shared\/providers\/|services\/)/;

/** Every module specifier in a TypeScript file: static and type imports, re-exports, dynamic import(). */
function importsOf(source: string): string[] {
  const specifiers = [...source.matchAll(/(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]/g), ...source.matchAll(/(?:^|[\s;])import\s*['"]([^'"]+)['"]/g), ...source.matchAll(/\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g), ...source.matchAll(/\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g)];
  return specifiers.map((m) => m[1]!);
}

function filesUnder(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [join(dir, e.name)] : []));
}

/** The project files a module reaches, following relative imports; each with the chain that reached it. */
function reach(start: string): Map<string, string[]> {
  const seen = new Map<string, string[]>([[start, [start]]]);
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.shift()!;
    for (const spec of importsOf(readFileSync(join(root, file), 'utf8'))) {
      if (!spec.startsWith('.')) continue;
      const target = relative(root, resolve(root, dirname(file), spec)).replace(/\.js$/, '.ts');
      if (seen.has(target)) continue;
      seen.set(target, [...seen.get(file)!, target]);
      queue.push(target);
    }
  }
  return seen;
}

t.test('the import scanner sees every form of import', async (t) => {
  const src = `import { a } from './a.js';\nimport type { B } from "../b.js";\nexport { c } from './c.js';\nimport './side.js';\nconst d = await import('./d.js');\nimport {\n  e,\n} from './e.js';`;
  t.same(importsOf(src).sort(), ['../b.js', './a.js', './c.js', './d.js', './e.js', './side.js']);
});

t.test('shared/callflow and shared/queue import nothing from a provider adapter, directly or not', async (t) => {
  const modules = NEUTRAL.flatMap(filesUnder);
  t.ok(modules.includes('shared/callflow/flow.ts') && modules.includes('shared/queue/queue.ts'), `${modules.length} modules checked, the flow and the queue among them`);
  for (const module of modules) {
    const offending = [...reach(module).entries()].filter(([file]) => FORBIDDEN.test(file));
    t.same(offending.map(([, chain]) => chain.join(' → ')), [], `${module} reaches no adapter`);
  }
  // The scan has teeth: the HTTP service does reach an adapter.
  t.ok([...reach('services/switchboard/app.ts').keys()].some((f) => f.startsWith('shared/providers/')), 'app.ts is seen to reach the adapters');
});
