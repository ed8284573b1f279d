import t from 'tap';
import { erlangA, erlangB, erlangC, staffingNeeded, type ImpatientLoad } from '../../../shared/planning/queueing.js';

const target = (answerWithinSeconds: number) => ({ answerWithinSeconds, serviceLevel: 0.8, maxAbandon: 0.05 });

/** Erlang C straight from its textbook formula with factorials: a second, independent way (fine for small n). */
function erlangCByFactorials(n: number, a: number): number {
  let sum = 0;
  let term = 1;
  for (let k = 0; k < n; k++) {
    sum += term;
    term *= a / (k + 1);
  }
  const top = term * (n / (n - a));
  return top / (sum + top);
}

/**
 * M/M/n+M as a truncated continuous-time Markov chain solved by Gaussian elimination of πQ = 0
 * (one equation replaced by Σπ = 1): no product formula, no Erlang B, no log space.
 */
function stationaryByLinearSolve(load: ImpatientLoad, states: number): number[] {
  const { arrivalsPerSecond: lambda, handleSeconds, servers: n, patienceSeconds } = load;
  const out = (j: number) => Math.min(j, n) / handleSeconds + Math.max(j - n, 0) / patienceSeconds;
  // Rows are equations (columns of Q), unknowns π_0..π_{S-1}.
  const m = Array.from({ length: states }, () => new Array<number>(states + 1).fill(0));
  for (let j = 0; j < states; j++) {
    // balance of state j: inflow − outflow = 0
    m[j]![j] = -((j < states - 1 ? lambda : 0) + out(j));
    if (j > 0) m[j]![j - 1] = lambda;
    if (j < states - 1) m[j]![j + 1] = out(j + 1);
  }
  m[states - 1] = new Array<number>(states + 1).fill(1);
  for (let c = 0; c < states; c++) {
    let pivot = c;
    for (let r = c + 1; r < states; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[pivot]![c]!)) pivot = r;
    [m[c], m[pivot]] = [m[pivot]!, m[c]!];
    for (let r = 0; r < states; r++) {
      if (r === c || m[r]![c] === 0) continue;
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k <= states; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return m.map((row, i) => row[states]! / row[i]!);
}

const binomialAtLeast = (trials: number, p: number, atLeast: number) => {
  let below = 0;
  let term = Math.pow(1 - p, trials);
  for (let k = 0; k < atLeast; k++) {
    below += term;
    term *= ((trials - k) / (k + 1)) * (p / (1 - p));
  }
  return 1 - below;
};

t.test('Erlang C: the Call Centre Helper worked example (100 calls a half hour, 3-minute calls, 80% in 20 s)', async (t) => {
  // https://www.callcentrehelper.com/erlang-c-formula-example-121281.htm : 10 Erlangs; with 11 agents
  // 68.2% of calls wait; 14 agents are the fewest answering 80% within 20 seconds (before shrinkage).
  const demand = { arrivalsPerSecond: 100 / 1800, handleSeconds: 180 };
  const eleven = erlangC({ ...demand, servers: 11 });
  t.equal(eleven.waitProbability.toFixed(3), '0.682');
  t.equal(staffingNeeded('erlang-c', { ...demand, patienceSeconds: Infinity }, target(20)), 14);
  t.ok(erlangC({ ...demand, servers: 13 }).serviceLevel(20) < 0.8 && erlangC({ ...demand, servers: 14 }).serviceLevel(20) >= 0.8, '13 fall short, 14 meet it');
  for (const n of [11, 12, 13, 14, 20]) {
    const c = erlangC({ ...demand, servers: n });
    t.ok(Math.abs(c.waitProbability - erlangCByFactorials(n, 10)) < 1e-12, `${n} agents: P(wait) as the factorial formula gives`);
    // ASA = C·h/(n − a) and P(W ≤ t) = 1 − C·e^{−(n − a)t/h}
    t.ok(Math.abs(c.meanWaitSeconds - (c.waitProbability * 180) / (n - 10)) < 1e-9);
    t.ok(Math.abs(c.answeredWithin(20) - (1 - c.waitProbability * Math.exp((-(n - 10) * 20) / 180))) < 1e-12);
  }
});

t.test('Erlang A: the pyworkforce guide\'s worked example (100 calls a half hour, 3-minute calls, 5-minute patience, 20 s)', async (t) => {
  // https://pyworkforce.rodrigo-arenas.com/development/guide/erlanga : ErlangA(transactions=100, aht=3,
  // asa=20/60, interval=30, patience=5) with 13 positions prints service_level 0.858, occupancy 0.750,
  // abandonment_probability 0.025, waiting_probability 0.226 and average_speed_of_answer 0.125 (minutes),
  // each to three decimals. Its service level is of every caller (answered within 20 s, not hung up).
  const demand = { arrivalsPerSecond: 100 / 1800, handleSeconds: 180, patienceSeconds: 300 };
  const thirteen = erlangA({ ...demand, servers: 13 });
  t.equal(thirteen.answeredWithin(20).toFixed(3), '0.858', 'service level, of every caller');
  t.equal(thirteen.abandonProbability.toFixed(3), '0.025', 'abandonment');
  t.equal(thirteen.waitProbability.toFixed(3), '0.226', 'waiting probability');
  t.equal((thirteen.meanWaitSeconds / 60).toFixed(3), '0.125', 'average speed of answer, minutes');
  // Occupancy: the answered calls' work over the people, 10 Erlangs × (1 − abandonment) ÷ 13.
  t.equal(((10 * (1 - thirteen.abandonProbability)) / 13).toFixed(3), '0.750', 'occupancy');
  // Its 13 "raw positions" are the fewest with 80% of every caller within 20 s (12 give 77%); the planner counts
  // the share of those answered (as the CBT does), which 12 already meet, abandonment under 5%.
  t.ok(erlangA({ ...demand, servers: 12 }).answeredWithin(20) < 0.8, '12 answer under 80% of every caller within 20 s');
  t.equal(staffingNeeded('erlang-a', demand, target(20)), 12, 'of those answered: 12');
});

t.test('Erlang B is stable where factorials overflow', async (t) => {
  t.ok(Math.abs(erlangB(1, 1) - 0.5) < 1e-15, 'one server, one Erlang: B = a/(1 + a)');
  t.ok(Math.abs(erlangB(2, 1) - 0.2) < 1e-15, 'B(2, 1) = (1/2)/(1 + 1 + 1/2)');
  const big = erlangB(1000, 950);
  t.ok(big > 0 && big < 1 && Number.isFinite(big), `B(1000, 950) = ${big} (950^1000 / 1000! overflows a double)`);
  t.equal(erlangB(300, 0.01), 0, 'far more servers than load: no loss (underflows to 0, never NaN)');
  const c = erlangC({ arrivalsPerSecond: 1, handleSeconds: 900, servers: 950 });
  t.ok(c.waitProbability > 0 && c.waitProbability < 1, `900 Erlangs on 950 servers: P(wait) ${c.waitProbability.toFixed(4)}`);
});

t.test('Erlang A matches an exact solve of the M/M/n+M chain', async (t) => {
  const cases: ImpatientLoad[] = [
    { arrivalsPerSecond: 100 / 1800, handleSeconds: 180, servers: 9, patienceSeconds: 120 }, // overloaded: only hanging up keeps it finite
    { arrivalsPerSecond: 40 / 900, handleSeconds: 240, servers: 8, patienceSeconds: 300 },
    { arrivalsPerSecond: 0.01, handleSeconds: 200, servers: 1, patienceSeconds: 60 }, // one server
    { arrivalsPerSecond: 0.2, handleSeconds: 300, servers: 40, patienceSeconds: 600 },
  ];
  for (const load of cases) {
    const pi = stationaryByLinearSolve(load, load.servers + 400);
    const n = load.servers;
    const waiting = pi.slice(n).reduce((a, b) => a + b, 0);
    const meanQueue = pi.reduce((sum, p, j) => sum + Math.max(j - n, 0) * p, 0);
    const a = erlangA(load);
    const name = `λ=${load.arrivalsPerSecond.toFixed(4)}/s h=${load.handleSeconds}s n=${n} patience=${load.patienceSeconds}s`;
    t.ok(Math.abs(a.waitProbability - waiting) < 1e-9, `${name}: P(wait) ${a.waitProbability.toFixed(6)} vs ${waiting.toFixed(6)}`);
    const abandon = meanQueue / load.patienceSeconds / load.arrivalsPerSecond;
    t.ok(Math.abs(a.abandonProbability - abandon) < 1e-9, `${name}: P(abandon) ${a.abandonProbability.toFixed(6)} vs ${abandon.toFixed(6)}`);
    t.ok(Math.abs(a.meanWaitSeconds - meanQueue / load.arrivalsPerSecond) < 1e-6, `${name}: mean wait by Little's law`);
    t.ok(Math.abs(a.answeredWithin(1e6) - (1 - a.abandonProbability)) < 1e-9, `${name}: in the long run everyone not hanging up is answered`);
  }
});

t.test('Erlang A: answered within t against order statistics (a second, closed-form method)', async (t) => {
  // With k ahead the caller is answered by t with probability nμ/(nμ + (k+1)θ) · P(S ≤ t), S a sum of
  // Exp(nμ + jθ), j = 1..k+1. For nμ/θ = x whole, S is the (k+1)-th smallest of x + k + 1 Exp(θ)
  // (Rényi's representation), so P(S ≤ t) = P(Binomial(x + k + 1, 1 − e^{−θt}) ≥ k + 1).
  const load = { arrivalsPerSecond: 30 / 900, handleSeconds: 240, servers: 6, patienceSeconds: 160 }; // nμ/θ = 6·160/240 = 4
  const x = (load.servers / load.handleSeconds) * load.patienceSeconds;
  t.equal(x, 4);
  const pi = stationaryByLinearSolve(load, load.servers + 300);
  const a = erlangA(load);
  for (const seconds of [0, 20, 60, 120, 300]) {
    const q = 1 - Math.exp(-seconds / load.patienceSeconds);
    let expected = pi.slice(0, load.servers).reduce((s, p) => s + p, 0);
    for (let k = 0; k + load.servers < pi.length; k++) expected += pi[load.servers + k]! * (x / (x + k + 1)) * binomialAtLeast(x + k + 1, q, k + 1);
    t.ok(Math.abs(a.answeredWithin(seconds) - expected) < 1e-9, `within ${seconds}s: ${a.answeredWithin(seconds).toFixed(6)} vs ${expected.toFixed(6)}`);
  }
});

t.test('limiting cases', async (t) => {
  const demand = { arrivalsPerSecond: 100 / 1800, handleSeconds: 180 };
  for (const n of [11, 14]) {
    const c = erlangC({ ...demand, servers: n });
    const patient = erlangA({ ...demand, servers: n, patienceSeconds: 1e9 });
    t.ok(Math.abs(patient.waitProbability - c.waitProbability) < 1e-6, `${n}: callers who (almost) never hang up: P(wait) is Erlang C's`);
    t.ok(Math.abs(patient.answeredWithin(20) - c.answeredWithin(20)) < 1e-6, `${n}: and so is the service level`);
    t.ok(Math.abs(patient.meanWaitSeconds - c.meanWaitSeconds) / c.meanWaitSeconds < 1e-4, `${n}: and the mean wait`);
    t.ok(patient.abandonProbability < 1e-6);
    t.same(erlangA({ ...demand, servers: n, patienceSeconds: Infinity }).waitProbability, c.waitProbability, 'infinite patience is Erlang C');
  }
  // One server: M/M/1 has P(wait) = ρ and P(W ≤ t) = 1 − ρ·e^{−(μ − λ)t}.
  const one = erlangC({ arrivalsPerSecond: 0.002, handleSeconds: 300, servers: 1 });
  t.ok(Math.abs(one.waitProbability - 0.6) < 1e-12, 'M/M/1: P(wait) = ρ');
  t.ok(Math.abs(one.answeredWithin(60) - (1 - 0.6 * Math.exp(-(1 / 300 - 0.002) * 60))) < 1e-12);
  // One server with impatient callers: M/M/1+M, P(wait) = 1 − π_0 with π_{1+k} ∝ ρ Π λ/(μ + iθ).
  const m1 = erlangA({ arrivalsPerSecond: 0.002, handleSeconds: 300, servers: 1, patienceSeconds: 100 });
  let sum = 1;
  let term = 0.6;
  for (let k = 0; k < 200; k++) {
    sum += term;
    term *= 0.002 / (1 / 300 + (k + 1) / 100);
  }
  t.ok(Math.abs(m1.waitProbability - (1 - 1 / sum)) < 1e-12, 'M/M/1+M: P(wait) by its own series');
  // Plain Erlang C overstaffs for a service level when callers hang up (those who would wait longest leave).
  const busy = { arrivalsPerSecond: 90 / 900, handleSeconds: 200, patienceSeconds: 180 };
  const serviceLevelOnly = { ...target(120), maxAbandon: 1 };
  const withA = staffingNeeded('erlang-a', busy, serviceLevelOnly);
  const withC = staffingNeeded('erlang-c', busy, serviceLevelOnly);
  t.ok(withA < withC, `for 80% in 2 minutes: Erlang A ${withA} vs Erlang C ${withC}`);
  // No servers: everyone waits and everyone hangs up.
  const none = erlangA({ ...busy, servers: 0 });
  t.equal(none.waitProbability, 1);
  t.ok(Math.abs(none.abandonProbability - 1) < 1e-9);
  t.equal(none.answeredWithin(120), 0);
  t.equal(staffingNeeded('erlang-a', { ...busy, arrivalsPerSecond: 0 }, target(120)), 0, 'no calls: nobody needed');
});

t.test('staffingNeeded is the smallest n meeting both targets', async (t) => {
  const demand = { arrivalsPerSecond: 120 / 900, handleSeconds: 150, patienceSeconds: 240 };
  const goal = target(120);
  const n = staffingNeeded('erlang-a', demand, goal);
  const at = erlangA({ ...demand, servers: n });
  const below = erlangA({ ...demand, servers: n - 1 });
  t.ok(at.serviceLevel(120) >= 0.8 && at.abandonProbability < 0.05, `${n} people meet it`);
  t.notOk(below.serviceLevel(120) >= 0.8 && below.abandonProbability < 0.05, `${n - 1} do not`);
  // A strict abandonment target alone can need more people than the service level.
  const strict = staffingNeeded('erlang-a', demand, { ...goal, maxAbandon: 0.005 });
  t.ok(strict > n, `abandonment under 0.5% needs ${strict}`);
});

t.test('bad input is refused with a reason', async (t) => {
  t.throws(() => erlangC({ arrivalsPerSecond: -1, handleSeconds: 100, servers: 1 }), /arrivalsPerSecond/);
  t.throws(() => erlangC({ arrivalsPerSecond: 1, handleSeconds: 0, servers: 1 }), /handleSeconds/);
  t.throws(() => erlangC({ arrivalsPerSecond: 1, handleSeconds: 10, servers: 1.5 }), /servers/);
  t.throws(() => erlangA({ arrivalsPerSecond: 1, handleSeconds: 10, servers: 1, patienceSeconds: 0 }), /patienceSeconds/);
  t.throws(() => erlangA({ arrivalsPerSecond: 0.01, handleSeconds: 10, servers: 1, patienceSeconds: 10 }).answeredWithin(-1), /time/);
});
