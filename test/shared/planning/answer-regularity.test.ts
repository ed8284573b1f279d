import t from 'tap';
import { Random } from '../../../loadtest/random.js';
import { answerClock, answerWait } from '../../../shared/planning/answer-regularity.js';
import { exponentialPatience, impatientFates } from '../../../shared/planning/patience.js';
import { servedWithin } from '../../../shared/planning/queueing.js';

const close = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol;

t.test('the wait for the m-th answer, worked by hand', async (t) => {
  // One person on Erlang-k calls of mean 1: the first answer ends the call in hand, the stationary
  // residual (mean (1 + 1/k)/2, E[R²] = E[X³]/3 = (k + 1)(k + 2)/(3k²)); each later one a whole call (variance 1/k).
  const k = 5;
  const residual = { mean: (1 + 1 / k) / 2, variance: ((k + 1) * (k + 2)) / (3 * k * k) - ((1 + 1 / k) / 2) ** 2 };
  for (const ahead of [0, 2, 30]) {
    const { mean, variance } = answerWait(k, 1, ahead);
    t.ok(close(mean, residual.mean + ahead, 1e-4), `one person, ${ahead} ahead: mean ${mean} against ${residual.mean + ahead}`);
    t.ok(close(variance, residual.variance + ahead / k, 1e-4), `variance ${variance} against ${residual.variance + ahead / k}`);
  }
  // Two people on Erlang-2 calls of mean 1: each residual outlasts t with R(t) = e^{−2t}(1 + t), the
  // first of two with R(t)²: E[T] = ∫ e^{−4t}(1 + t)² dt = 13/32, E[T²] = 2∫ t e^{−4t}(1 + t)² dt = 19/64;
  // in places (two answers to a handle time) twice and four times those.
  const two = answerWait(2, 2, 0);
  t.ok(close(two.mean, 2 * (13 / 32), 1e-4), `two people: mean ${two.mean} places`);
  t.ok(close(two.variance, 4 * (19 / 64 - (13 / 32) ** 2), 1e-4), `variance ${two.variance}`);
  t.same(answerWait(1, 3, 7), { mean: 8, variance: 8 }, 'exponential calls: Erlang A’s Gamma(j + 1)');
});

t.test('the clock: Erlang A’s for exponential calls, more phases to a place the longer the wait', async (t) => {
  t.same(answerClock(1, 3, 7), { phases: 8, perPlace: 1 }, 'exponential calls');
  t.same(answerClock(5, 0, 7), { phases: 8, perPlace: 1 }, 'nobody answering');
  t.same(answerClock(Number.NaN, 3, 7), { phases: 8, perPlace: 1 }, 'no spread to go by: exponential');
  const byAhead = [0, 2, 8, 30, 200].map((ahead) => answerClock(5, 3, ahead).perPlace);
  t.same(byAhead, [...byAhead].sort((a, b) => a - b), `rising: ${byAhead}`);
  t.equal(byAhead.at(-1), 5, 'behind 200: the calls’ own regularity');
  t.equal(answerClock(40, 3, 200).perPlace, 6, 'calls more alike than Erlang-6 are taken as Erlang-6');
});

t.test('with no hang-ups, a caller’s wait is the Erlang clock’s, exactly', async (t) => {
  const never = exponentialPatience(Infinity);
  const people = 3;
  const rate = people / 134;
  const ahead = 9;
  const { phases, perPlace: K } = answerClock(5, people, ahead);
  t.ok(K > 1, `K = ${K}, S = ${phases}`);
  // A fractional S: the whole numbers either side in proportion.
  const [S, part] = [Math.floor(phases), phases - Math.floor(phases)];
  const found = [...new Array<number>(ahead).fill(0), 1];
  const fates = impatientFates(found, rate, 0.1, never, { phases: 5, people });
  // Erlang(S, nμK): P(V ≤ t) = 1 − Σ_{i < S} Poisson(i; nμK·t).
  const erlangCdf = (shape: number, r: number, t: number) => {
    let [term, sum] = [Math.exp(-r * t), 0];
    for (let i = 0; i < shape; i++) [sum, term] = [sum + term, (term * r * t) / (i + 1)];
    return 1 - sum;
  };
  for (const seconds of [120, 300, 600, 1200]) {
    const want = (1 - part) * erlangCdf(S, rate * K, seconds) + part * erlangCdf(S + 1, rate * K, seconds);
    t.ok(close(fates.answeredWithin(seconds), want, 1e-6), `within ${seconds} s: ${fates.answeredWithin(seconds)} against ${want}`);
  }
  t.ok(close(fates.meanWait, phases / K / rate, 1e-9 * fates.meanWait), `mean wait ${fates.meanWait} s, the clock's ${phases / K / rate}`);
  t.ok(close(fates.abandon, 0, 1e-9), 'nobody hangs up');
});

t.test('one phase is Erlang A’s caller, figure for figure', async (t) => {
  // Exponential patience θ, constant nμ: answered with probability nμ/(nμ + (j + 1)θ), mean wait
  // (j + 1)/(nμ + (j + 1)θ) (Erlang A's fates), and within t as the steady model's `servedWithin`.
  const [rate, theta] = [4 / 134, 1 / 300];
  const found = [0.1, 0.1, 0.2, 0.1, 0.05];
  const fates = impatientFates(found, rate, 0.1, exponentialPatience(300), { phases: 1, people: 4 });
  const abandon = found.reduce((sum, f, j) => sum + f * (1 - rate / (rate + (j + 1) * theta)), 0);
  const meanWait = found.reduce((sum, f, j) => sum + (f * (j + 1)) / (rate + (j + 1) * theta), 0);
  t.ok(close(fates.abandon, abandon, 1e-12), `hung up ${fates.abandon} against ${abandon}`);
  t.ok(close(fates.meanWait, meanWait, 1e-9), `mean wait ${fates.meanWait} against ${meanWait}`);
  for (const seconds of [30, 115, 700]) t.ok(close(fates.answeredWithin(seconds), servedWithin(found, rate, theta, seconds), 1e-12), `within ${seconds} s`);
});

t.test('against a simulation: people busy on Erlang-5 calls, a caller with j ahead', async (t) => {
  // Each of n people is part-way through a call (the stationary phase: uniform over the k), then
  // takes the next caller at once; the caller waits for the (j + 1)-th answer. No hang-ups.
  const [k, h, mornings] = [5, 134, 20_000];
  const random = new Random(18);
  const phase = () => (-Math.log(1 - random.next()) * h) / k;
  const call = (phases: number) => Array.from({ length: phases }, phase).reduce((a, b) => a + b, 0);
  const simulated = (n: number, ahead: number, seconds: number) => {
    let within = 0;
    for (let m = 0; m < mornings; m++) {
      const free = Array.from({ length: n }, () => call(k - Math.floor(random.next() * k)));
      let answered = -Infinity;
      for (let i = 0; i <= ahead; i++) {
        const first = free.indexOf(Math.min(...free));
        answered = free[first]!;
        free[first] = answered + call(k);
      }
      if (answered <= seconds) within++;
    }
    return within / mornings;
  };
  const never = exponentialPatience(Infinity);
  // Three people (worked out exactly), and 30 (scaled from 16).
  for (const [n, ahead, seconds] of [
    [3, 2, 120],
    [3, 6, 180],
    [3, 12, 600],
    [30, 40, 200],
    [30, 80, 380],
  ] as const) {
    const found = [...new Array<number>(ahead).fill(0), 1];
    const sim = simulated(n, ahead, seconds);
    const clocked = impatientFates(found, n / h, 0.1, never, { phases: k, people: n }).answeredWithin(seconds);
    const poisson = impatientFates(found, n / h, 0.1, never).answeredWithin(seconds);
    t.ok(Math.abs(clocked - sim) < Math.abs(poisson - sim), `${n} people, ${ahead} ahead, within ${seconds} s: simulated ${sim.toFixed(3)}, clock ${clocked.toFixed(3)}, Poisson ${poisson.toFixed(3)}`);
    if (sim > 0.05) t.ok(close(clocked, sim, 0.025), 'the clock within 2.5 points of the simulation');
  }
});

t.test('a long wait solved at once: Poisson weights that start below the smallest number', async (t) => {
  // 30 ahead of 40 people, waits up to an hour: the uniformised rate × time is far past 745, where e^{−Λt} is 0.
  const found = [...new Array<number>(30).fill(0), 1];
  const patience = exponentialPatience(1800);
  const atOnce = impatientFates(found, 40 / 134, 0.3, patience, { phases: 5, people: 40 });
  const sliced = impatientFates(found, () => 40 / 134, 0.3, patience, { phases: 5, people: 40 });
  for (const seconds of [60, 600, 3600]) t.ok(close(atOnce.answeredWithin(seconds), sliced.answeredWithin(seconds), 1e-4), `within ${seconds} s: ${atOnce.answeredWithin(seconds)} and ${sliced.answeredWithin(seconds)}`);
  t.ok(close(atOnce.answeredWithin(3600), 1 - atOnce.abandon, 1e-9), 'within an hour, everyone answered who is ever answered');
});

t.test('a chain that does not change is solved at once: the same figures as followed slice by slice', async (t) => {
  // Exponential patience and a constant rate take the steady path; the same rate given as a function of the time waited takes the slices.
  const patience = exponentialPatience(400);
  const found = [0.05, 0.1, 0.1, 0.08, 0.05, 0.03, 0.02, 0.01];
  for (const clock of [undefined, { phases: 4, people: 3 }]) {
    const atOnce = impatientFates(found, 3 / 134, 0.05, patience, clock);
    const sliced = impatientFates(found, () => 3 / 134, 0.05, patience, clock);
    const said = clock ? 'Erlang-4 calls' : 'Erlang A';
    t.ok(close(atOnce.abandon, sliced.abandon, 1e-5), `${said}: hung up ${atOnce.abandon} and ${sliced.abandon}`);
    t.ok(close(atOnce.meanWait, sliced.meanWait, 0.02), `mean wait ${atOnce.meanWait} and ${sliced.meanWait}`);
    for (const seconds of [60, 120, 300]) t.ok(close(atOnce.answeredWithin(seconds), sliced.answeredWithin(seconds), 1e-4), `within ${seconds} s: ${atOnce.answeredWithin(seconds)} and ${sliced.answeredWithin(seconds)}`);
  }
});
