import t from 'tap';
import { erlangA, type ImpatientLoad } from '../../../shared/planning/queueing.js';
import { transientPeriods } from '../../../shared/planning/transient.js';

const load: ImpatientLoad = { arrivalsPerSecond: 20 / 900, handleSeconds: 200, servers: 6, patienceSeconds: 300 };

/** The M/M/n+M stationary distribution by its birth–death product, to start the day in steady state. */
function stationary(l: ImpatientLoad, size: number): number[] {
  const p = [1];
  for (let N = 1; N < size; N++) p.push((p[N - 1]! * l.arrivalsPerSecond) / (Math.min(N, l.servers) / l.handleSeconds + Math.max(N - l.servers, 0) / l.patienceSeconds));
  const total = p.reduce((a, b) => a + b, 0);
  return p.map((x) => x / total);
}

const close = (a: number, b: number, tol: number) => Math.abs(a - b) < tol;

t.test('started in steady state, a quarter hour is the steady model', async (t) => {
  const [r] = transientPeriods([{ ...load, seconds: 900 }], stationary(load, 300));
  const steady = erlangA(load);
  t.ok(close(r!.prediction.waitProbability, steady.waitProbability, 1e-6), `P(wait) ${r!.prediction.waitProbability} vs ${steady.waitProbability}`);
  t.ok(close(r!.prediction.abandonProbability, steady.abandonProbability, 1e-6), `P(abandon) by cohort ${r!.prediction.abandonProbability} vs θ·E[queue]/λ ${steady.abandonProbability}`);
  t.ok(close(r!.prediction.meanWaitSeconds, steady.meanWaitSeconds, 1e-4), 'mean wait');
  t.ok(close(r!.prediction.serviceLevel(120), steady.serviceLevel(120), 1e-6), 'answered within 2 minutes');
});

t.test('from an empty morning the chain settles to the steady state', async (t) => {
  const results = transientPeriods(Array.from({ length: 8 }, () => ({ ...load, seconds: 900 })));
  const steady = erlangA(load);
  t.ok(results[0]!.prediction.serviceLevel(120) > steady.serviceLevel(120), 'the first quarter hour, starting empty, is better than steady');
  t.ok(close(results[7]!.prediction.serviceLevel(120), steady.serviceLevel(120), 1e-3), 'two hours on, it is the steady figure');
});

t.test('a burst leaves a queue that the next quarter hour inherits', async (t) => {
  const burst = { ...load, arrivalsPerSecond: 70 / 900, servers: 4 };
  const calm = { ...load, arrivalsPerSecond: 25 / 900, servers: 6 };
  const [first, second] = transientPeriods([{ ...burst, seconds: 900 }, { ...calm, seconds: 900 }]);
  t.ok(first!.inSystemAtEnd > 20, `${first!.inSystemAtEnd.toFixed(1)} callers in the system at 08:15`);
  const steadyCalm = erlangA(calm).serviceLevel(120);
  t.ok(second!.prediction.serviceLevel(120) < steadyCalm - 0.2, `08:15: ${(second!.prediction.serviceLevel(120) * 100).toFixed(1)}% in target carried over, against ${(steadyCalm * 100).toFixed(1)}% if it were steady`);
});
