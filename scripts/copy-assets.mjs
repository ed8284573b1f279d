// Copies the files tsc does not: the queue's Lua scripts, next to the compiled code that loads them.
import { cpSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
cpSync(join(root, 'shared/queue/commands'), join(root, 'dist/shared/queue/commands'), {
  recursive: true,
  filter: (src) => !src.endsWith('.ts'),
});
// The load tests (dist/loadtest) start their private Redis with the same helper the tests use.
cpSync(join(root, 'scripts/redis.mjs'), join(root, 'dist/scripts/redis.mjs'));
