import { runClock } from './clock-chain.js';

/**
 * Queueing formulas for planning how many people answer the phones.
 *
 * Both models take one 15-minute interval as steady (the "stationary independent period by
 * period" approach): calls arrive at random (Poisson) at `arrivalsPerSecond`, each takes an
 * exponentially distributed `handleSeconds` of a person's time (talk + wrap-up) on average, and
 * `servers` people answer.
 *
 * - Erlang C (M/M/n): nobody hangs up. Formulas as in Gans, Koole & Mandelbaum (2003),
 *   "Telephone call centers: tutorial, review, and research prospects", MSOM 5(2), §4.1:
 *   P(wait) = C(n, a) = n·B / (n − a·(1 − B)) with B = Erlang B(n, a) and a = λ/μ;
 *   P(W ≤ t) = 1 − C·e^{−(nμ − λ)t}; ASA = C / (nμ − λ).
 * - Erlang A (M/M/n+M, Palm's model): callers hang up after an exponentially distributed
 *   patience of mean 1/θ. Garnett, Mandelbaum & Reiman (2002), "Designing a call center with
 *   impatient customers", MSOM 4(3), §3, and Mandelbaum & Zeltyn, "The Palm/Erlang-A queue, with
 *   applications to call centers" (Technion notes, 2005): the number in the system is a birth–death
 *   chain with death rate jμ below n and nμ + kθ with k waiting, so with
 *   r_k = Π_{i=1..k} λ/(nμ + iθ) and A = Σ_{k≥0} r_k (their A(nμ/θ, λ/θ)),
 *   P(wait) = A·B / (1 + (A − 1)·B); an arrival finds k waiting with probability P(wait)·r_k/A
 *   (PASTA); P(abandon) = θ·E[queue]/λ and E[wait] = E[queue]/λ (Little).
 *   Answered within t: a caller with k ahead moves up at rate nμ + jθ (served or abandoned ahead)
 *   and hangs up at rate θ; that chain is solved exactly by uniformisation (Jensen's method).
 *   Worked example: the pyworkforce guide's Erlang A page (100 calls a half hour, 3-minute calls,
 *   5-minute patience, 13 people: 85.8% of callers answered within 20 s, 2.5% hang up).
 *
 * Everything is computed in log space (Erlang B by its recursion on 1/B, the queue weights as
 * log-sums) so hundreds of servers or very patient callers neither overflow nor underflow.
 */

export interface Load {
  arrivalsPerSecond: number;
  handleSeconds: number;
  servers: number;
}

export interface ImpatientLoad extends Load {
  /** Mean time a caller waits before hanging up; Infinity for callers who never do (Erlang C). */
  patienceSeconds: number;
}

export interface QueuePrediction {
  /** Probability a caller has to wait at all. */
  waitProbability: number;
  /** Probability a caller hangs up before being answered. */
  abandonProbability: number;
  /** Mean wait of every caller (answered or not), seconds; Infinity when the queue grows without end. */
  meanWaitSeconds: number;
  /** Of all callers, the share answered within `seconds` of joining the queue. */
  answeredWithin(seconds: number): number;
  /** Of the callers who are answered, the share answered within `seconds` (the CBT-style service level). */
  serviceLevel(seconds: number): number;
}

const logSumExp = (a: number, b: number) => (a === -Infinity ? b : b === -Infinity ? a : Math.max(a, b) + Math.log1p(Math.exp(-Math.abs(a - b))));

/** log of Erlang B(n, a): 1/B_0 = 1, 1/B_k = 1 + (k/a)·(1/B_{k−1}) (stable for any n and a). */
export function logErlangB(servers: number, offeredLoad: number): number {
  if (servers === 0) return 0;
  if (offeredLoad <= 0) return -Infinity;
  let logInverse = 0;
  for (let k = 1; k <= servers; k++) logInverse = logSumExp(0, Math.log(k / offeredLoad) + logInverse);
  return -logInverse;
}

export function erlangB(servers: number, offeredLoad: number): number {
  return Math.exp(logErlangB(servers, offeredLoad));
}

function check(load: Load): void {
  const { arrivalsPerSecond, handleSeconds, servers } = load;
  if (!(arrivalsPerSecond >= 0) || !Number.isFinite(arrivalsPerSecond)) throw new RangeError(`arrivalsPerSecond must be a finite number ≥ 0, not ${arrivalsPerSecond}`);
  if (!(handleSeconds > 0) || !Number.isFinite(handleSeconds)) throw new RangeError(`handleSeconds must be a finite number > 0, not ${handleSeconds}`);
  if (!Number.isInteger(servers) || servers < 0) throw new RangeError(`servers must be a whole number ≥ 0, not ${servers}`);
}

export const NOBODY_CALLS: QueuePrediction = { waitProbability: 0, abandonProbability: 0, meanWaitSeconds: 0, answeredWithin: () => 1, serviceLevel: () => 1 };

/** Erlang C (no caller hangs up). With nμ ≤ λ the queue grows without end: everyone waits, nobody within any time. */
export function erlangC(load: Load): QueuePrediction {
  check(load);
  const { arrivalsPerSecond: lambda, handleSeconds, servers: n } = load;
  if (lambda === 0) return NOBODY_CALLS;
  const mu = 1 / handleSeconds;
  const a = lambda * handleSeconds;
  if (n <= a) return { waitProbability: 1, abandonProbability: 0, meanWaitSeconds: Infinity, answeredWithin: () => 0, serviceLevel: () => 0 };
  const b = erlangB(n, a);
  const c = (n * b) / (n - a * (1 - b));
  const drain = n * mu - lambda;
  const answeredWithin = (t: number) => 1 - c * Math.exp(-drain * t);
  return { waitProbability: c, abandonProbability: 0, meanWaitSeconds: c / drain, answeredWithin, serviceLevel: answeredWithin };
}

/** Queue lengths whose weight is below e^−TAIL of the largest are left out (a relative error under 1e-15). */
const TAIL = 36;
const MAX_QUEUE = 200_000;

/** Erlang A (M/M/n+M). Infinite patience is Erlang C. */
export function erlangA(load: ImpatientLoad): QueuePrediction {
  check(load);
  if (!(load.patienceSeconds > 0)) throw new RangeError(`patienceSeconds must be > 0, not ${load.patienceSeconds}`);
  if (load.patienceSeconds === Infinity) return erlangC(load);
  const { arrivalsPerSecond: lambda, handleSeconds, servers: n, patienceSeconds } = load;
  if (lambda === 0) return NOBODY_CALLS;
  const mu = 1 / handleSeconds;
  const theta = 1 / patienceSeconds;
  const logLambda = Math.log(lambda);

  // log r_k until the weights have peaked and fallen TAIL below their peak.
  const logR: number[] = [0];
  let peak = 0;
  for (let k = 1; k < MAX_QUEUE; k++) {
    const next = logR[k - 1]! + logLambda - Math.log(n * mu + k * theta);
    logR.push(next);
    peak = Math.max(peak, next);
    if (lambda < n * mu + k * theta && next < peak - TAIL) break;
  }
  let logA = -Infinity;
  for (const l of logR) logA = logSumExp(logA, l);
  const logB = logErlangB(n, lambda / mu);
  // P(wait) = A·B / (1 + (A − 1)·B) = 1 / (1 + (1 − B)/(A·B)).
  const waitProbability = n === 0 ? 1 : 1 / (1 + Math.exp(Math.log1p(-Math.exp(logB)) - logA - logB));
  const found = logR.map((l) => waitProbability * Math.exp(l - logA));
  const meanQueue = found.reduce((sum, p, k) => sum + k * p, 0);
  const abandonProbability = (theta * meanQueue) / lambda;

  const answeredWithin = (t: number): number => {
    if (!(t >= 0)) throw new RangeError(`a time must be ≥ 0 seconds, not ${t}`);
    return 1 - waitProbability + servedWithin(found, n * mu, theta, t);
  };
  return {
    waitProbability,
    abandonProbability,
    meanWaitSeconds: meanQueue / lambda,
    answeredWithin,
    serviceLevel: (t) => (abandonProbability >= 1 ? 0 : Math.min(1, answeredWithin(t) / (1 - abandonProbability))),
  };
}

/**
 * Probability mass, starting as `found[k]` (k callers ahead; n servers give `serviceRate` nμ), that
 * reaches a server within t: from k ahead the caller moves up at nμ + kθ (served or abandoned ahead)
 * and hangs up at θ, a clock of one phase to a place (shared/planning/clock-chain.ts).
 */
export function servedWithin(found: number[], serviceRate: number, theta: number, t: number): number {
  if (t === 0 || serviceRate === 0) return 0;
  const aheadRates = Float64Array.from(found, (_, k) => k * theta);
  return runClock(Float64Array.from(found), 1, serviceRate, aheadRates, theta, t).answered;
}

export interface ServiceTarget {
  /** The answer target, seconds (the practice's answerTargetSeconds). */
  answerWithinSeconds: number;
  /** Share of answered callers to be answered within it (default 0.8). */
  serviceLevel: number;
  /** Highest acceptable share of callers hanging up (default 0.05: strictly below it). */
  maxAbandon: number;
}

export const DEFAULT_TARGET = { serviceLevel: 0.8, maxAbandon: 0.05 } as const;

export type Model = 'erlang-a' | 'erlang-c';

export function predict(model: Model, load: ImpatientLoad): QueuePrediction {
  return model === 'erlang-a' ? erlangA(load) : erlangC(load);
}

export function meetsTarget(prediction: QueuePrediction, target: ServiceTarget): boolean {
  return prediction.serviceLevel(target.answerWithinSeconds) >= target.serviceLevel && prediction.abandonProbability < target.maxAbandon;
}

/**
 * The fewest people who meet both the service level and the abandonment target. No calls: 0.
 * The search starts at a bound nobody can beat: answered work a·(1 − P(abandon)) needs at
 * least that many people busy, and P(abandon) < maxAbandon.
 */
export function staffingNeeded(model: Model, demand: Omit<ImpatientLoad, 'servers'>, target: ServiceTarget): number {
  if (demand.arrivalsPerSecond === 0) return 0;
  const a = demand.arrivalsPerSecond * demand.handleSeconds;
  const floor = model === 'erlang-c' ? Math.floor(a) + 1 : Math.max(1, Math.floor(a * (1 - target.maxAbandon)));
  for (let n = floor; ; n++) {
    if (meetsTarget(predict(model, { ...demand, servers: n }), target)) return n;
  }
}
