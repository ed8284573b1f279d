import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { writePlanCheck } from './plan-compare.js';
import { loadRun } from './saved-run.js';

/** `node dist/loadtest/plan-check.js <run.json>... [--out DIR]`: the planner check of saved runs (`--save-run`) of one scenario, other seeds, made again with today's model: every practice of every run a morning, pooled. */
const { values, positionals } = parseArgs({ allowPositionals: true, options: { out: { type: 'string' } } });
if (positionals.length === 0) {
  console.error('usage: node dist/loadtest/plan-check.js <run.json>... [--out DIR]');
  process.exit(2);
}
console.log(writePlanCheck(positionals.map(loadRun), values.out ?? dirname(positionals[0]!)));
