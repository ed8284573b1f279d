import { parseArgs } from 'node:util';
import { modelQueue, simulateQueue, type QueueMorning } from './queue-simulation.js';

/**
 * `node dist/loadtest/queue-check.js [--mornings N] [--seed N]`: the planner's carried chain against
 * a call-by-call simulation of the very queue it assumes (Erlang-5 calls of 134 s, log-normal
 * patience of median 600 s, σ 0.6; target 115 s), for mornings with a rush and without: how far the
 * model is from its own assumptions, before anything the load test adds.
 */
const { values } = parseArgs({ options: { mornings: { type: 'string', default: '3000' }, seed: { type: 'string', default: '2026' } } });
const mornings = Number(values.mornings);
const seed = Number(values.seed);
const TARGET = 115;
const base = { handleSeconds: 134, phases: 5, patience: { medianSeconds: 600, sigma: 0.6 } };
const cases: { name: string; morning: QueueMorning }[] = [
  { name: 'a rush, 4 then 5 people', morning: { ...base, calls: [100, 60, 40, 30], people: [4, 5, 5, 5] } },
  { name: 'a rush, 5, 6, 6, 5 people', morning: { ...base, calls: [126, 48, 33, 28], people: [5, 6, 6, 5] } },
  { name: 'a PCN-sized rush', morning: { ...base, calls: [300, 110, 80, 60], people: [9, 12, 12, 11] } },
  { name: 'no rush: 3.7 Erlangs on 5 people', morning: { ...base, calls: [25, 25, 25, 25], people: [5, 5, 5, 5] } },
];
const lines = [`${mornings} simulated mornings each (seed ${seed}); % answered within ${TARGET} s of those answered, % hung up.`, '', '| morning | quarter hour | calls | people | simulated % within | model % | difference | simulated % hung up | model % |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'];
for (const { name, morning } of cases) {
  const simulated = simulateQueue(morning, mornings, TARGET, seed);
  modelQueue(morning, TARGET).forEach((m, q) => {
    const s = simulated[q]!;
    lines.push(`| ${name} | ${q} | ${morning.calls[q]} | ${morning.people[q]} | ${s.withinPct.toFixed(1)} | ${m.withinPct.toFixed(1)} | ${(m.withinPct - s.withinPct).toFixed(1)} | ${s.hungUpPct.toFixed(1)} | ${m.hungUpPct.toFixed(1)} |`);
  });
}
console.log(lines.join('\n'));
