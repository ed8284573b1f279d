import t from 'tap';
import { abandonRates, exponentialPatience, hazardAt, hazardOfAhead, impatientFates, lognormalPatience, meanPatience, patienceFromCounters, survivalAt } from '../../../shared/planning/patience.js';
import { transientPeriods } from '../../../shared/planning/transient.js';
import { emptyCounters, FIELD } from '../../../shared/stats/layout.js';

const close = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol;

t.test('a curve: hazard, survival and mean, worked by hand', async (t) => {
  // Nobody hangs up in the first minute, then 1 in 120 per second: S(180) = e^−1, mean 60 + 120.
  const curve = { starts: [0, 60], rates: [0, 1 / 120] };
  t.equal(hazardAt(curve, 59), 0);
  t.equal(hazardAt(curve, 60), 1 / 120);
  t.equal(survivalAt(curve, 60), 1);
  t.ok(close(survivalAt(curve, 180), Math.exp(-1), 1e-12));
  t.ok(close(meanPatience(curve), 180, 1e-9));
  t.ok(close(meanPatience(exponentialPatience(300)), 300, 1e-9), 'exponential: its mean');
  t.equal(meanPatience(exponentialPatience(Infinity)), Infinity, 'callers who never hang up');
});

t.test('log-normal patience: half still waiting at the median, mean e^{σ²/2} times it', async (t) => {
  const curve = lognormalPatience(600, 0.6);
  t.ok(close(survivalAt(curve, 600), 0.5, 1e-6), `S(600) ${survivalAt(curve, 600)}`);
  t.ok(close(meanPatience(curve), 600 * Math.exp(0.18), 2), `mean ${meanPatience(curve)}`);
  t.ok(hazardAt(curve, 60) < hazardAt(curve, 600) / 20, 'few hang up in their first minute');
});

t.test('learnt from the wait buckets (life table), worked by hand', async (t) => {
  const c = emptyCounters();
  c[FIELD.answeredWait] = 10; // answered at once: no time at risk
  c[FIELD.answeredWait + 1] = 20; // answered after 1–30 s, 15 s on average
  c[FIELD.missedWait + 2] = 10; // hung up after 31–60 s, 45 s on average
  c[FIELD.missedWait + 8] = 10; // hung up after over 300 s, 400 s on average
  c[FIELD.answeredWaitSum] = 20 * 15;
  c[FIELD.missedWaitSum] = 10 * 45 + 10 * 400;
  const curve = patienceFromCounters([c], 10)!;
  t.same(curve.starts, [0, 30, 60, 90, 120, 180, 240, 300]);
  // 0–30 s: 40 at risk, 20 answered in it (half the piece each): 20·30 + 20·15 = 900 s, no hang-up.
  t.equal(curve.rates[0], 0);
  // 30–60 s: 10 went on past it (300 s), 10 hung up in it (150 s): 10 / 450.
  t.ok(close(curve.rates[1]!, 10 / 450, 1e-12));
  t.same(curve.rates.slice(2, 7), [0, 0, 0, 0, 0], 'nobody hung up between 60 s and 300 s');
  // Past 300 s: 4,750 s waited in all less 3,750 s under 300 s = 1,000 s, 10 hang-ups.
  t.ok(close(curve.rates[7]!, 0.01, 1e-12));
  t.equal(patienceFromCounters([c], 21), undefined, 'too few hang-ups: no shape');
});

t.test("Whitt's abandonment rates", async (t) => {
  const exp = abandonRates(exponentialPatience(300), 0.1, 5);
  t.ok(close(exp[4]!, 4 / 300, 1e-15), 'exponential: k·θ (Erlang A)');
  // One caller every 30 s: the 4 waiting have waited 15, 45, 75 and 105 s; only the last two are past the minute.
  const late = abandonRates({ starts: [0, 60], rates: [0, 0.01] }, 1 / 30, 4);
  t.ok(close(late[4]!, 0.02, 1e-15));
  t.equal(late[2], 0);
  // The same sum counted piece by piece, and from 50 s on: 65, 95, 125, 155 s, all past the minute.
  t.ok(close(hazardOfAhead({ starts: [0, 60], rates: [0, 0.01] }, 0, 4, 1 / 30), 0.02, 1e-15));
  t.ok(close(hazardOfAhead({ starts: [0, 60], rates: [0, 0.01] }, 50, 4, 1 / 30), 0.04, 1e-15));
  t.ok(close(hazardOfAhead(lognormalPatience(600, 0.6), 100, 50, 1 / 20), abandonRatesAt(lognormalPatience(600, 0.6), 100, 50, 1 / 20), 1e-12), 'as summed caller by caller');
});

const abandonRatesAt = (curve: ReturnType<typeof lognormalPatience>, s: number, k: number, rate: number) => Array.from({ length: k }, (_, i) => hazardAt(curve, s + (i + 0.5) / rate)).reduce((a, b) => a + b, 0);

t.test('fates with nobody ahead: closed forms', async (t) => {
  const serviceRate = 0.05;
  // Exponential patience (θ = 1/300): abandon θ/(nμ + θ), mean wait 1/(nμ + θ).
  const exp = impatientFates([1], serviceRate, 0.1, exponentialPatience(300));
  const rate = serviceRate + 1 / 300;
  t.ok(close(exp.abandon, 1 / 300 / rate, 1e-3), `abandon ${exp.abandon}`);
  t.ok(close(exp.answeredWithin(120), (serviceRate / rate) * (1 - Math.exp(-rate * 120)), 2e-3), `within 2 min ${exp.answeredWithin(120)}`);
  t.ok(close(exp.meanWait, 1 / rate, 0.01 / rate), `mean wait ${exp.meanWait}`);
  // Everyone waits exactly a minute: answered iff a server frees within it, P = 1 − e^{−3}.
  const minute = impatientFates([1], serviceRate, 0.1, { starts: [0, 60], rates: [0, 1e3] });
  t.ok(close(minute.abandon, Math.exp(-3), 1e-6), `abandon ${minute.abandon}`);
  t.ok(close(minute.answeredWithin(30), 1 - Math.exp(-1.5), 1e-6));
  t.ok(close(minute.meanWait, (1 - Math.exp(-3)) / serviceRate, 0.01 * 19), `mean wait ${minute.meanWait}`);
  t.equal(impatientFates([0.5], 0, 0.1, exponentialPatience(300)).abandon, 0.5, 'nobody answering: all who wait hang up');
});

t.test('the day chain with an exponential curve is Erlang A carried (limiting case)', async (t) => {
  const base = { arrivalsPerSecond: 70 / 900, handleSeconds: 200, patienceSeconds: 300, seconds: 900 };
  const periods = [{ ...base, servers: 4 }, { ...base, arrivalsPerSecond: 25 / 900, servers: 6 }];
  const plain = transientPeriods(periods);
  const curved = transientPeriods(periods.map((p) => ({ ...p, patience: exponentialPatience(300) })));
  plain.forEach((r, i) => {
    const c = curved[i]!.prediction;
    t.ok(close(c.serviceLevel(120), r.prediction.serviceLevel(120), 5e-3), `quarter ${i}: in target ${c.serviceLevel(120)} vs ${r.prediction.serviceLevel(120)}`);
    t.ok(close(c.abandonProbability, r.prediction.abandonProbability, 5e-3), `quarter ${i}: hung up ${c.abandonProbability} vs ${r.prediction.abandonProbability}`);
  });
});

t.test('patient first minutes: fewer hang up in a short queue than exponential patience of the same mean says', async (t) => {
  const curve = lognormalPatience(600, 0.6);
  const period = { arrivalsPerSecond: 60 / 900, handleSeconds: 120, patienceSeconds: meanPatience(curve), servers: 6, seconds: 900 };
  const [exp] = transientPeriods([period]);
  const [logn] = transientPeriods([{ ...period, patience: curve }]);
  t.ok(logn!.prediction.abandonProbability < exp!.prediction.abandonProbability / 2, `${logn!.prediction.abandonProbability} against ${exp!.prediction.abandonProbability}`);
});
