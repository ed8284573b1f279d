import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '../shared/paths.js';
import { writePlanCheck } from './plan-compare.js';
import { saveRun } from './saved-run.js';
import { figures, writeReports } from './report.js';
import { loadScenario, scenarioNames, ScenarioError } from './scenario.js';
import { runScenario } from './simulate.js';

/** `npm run loadtest -- <scenario> [--speed N] [--practices N] [--minutes N] [--drain N] [--out DIR] [--plan] [--history N] [--profile DIR] [--processes N] [--cluster] [--simulator-workers N] [--save-run FILE] [--seed N]` */
async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { speed: { type: 'string' }, practices: { type: 'string' }, minutes: { type: 'string' }, drain: { type: 'string' }, out: { type: 'string' }, plan: { type: 'boolean' }, history: { type: 'string' }, profile: { type: 'string' }, processes: { type: 'string' }, cluster: { type: 'boolean' }, 'simulator-workers': { type: 'string' }, 'save-run': { type: 'string' }, seed: { type: 'string' } },
  });
  const name = positionals[0];
  if (!name) {
    console.error(`usage: npm run loadtest -- <scenario> [--speed N] [--practices N] [--minutes N] [--drain N] [--out DIR] [--plan] [--history N] [--profile DIR] [--processes N] [--cluster] [--simulator-workers N] [--save-run FILE] [--seed N]\nscenarios: ${scenarioNames().join(', ')}`);
    process.exit(2);
  }
  const num = (flag: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!(n > 0)) throw new ScenarioError(`--${flag} must be a number above 0, got ${v}`);
    return n;
  };
  try {
    // Another seed draws other callers: an independent morning of the same scenario.
    const scenario = { ...loadScenario(name), ...(values.seed === undefined ? {} : { seed: num('seed', values.seed)! }) };
    const result = await runScenario(scenario, {
      speed: num('speed', values.speed),
      practices: num('practices', values.practices),
      minutes: num('minutes', values.minutes),
      drainMinutes: values.drain === '0' ? 0 : num('drain', values.drain),
      historyWeeks: values.history === undefined ? undefined : num('history', values.history),
      log: (line) => console.log(line),
      profileDir: values.profile,
      processes: num('processes', values.processes),
      cluster: values.cluster,
      simulatorWorkers: num('simulator-workers', values['simulator-workers']),
    });
    const dir = values.out ?? join(projectRoot(), 'loadtest', 'reports', name);
    const [callers, machine] = writeReports(result, dir);
    const f = figures(result);
    console.log(`\ncallers: ${f.callers.calls} calls, ${f.callers.engaged} engaged, ${f.callers.abandonedPercent}% abandoned, wait p50/p90 ${f.callers.wait.p50}/${f.callers.wait.p90} s, ${f.callers.lost} lost, ${f.callers.recordsMissingOrWrong} without a record`);
    const told = (a: typeof f.callers.announced) => `median ${a.medianAbsError} s (${a.medianRelativeErrorPct}%), p90 ${a.p90AbsError} s (${a.p90RelativeErrorPct}%) of ${a.samples}`;
    console.log(`announced wait error: ${told(f.callers.announced)}; call-back promise error: ${told(f.callers.callbacks.promise)} (each caller's error as % of their own actual time)`);
    console.log(`machine: ${f.machine.webhooks} webhooks, ${f.machine.webhooksPerSecond.mean}/s mean, ${f.machine.webhooksPerSecond.peak}/s peak, p50/p99/max ${f.machine.all.p50}/${f.machine.all.p99}/${f.machine.all.max} ms (service's own p99 ≤ ${f.machine.service.p99AtMostMs} ms), ${f.machine.redisCommandsPerWebhook} Redis commands per webhook, errors ${Object.values(f.machine.errors).join('/')}`);
    const sim = f.machine.processes.find((p) => p.name.startsWith('simulator'));
    console.log(`service CPU ${f.machine.serviceCpuPerWebhookMs} ms per webhook; simulator CPU mean/peak ${sim?.cpuMean}/${sim?.cpuPeak}%, event-loop max ${Math.round(result.eventLoop.simulator.max)} ms; load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')}`);
    result.simulatorWorkers.forEach((w, i) => {
      const usage = f.machine.processes.find((p) => p.name.startsWith(`simulator worker ${i + 1} `));
      console.log(`simulator worker ${i + 1} (pid ${w.pid}): CPU mean/peak ${usage?.cpuMean}/${usage?.cpuPeak}%, event-loop p99/max ${Math.round(w.eventLoop.p99)}/${Math.round(w.eventLoop.max)} ms`);
    });
    console.log(`reports: ${callers}\n         ${machine}`);
    if (values.plan) console.log(`         ${writePlanCheck(result, dir)}`);
    if (values['save-run']) console.log(`         ${saveRun(result, values['save-run'])}`);
    for (const p of result.unaccounted.slice(0, 5)) console.log(`unaccounted: ${p}`);
  } catch (err) {
    if (err instanceof ScenarioError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
}

void main();
