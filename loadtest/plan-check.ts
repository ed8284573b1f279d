import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '../shared/paths.js';
import { comparePlan, comparisonMarkdown } from './plan-compare.js';
import { loadScenario, ScenarioError } from './scenario.js';
import { runScenario } from './simulate.js';

/** `npm run loadtest:plan -- <scenario> [--speed N] [--practices N] [--minutes N]`: a run, then the planner's predictions against it, per quarter hour. */
async function main() {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { speed: { type: 'string' }, practices: { type: 'string' }, minutes: { type: 'string' } } });
  const name = positionals[0];
  if (!name) {
    console.error('usage: npm run loadtest:plan -- <scenario> [--speed N] [--practices N] [--minutes N]');
    process.exit(2);
  }
  try {
    const scenario = loadScenario(name);
    const run = await runScenario(scenario, {
      speed: values.speed ? Number(values.speed) : undefined,
      practices: values.practices ? Number(values.practices) : undefined,
      minutes: values.minutes ? Number(values.minutes) : undefined,
      log: (line) => console.log(line),
    });
    const rows = comparePlan(run);
    const dir = join(projectRoot(), 'loadtest', 'reports', name);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'plan-check.md');
    writeFileSync(file, comparisonMarkdown(run, rows));
    for (const r of rows) console.log(`${r.start}  calls ${r.arrivals}  staff ${r.staff}  simulated ${r.simulated.answeredWithinTargetPct ?? '–'}%  predicted ${r.predicted.answeredWithinTargetPct}%  difference ${r.differencePp ?? '–'} pp`);
    console.log(`report: ${file}`);
  } catch (err) {
    if (err instanceof ScenarioError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
}

void main();
