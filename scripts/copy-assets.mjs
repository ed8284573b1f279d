// Copies the files tsc does not: the queue's Lua scripts and the live screens' static pages, next to
// the compiled code that loads them (and, when the tests are compiled too, their fixture files).
import { cpSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const notTs = (src) => !src.endsWith('.ts');
cpSync(join(root, 'shared/queue/commands'), join(root, 'dist/shared/queue/commands'), { recursive: true, filter: notTs });
cpSync(join(root, 'services/switchboard/public'), join(root, 'dist/services/switchboard/public'), { recursive: true, filter: notTs });
// Shipped reference data (bank holidays), read at run time next to the compiled code.
cpSync(join(root, 'shared/data'), join(root, 'dist/shared/data'), { recursive: true });
// The load tests (dist/loadtest) start their private Redis with the same helper the tests use.
cpSync(join(root, 'scripts/redis.mjs'), join(root, 'dist/scripts/redis.mjs'));
// npm test compiles the tests into dist/test: their directory files, read next to the compiled fixtures.
if (existsSync(join(root, 'dist/test'))) cpSync(join(root, 'test/fixtures'), join(root, 'dist/test/fixtures'), { recursive: true, filter: notTs });
