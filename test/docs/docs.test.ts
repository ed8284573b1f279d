// Keeps the user docs and the product together: what the docs list is what the code does, and the
// docs never describe a built feature as missing or point readers at internal issue numbers.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { projectRoot } from '../../shared/paths.js';

const root = projectRoot();
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const userDocs = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const sorted = (items: Iterable<string>) => [...new Set(items)].sort();

/** Every outcome a call record can be written with: the literals `endCall` assigns or writes. */
function outcomesTheCodeWrites(): string[] {
  const lua = read('shared/queue/commands/endCall-1.lua');
  const assigned = [...lua.matchAll(/\boutcome(?:, \w+)? = '([a-z-]+)'/g)].map((m) => m[1]!);
  const written = [...lua.matchAll(/writeRecord\([^)]*'([a-z-]+)'/g)].map((m) => m[1]!);
  return sorted([...assigned, ...written]);
}

t.test("docs/api.md's call-record outcomes are exactly those the code writes, and each has its CBT measure", async (t) => {
  const code = outcomesTheCodeWrites();
  t.ok(code.length >= 4, `found the outcomes in endCall-1.lua: ${code.join(', ')}`);
  const listed = /outcome \(([a-z| -]+)\)/.exec(read('docs/api.md'))?.[1];
  t.ok(listed, 'docs/api.md lists the outcomes as "outcome (a | b | …)"');
  t.same(sorted(listed!.split('|').map((s) => s.trim())), code, 'docs/api.md lists every outcome, and no other');

  const aggregate = read('shared/queue/commands/includes/aggregate.lua');
  const mapping = /local STATS_OUTCOME = \{([^}]*)\}/.exec(aggregate)?.[1] ?? '';
  const mapped = [...mapping.matchAll(/(?:\['([a-z-]+)'\]|([a-z]+)) = STATS\./g)].map((m) => m[1] ?? m[2]!);
  t.same(sorted(mapped), code, 'every outcome is counted in one CBT measure (STATS_OUTCOME), and no other');
  const statistics = read('docs/statistics.md');
  for (const outcome of code) t.match(statistics, new RegExp(`\\| outcome \`${outcome}\``), `docs/statistics.md defines the measure of outcome ${outcome}`);
});

t.test('docs/configuration.md documents every environment variable the service reads', async (t) => {
  const names = sorted([...read('services/switchboard/config.ts').matchAll(/(?:env\.|int\('|url\(')([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]!));
  t.ok(names.includes('REQUEST_TIMEOUT_MS') && names.includes('PORT'), `found the variables in config.ts: ${names.length}`);
  const documented = sorted([...read('docs/configuration.md').matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1]!));
  t.same(documented, names, 'one row per variable, and no row for a variable nobody reads');
});

t.test('user docs cite no internal issue numbers and call nothing that is built "not built yet"', async (t) => {
  const banned: [RegExp, string][] = [
    [/\bissues? #?\d+/i, 'an issue number'],
    [/(^|[\s(])#\d+\b/, 'an issue reference'],
    [/not built yet/i, '"not built yet"'],
    [/always 0\b/i, '"always 0"'],
    [/\buntil [^.|]{0,40}\bexists?\b/i, '"until … exist"'],
    [/will be added with|arrive with|do not exist yet|when it lands/i, 'a promise of future work'],
  ];
  for (const file of userDocs) {
    const lines = read(file).split('\n');
    const found = lines.flatMap((line, i) => banned.filter(([re]) => re.test(line)).map(([, what]) => `${file}:${i + 1}: ${what}: ${line.trim().slice(0, 100)}`));
    t.same(found, [], `${file} is clean`);
  }
});
