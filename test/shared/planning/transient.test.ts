import t from 'tap';
import { modelQueue, simulateQueue } from '../../../loadtest/queue-simulation.js';
import { erlangA, type ImpatientLoad } from '../../../shared/planning/queueing.js';
import { exponentialPatience, lognormalPatience } from '../../../shared/planning/patience.js';
import { DayChain, freshStart, joinersBusyAtOnce, leaversFinishTheirCalls, openingStarts, transientPeriods } from '../../../shared/planning/transient.js';

const load: ImpatientLoad = { arrivalsPerSecond: 20 / 900, handleSeconds: 200, servers: 6, patienceSeconds: 300 };
/** Calls as varied as the exponential's: Erlang A's own answers (a Poisson stream). */
const exponentialCalls = { handlePhases: 1 };

/** The M/M/n+M stationary distribution by its birth–death product, to start the day in steady state. */
function stationary(l: ImpatientLoad, size: number): number[] {
  const p = [1];
  for (let N = 1; N < size; N++) p.push((p[N - 1]! * l.arrivalsPerSecond) / (Math.min(N, l.servers) / l.handleSeconds + Math.max(N - l.servers, 0) / l.patienceSeconds));
  const total = p.reduce((a, b) => a + b, 0);
  return p.map((x) => x / total);
}

const close = (a: number, b: number, tol: number) => Math.abs(a - b) < tol;

t.test('started in steady state, a quarter hour is the steady model', async (t) => {
  const [r] = transientPeriods([{ ...load, ...exponentialCalls, seconds: 900 }], stationary(load, 300));
  const steady = erlangA(load);
  t.ok(close(r!.prediction.waitProbability, steady.waitProbability, 1e-6), `P(wait) ${r!.prediction.waitProbability} vs ${steady.waitProbability}`);
  t.ok(close(r!.prediction.abandonProbability, steady.abandonProbability, 1e-6), `P(abandon) by cohort ${r!.prediction.abandonProbability} vs θ·E[queue]/λ ${steady.abandonProbability}`);
  t.ok(close(r!.prediction.meanWaitSeconds, steady.meanWaitSeconds, 1e-4), 'mean wait');
  t.ok(close(r!.prediction.serviceLevel(120), steady.serviceLevel(120), 1e-6), 'answered within 2 minutes');
});

t.test('from an empty morning the chain settles to the steady state', async (t) => {
  const results = transientPeriods(Array.from({ length: 8 }, () => ({ ...load, ...exponentialCalls, seconds: 900 })));
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

t.test('sub-steps: calls spread evenly over them are the quarter hour carried whole', async (t) => {
  const patience = lognormalPatience(600, 0.6);
  const even = [0.2, 0.2, 0.2, 0.2, 0.2];
  for (const [name, extra] of [['exponential patience', {}], ['log-normal patience (M/M/n+G)', { patience }]] as const) {
    const day = [{ ...load, ...extra, arrivalsPerSecond: 70 / 900, servers: 4, seconds: 900 }, { ...load, ...extra, arrivalsPerSecond: 25 / 900, servers: 6, seconds: 900 }];
    const whole = transientPeriods(day);
    const stepped = transientPeriods(day.map((p) => ({ ...p, shares: even })));
    whole.forEach((w, q) => {
      const s = stepped[q]!;
      t.ok(close(s.inSystemAtEnd, w.inSystemAtEnd, 1e-6), `${name}, quarter ${q}: ${s.inSystemAtEnd} in the system at its end, whole ${w.inSystemAtEnd}`);
      t.ok(close(s.prediction.abandonProbability, w.prediction.abandonProbability, 1e-6), `${name}, quarter ${q}: P(abandon) ${s.prediction.abandonProbability} vs ${w.prediction.abandonProbability}`);
      t.ok(close(s.prediction.serviceLevel(120), w.prediction.serviceLevel(120), 1e-6), `${name}, quarter ${q}: in target ${s.prediction.serviceLevel(120)} vs ${w.prediction.serviceLevel(120)}`);
      t.ok(close(s.prediction.meanWaitSeconds, w.prediction.meanWaitSeconds, 1e-4), `${name}, quarter ${q}: mean wait ${s.prediction.meanWaitSeconds} vs ${w.prediction.meanWaitSeconds}`);
    });
  }
});

t.test('sub-steps, by hand: with nobody answering, the callers left at the end are those whose patience outlasted it', async (t) => {
  // Nobody answers and callers hang up at θ = 1/300 s: each caller still there T − s after arriving
  // at s with probability e^{−θ(T−s)}, so E[in system at T] = ∫ λ(s)·e^{−θ(T−s)} ds (an M_t/M/∞ queue).
  // 20 calls in 900 s: evenly, (λ/θ)(1 − e^{−θT}) = 6.33; all in the first 3 minutes,
  // (20/180 s)·300·(e^{−720/300} − e^{−900/300}) = 1.36; all in the last 3 minutes, (20/180)·300·(1 − e^{−180/300}) = 15.04.
  const period = { arrivalsPerSecond: 20 / 900, handleSeconds: 200, patienceSeconds: 300, servers: 0, seconds: 900 };
  const carried = (shares?: number[]) => transientPeriods([{ ...period, shares }])[0]!.inSystemAtEnd;
  t.ok(close(carried(), 6.6667 * (1 - Math.exp(-3)), 1e-3), `evenly: ${carried()}`);
  t.ok(close(carried([1, 0, 0, 0, 0]), 33.333 * (Math.exp(-2.4) - Math.exp(-3)), 1e-3), `in the first 3 minutes: ${carried([1, 0, 0, 0, 0])}`);
  t.ok(close(carried([0, 0, 0, 0, 1]), 33.333 * (1 - Math.exp(-0.6)), 1e-3), `in the last 3 minutes: ${carried([0, 0, 0, 0, 1])}`);
});

t.test('an 8am rush in the first minutes: its callers wait longer, and it leaves a shorter queue for 08:15 than calls spread evenly', async (t) => {
  // 80 calls 08:00–08:15 to four people, then 25 and 15 to six; the callers' log-normal patience.
  // The rush: each 3-minute step has e^{−3/8} of the one before (the load test's burst decays over 8 minutes).
  const patience = lognormalPatience(600, 0.6);
  const decay = [0, 1, 2, 3, 4].map((b) => Math.exp((-3 * b) / 8));
  const rush = decay.map((x) => x / decay.reduce((a, b) => a + b, 0));
  const day = [80, 25, 15].map((calls, q) => ({ ...load, patience, patienceSeconds: 600 * Math.exp(0.18), handleSeconds: 135, arrivalsPerSecond: calls / 900, servers: q === 0 ? 4 : 6, seconds: 900 }));
  const even = transientPeriods(day);
  const shaped = transientPeriods(day.map((p) => ({ ...p, shares: rush })));
  t.ok(shaped[0]!.prediction.meanWaitSeconds > even[0]!.prediction.meanWaitSeconds, `08:00: mean wait ${shaped[0]!.prediction.meanWaitSeconds.toFixed(0)} s in a rush, ${even[0]!.prediction.meanWaitSeconds.toFixed(0)} s evenly`);
  t.ok(shaped[0]!.inSystemAtEnd < even[0]!.inSystemAtEnd - 5, `at 08:15: ${shaped[0]!.inSystemAtEnd.toFixed(1)} in the system after a rush, ${even[0]!.inSystemAtEnd.toFixed(1)} evenly: the rush's queue had the rest of the quarter hour to go down`);
  t.ok(shaped[2]!.prediction.serviceLevel(120) > even[2]!.prediction.serviceLevel(120), `08:30: ${(shaped[2]!.prediction.serviceLevel(120) * 100).toFixed(1)}% in target after a rush, ${(even[2]!.prediction.serviceLevel(120) * 100).toFixed(1)}% evenly`);
});

t.test('a caller whose wait goes on past the quarter hour meets the next quarter hour’s people (closed form)', async (t) => {
  // Nobody answers in the quarter hour, one person from its end; callers come so rarely that nobody
  // is ever ahead, spread evenly over the 900 s, and hang up at the constant rate θ = 1/600.
  // After waiting w, the share of them already past the quarter hour's end is p(w) = min(1, w/900),
  // so they are answered at rate μ·p(w) (μ = 1/120): P(answered) = ∫ μ p(w) exp(−μ I(w) − θ w) dw,
  // I(w) = w²/1800 up to 900 s, then 450 + (w − 900). Integrated by the midpoint rule, 0.01 s steps.
  const [mu, theta, L] = [1 / 120, 1 / 600, 900];
  const integral = (w: number) => (w < L ? (w * w) / (2 * L) : L / 2 + (w - L));
  let answered = 0;
  let within = 0;
  for (let w = 0.005; w < 20_000; w += 0.01) {
    const density = mu * Math.min(1, w / L) * Math.exp(-mu * integral(w) - theta * w) * 0.01;
    answered += density;
    if (w <= 120) within += density;
  }
  const patience = exponentialPatience(600);
  const chain = new DayChain([{ arrivalsPerSecond: 1e-9, handleSeconds: 120, patienceSeconds: 600, patience }], 1);
  const rare = { arrivalsPerSecond: 1e-9, handleSeconds: 120, patienceSeconds: 600, patience, servers: 0, seconds: L };
  const { prediction } = chain.advance(chain.empty(), { ...rare, nextServers: 1 });
  t.ok(Math.abs(1 - prediction.abandonProbability - answered) < 2e-3, `answered ${(1 - prediction.abandonProbability).toFixed(4)} against ${answered.toFixed(4)} by hand`);
  t.ok(Math.abs(prediction.answeredWithin(120) - within) < 2e-3, `within 2 minutes ${prediction.answeredWithin(120).toFixed(4)} against ${within.toFixed(4)}`);
  t.ok(chain.advance(chain.empty(), rare).prediction.abandonProbability > 1 - 1e-6, 'without the next quarter hour’s person: nobody is answered');
  // The people as a schedule (by the seconds after the end), averaged over the arrivals by the midpoint rule: the same, to within its steps.
  const scheduled = chain.advance(chain.empty(), { ...rare, nextServers: () => 1 }).prediction;
  t.ok(Math.abs(scheduled.abandonProbability - prediction.abandonProbability) < 2e-3, `scheduled ${scheduled.abandonProbability.toFixed(4)}, closed form ${prediction.abandonProbability.toFixed(4)}`);
  // A second change: nobody again from 180 s after the end: fewer answered than with the person staying.
  const leaves = chain.advance(chain.empty(), { ...rare, nextServers: (t) => (t < 180 ? 1 : 0) }).prediction;
  t.ok(leaves.abandonProbability > scheduled.abandonProbability + 0.1);
  // Limiting case: the same people next quarter hour changes nothing.
  const busy = { arrivalsPerSecond: 0.05, handleSeconds: 120, patienceSeconds: 600, patience: lognormalPatience(600, 0.6), servers: 4, seconds: L, shares: [0.4, 0.2, 0.2, 0.1, 0.1] };
  const big = new DayChain([busy], 8);
  const [same, unsaid] = [big.advance(big.empty(), { ...busy, nextServers: 4 }), big.advance(big.empty(), busy)];
  t.equal(same.prediction.abandonProbability, unsaid.prediction.abandonProbability);
  t.equal(same.prediction.serviceLevel(120), unsaid.prediction.serviceLevel(120));
  // More people next: fewer hang up, more answered within target; the queue this quarter hour leaves is its own.
  const more = big.advance(big.empty(), { ...busy, nextServers: 6 });
  t.ok(more.prediction.abandonProbability < unsaid.prediction.abandonProbability);
  t.ok(more.prediction.serviceLevel(120) > unsaid.prediction.serviceLevel(120));
  t.same(more.end, unsaid.end);
});

t.test('people who start their first calls together finish fewer at first: a quarter of a call each, by hand', async (t) => {
  // 40 callers waiting, 3 people, 120 s calls, nobody hangs up, nobody new: the queue never empties
  // in 600 s, so the people work throughout. Steady pace: 3 × 600/120 = 15 calls. From a fresh start
  // (Erlang-2 calls, renewal density (1 − e^{−4t/h})/h, followed for two calls' time, 240 s):
  // 3 × (600/120 − (1 − e^{−8})/4) = 14.25025.
  const start = new Array<number>(41).fill(0);
  start[40] = 1;
  const period = { arrivalsPerSecond: 0, handleSeconds: 120, patienceSeconds: 1e12, servers: 3, seconds: 600 };
  const [steady] = transientPeriods([period], start);
  const [fresh] = transientPeriods([{ ...period, freshStarts: [{ since: 0, people: 3 }] }], start);
  t.ok(Math.abs(40 - steady!.inSystemAtEnd - 15) < 1e-6, `steady: ${(40 - steady!.inSystemAtEnd).toFixed(6)} calls`);
  t.ok(Math.abs(40 - fresh!.inSystemAtEnd - 3 * (5 - (1 - Math.exp(-8)) / 4)) < 1e-6, `fresh: ${(40 - fresh!.inSystemAtEnd).toFixed(6)} calls`);
  // Started together 180 s before: 3 × (5 − (e^{−4·180/120} − e^{−8})/4).
  const [later] = transientPeriods([{ ...period, freshStarts: [{ since: 180, people: 3 }] }], start);
  t.ok(Math.abs(40 - later!.inSystemAtEnd - 3 * (5 - (Math.exp(-6) - Math.exp(-8)) / 4)) < 1e-6, `${(40 - later!.inSystemAtEnd).toFixed(6)} calls`);
  // Two calls' time after the start: the steady pace.
  const [long] = transientPeriods([{ ...period, freshStarts: [{ since: 240, people: 3 }] }], start);
  t.equal(long!.inSystemAtEnd, steady!.inSystemAtEnd);
});

t.test('calls more alike lose more of the first calls: h(1 − 1/k)/2 of a person each for Erlang-k, by hand', async (t) => {
  // The same queue that never empties. Erlang-k calls lose h(1 − 1/k)/2 each person over the fresh
  // start (the renewal function's (c² − 1)/2 handle times, c² = 1/k): k = 3, 1/3 of a call; k = 5,
  // 0.4; exponential calls (k = 1) none. The start's tail (e^{−8} of the pace) is left, under 0.01 calls.
  const start = new Array<number>(41).fill(0);
  start[40] = 1;
  const period = { arrivalsPerSecond: 0, handleSeconds: 120, patienceSeconds: 1e12, servers: 3, seconds: 600, freshStarts: [{ since: 0, people: 3 }] };
  const served = (handlePhases: number) => 40 - transientPeriods([{ ...period, handlePhases }], start)[0]!.inSystemAtEnd;
  t.ok(Math.abs(served(1) - 15) < 1e-6, `exponential: ${served(1).toFixed(6)} calls, the steady 3 × 600/120`);
  for (const [k, lost] of [[2, 1 / 4], [3, 1 / 3], [5, 2 / 5], [12, 11 / 24]] as const) {
    t.ok(Math.abs(served(k) - 3 * (5 - lost)) < 0.01, `Erlang-${k}: ${served(k).toFixed(4)} calls against ${(3 * (5 - lost)).toFixed(4)}`);
  }
  // Its pace starts at nothing (nobody finishes at once) and is steady in the end.
  const erlang5 = freshStart(120, 5);
  t.ok(Math.abs(erlang5.pace(0)) < 1e-9, `pace at the start ${erlang5.pace(0)}`);
  t.ok(Math.abs(erlang5.pace(erlang5.horizon) - 1) < 1e-3, 'steady after the horizon');
  // The mean pace is the pace's mean (midpoint rule over 10,000 points, 0–300 s).
  let sum = 0;
  for (let i = 0; i < 10_000; i++) sum += erlang5.pace(((i + 0.5) / 10_000) * 300);
  t.ok(Math.abs(sum / 10_000 - erlang5.meanPace(0, 300)) < 1e-6, `mean pace ${erlang5.meanPace(0, 300).toFixed(6)}`);
  // Calls more alike than Erlang-12 are taken as Erlang-12; a half phase rounds.
  t.equal(freshStart(120, 40).horizon, freshStart(120, 12).horizon);
  t.equal(freshStart(120, 2.4).horizon, freshStart(120, 2).horizon);
});

t.test('people who sign in to a waiting queue start their first calls together too, by hand', async (t) => {
  // A queue that never empties: 3 people at their steady pace and 2 who have just signed in
  // (Erlang-2 calls): 3 × 2.5 + 2 × (2.5 − ¼) calls in 300 s, less the start's e^{−8} tail.
  const start = new Array<number>(41).fill(0);
  start[40] = 1;
  const period = { arrivalsPerSecond: 0, handleSeconds: 120, patienceSeconds: 1e12, servers: 5, seconds: 300 };
  const served = 40 - transientPeriods([{ ...period, freshStarts: [{ since: 0, people: 2 }] }], start)[0]!.inSystemAtEnd;
  t.ok(Math.abs(served - (7.5 + 2 * (2.5 - (1 - Math.exp(-8)) / 4))) < 1e-6, `${served.toFixed(6)} calls`);
  // How many of them find a caller: half the time 5 in the system, half 8; 4 answering before, 2 joining: ½ · 1 + ½ · 2.
  const state = new Array<number>(10).fill(0);
  [state[5], state[8]] = [0.5, 0.5];
  t.equal(joinersBusyAtOnce(state, 4, 2), 1.5);
  t.equal(joinersBusyAtOnce([1, 0, 0], 0, 3), 0, 'an empty queue: nobody starts at once');
});

t.test('people signing out finish the call in hand: their callers leave the count, by hand', async (t) => {
  const at = (N: number, size = 12) => Array.from({ length: size }, (_, i) => (i === N ? 1 : 0));
  const near = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => Math.abs(x - b[i]!) < 1e-12);
  // Five callers, six people, one leaving: the leaver is busy unless they are the one free (1 in 6).
  t.ok(near(leaversFinishTheirCalls(at(5), 6, 5), at(4).map((x, i) => (i === 4 ? 5 / 6 : i === 5 ? 1 / 6 : x))), 'four left with 5/6, five with 1/6');
  // Ten callers, everyone busy: both leavers take their callers with them.
  t.ok(near(leaversFinishTheirCalls(at(10), 6, 4), at(8)), 'ten callers, two of six leaving: eight');
  // Three callers, six people, two leaving: busy leavers hypergeometric, C(3, j)·C(3, 2 − j) / C(6, 2) = 3, 9, 3 in 15.
  t.ok(near(leaversFinishTheirCalls(at(3), 6, 4), at(0).map((_, i) => [0, 0.2, 0.6, 0.2][i] ?? 0)), 'three callers: one, two or three left with 0.2, 0.6, 0.2');
  const mixed = at(0).map((_, i) => (i === 2 ? 0.25 : i === 9 ? 0.75 : 0));
  t.equal(leaversFinishTheirCalls(mixed, 6, 3).reduce((a, b) => a + b, 0), 1, 'nothing lost');
  t.same(leaversFinishTheirCalls(mixed, 3, 3), mixed, 'nobody leaving: unchanged');
  t.same(leaversFinishTheirCalls(mixed, 3, 6), mixed, 'people joining: unchanged');
});

t.test('a roster that drops by five: against a simulation where people finish the call in hand', async (t) => {
  // Six Erlangs on eight people, then three: without the hand-over the chain gave 29% hanging up against 23.5% simulated, and 9% within target against 18%.
  const morning = { calls: [40, 40, 40, 40], people: [8, 8, 8, 3], handleSeconds: 134, phases: 5, patience: { medianSeconds: 600, sigma: 0.6 } };
  const sim = simulateQueue(morning, 3000, 115, 11)[3]!;
  const model = modelQueue(morning, 115)[3]!;
  t.ok(Math.abs(model.hungUpPct - sim.hungUpPct) < 2, `hung up ${model.hungUpPct.toFixed(1)}% against ${sim.hungUpPct.toFixed(1)}% simulated`);
  t.ok(Math.abs(model.withinPct - sim.withinPct) < 5, `${model.withinPct.toFixed(1)}% within 115 s against ${sim.withinPct.toFixed(1)}%`);
});

t.test('at opening each person starts as their first caller comes, in a rush; the earliest busy are the ones serving', async (t) => {
  // A rush: 0.1 calls a second, 120 s calls, 4 people (λh = 12 ≥ 4): the i-th starts at the i-th caller's expected arrival, i/λ.
  t.same(openingStarts(4, 0.1, 120), [{ since: -10, people: 1 }, { since: -20, people: 1 }, { since: -30, people: 1 }, { since: -40, people: 1 }]);
  t.same(openingStarts(2.5, 0.1, 120).map((g) => g.people), [1, 1, 0.5], 'a fractional person counts in part');
  // Quiet (λh = 1.2 < 4): a person is rarely needed, and one who is began earlier: everyone from opening.
  t.same(openingStarts(4, 0.01, 120), [{ since: 0, people: 4 }]);
  // One caller, two people: one at the steady pace, one who has just begun. The caller is with the
  // one busy longest (the steady one): still talking after 60 s with probability e^{−60/120}.
  const start = [0, 1, 0, 0];
  const [one] = transientPeriods([{ arrivalsPerSecond: 0, handleSeconds: 120, patienceSeconds: 1e12, servers: 2, seconds: 60, freshStarts: [{ since: 0, people: 1 }] }], start);
  t.ok(Math.abs(one!.inSystemAtEnd - Math.exp(-0.5)) < 1e-9, `${one!.inSystemAtEnd.toFixed(9)} in the system`);
});

t.test('fresh groups beyond the people there count for nothing, and calls as varied as the exponential have no fresh start', async (t) => {
  const rush = { arrivalsPerSecond: 0.05, handleSeconds: 100, patienceSeconds: 300, servers: 2, seconds: 600 };
  const figures = (p: Parameters<typeof transientPeriods>[0][number]) => {
    const [r] = transientPeriods([p]);
    return [r!.prediction.serviceLevel(20), r!.prediction.abandonProbability, r!.inSystemAtEnd];
  };
  t.same(figures({ ...rush, freshStarts: [{ since: 0, people: 2 }, { since: 0, people: 2 }] }), figures({ ...rush, freshStarts: [{ since: 0, people: 2 }] }), 'two people, however many groups say they began');
  t.same(figures({ ...rush, handlePhases: 1, freshStarts: openingStarts(2, 0.05, 100) }), figures({ ...rush, handlePhases: 1 }), 'one phase: the steady chain');
});

t.test('a morning with a rush against a simulation of the same queue: Erlang-5 calls, log-normal patience', async (t) => {
  const morning = { calls: [100, 60, 40, 30], people: [4, 5, 5, 5], handleSeconds: 134, phases: 5, patience: { medianSeconds: 600, sigma: 0.6 } };
  const simulated = simulateQueue(morning, 3000, 115, 2026);
  modelQueue(morning, 115).forEach((predicted, q) => {
    const sim = simulated[q]!;
    t.ok(Math.abs(predicted.withinPct - sim.withinPct) < 3.5, `quarter hour ${q}: ${predicted.withinPct.toFixed(1)}% within 115 s against ${sim.withinPct.toFixed(1)}% simulated`);
    t.ok(Math.abs(predicted.hungUpPct - sim.hungUpPct) < 2.5, `hung up ${predicted.hungUpPct.toFixed(1)}% against ${sim.hungUpPct.toFixed(1)}%`);
  });
});

t.test('an ordinary morning against the same simulation: nearer it with alike calls’ answers than with Erlang A’s', async (t) => {
  // 3.7 Erlangs on 5 people, no rush: once the opening's fresh start has passed (quarter hours 2 and
  // 3), the chain with Erlang-5 calls against the same chain taking calls as exponential (Erlang A).
  const morning = { calls: [25, 25, 25, 25], people: [5, 5, 5, 5], handleSeconds: 134, phases: 5, patience: { medianSeconds: 600, sigma: 0.6 } };
  const simulated = simulateQueue(morning, 3000, 115, 7);
  const alike = modelQueue(morning, 115);
  const exponential = modelQueue({ ...morning, phases: 1 }, 115);
  for (const q of [2, 3]) {
    const [sim, clock, erlangA] = [simulated[q]!.withinPct, alike[q]!.withinPct, exponential[q]!.withinPct];
    t.ok(Math.abs(clock - sim) < Math.abs(erlangA - sim), `quarter hour ${q}: simulated ${sim.toFixed(1)}%, alike calls ${clock.toFixed(1)}%, Erlang A ${erlangA.toFixed(1)}%`);
    t.ok(clock < sim + 0.5, 'and still on the safe side');
  }
});
