import { FIELD, WAIT_BUCKETS, type Counters } from '../stats/layout.js';
import { answerClock } from './answer-regularity.js';
import { runClock } from './clock-chain.js';

/**
 * Callers' patience as a piecewise-constant hazard: from `starts[i]` (seconds into the wait) to
 * `starts[i + 1]` a caller still waiting hangs up at `rates[i]` per second; the last rate holds for
 * ever. Exponential patience (Erlang A) is the one-piece case. Real callers mostly hold on through
 * their first minutes and then give up (a rising hazard), which one rate cannot say.
 */
export interface PatienceCurve {
  starts: number[];
  rates: number[];
}

export const exponentialPatience = (meanSeconds: number): PatienceCurve => ({ starts: [0], rates: [Number.isFinite(meanSeconds) ? 1 / meanSeconds : 0] });

export function hazardAt(curve: PatienceCurve, t: number): number {
  // The last piece starting at or before t (binary search: curves have hundreds of pieces).
  let [lo, hi] = [0, curve.starts.length - 1];
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (curve.starts[mid]! <= t) lo = mid;
    else hi = mid - 1;
  }
  return curve.rates[lo]!;
}

/** P(patience > t) = exp(−∫₀ᵗ h). */
export function survivalAt(curve: PatienceCurve, t: number): number {
  let cumulative = 0;
  for (let i = 0; i < curve.starts.length && curve.starts[i]! < t; i++) {
    const end = Math.min(t, curve.starts[i + 1] ?? Infinity);
    cumulative += curve.rates[i]! * (end - curve.starts[i]!);
  }
  return Math.exp(-cumulative);
}

/** Mean patience ∫₀^∞ S(t) dt, exactly for the pieces; Infinity when the last rate is 0. */
export function meanPatience(curve: PatienceCurve): number {
  let mean = 0;
  let survival = 1;
  for (let i = 0; i < curve.starts.length; i++) {
    const rate = curve.rates[i]!;
    const width = (curve.starts[i + 1] ?? Infinity) - curve.starts[i]!;
    if (width === Infinity) return rate > 0 ? mean + survival / rate : Infinity;
    mean += rate > 0 ? (survival * (1 - Math.exp(-rate * width))) / rate : survival * width;
    survival *= Math.exp(-rate * width);
  }
  return mean;
}

/** Log-normal patience (the load test's callers) as pieces of `step` seconds up to `until`: each piece's rate keeps S exact at its ends. */
export function lognormalPatience(medianSeconds: number, sigma: number, step = 15, until = 7200): PatienceCurve {
  const survival = (t: number) => (t <= 0 ? 1 : 1 - normalCdf(Math.log(t / medianSeconds) / sigma));
  const starts: number[] = [];
  const rates: number[] = [];
  for (let t = 0; t < until; t += step) {
    starts.push(t);
    const [a, b] = [survival(t), survival(t + step)];
    rates.push(b > 0 && a > 0 ? Math.log(a / b) / step : rates[rates.length - 1] ?? 0);
  }
  return { starts, rates };
}

/** Φ by the complementary error function (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erfc = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x);
  return z >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/** The wait buckets' lower and upper ends in seconds (WAIT_BUCKETS: 0, 1–30, …, 241–300, over 300). */
const BUCKET_ENDS = [0, 30, 60, 90, 120, 180, 240, 300];

/**
 * Patience learnt from the wait buckets the statistics already count, answered and hung-up callers
 * apart: the life-table (actuarial) estimate, i.e. the maximum-likelihood piecewise-constant hazard
 * with grouped, censored data (Holford 1976, "Life tables with concomitant information",
 * Biometrics 32; the grouped form of Kaplan–Meier). In each piece the rate is the hang-ups in it
 * over the seconds everyone spent waiting in it: the whole piece for callers who waited past it,
 * half of it (the midpoint) for callers who ended in it, answered (censored) or hung up. Past 300 s
 * the time waited is what the wait sums leave over. Waits of 0 s (answered at once) add nothing.
 * Where nobody waited (or, past 300 s, nobody hung up) there is no basis: the overall rate, hang-ups
 * over all time waited (exponential patience's estimate). Fewer than `minAbandons` hang-ups:
 * undefined (no basis for a shape).
 */
export function patienceFromCounters(intervals: readonly Counters[], minAbandons: number): PatienceCurve | undefined {
  const buckets = WAIT_BUCKETS.length;
  const ended = new Array<number>(buckets).fill(0);
  const hungUp = new Array<number>(buckets).fill(0);
  let waited = 0;
  for (const c of intervals) {
    for (let b = 0; b < buckets; b++) {
      ended[b]! += c[FIELD.answeredWait + b]! + c[FIELD.missedWait + b]!;
      hungUp[b]! += c[FIELD.missedWait + b]!;
    }
    waited += c[FIELD.answeredWaitSum]! + c[FIELD.missedWaitSum]!;
  }
  const abandons = hungUp.reduce((a, b) => a + b, 0);
  if (abandons < minAbandons || !(waited > 0)) return undefined;
  const overall = abandons / waited;
  let atRisk = ended.reduce((a, b) => a + b, 0) - ended[0]!;
  const starts: number[] = [];
  const rates: number[] = [];
  let exposureSoFar = 0;
  for (let b = 1; b < buckets - 1; b++) {
    const width = BUCKET_ENDS[b]! - BUCKET_ENDS[b - 1]!;
    const exposure = (atRisk - ended[b]!) * width + (ended[b]! * width) / 2;
    starts.push(BUCKET_ENDS[b - 1]!);
    rates.push(exposure > 0 ? hungUp[b]! / exposure : overall);
    exposureSoFar += exposure;
    atRisk -= ended[b]!;
  }
  const beyond = waited - exposureSoFar;
  starts.push(BUCKET_ENDS[buckets - 2]!);
  rates.push(beyond > 0 && hungUp[buckets - 1]! > 0 ? hungUp[buckets - 1]! / beyond : overall);
  return { starts, rates };
}

/**
 * Whitt's M/M/n+M(n) approximation of M/M/n+G (W. Whitt, "Engineering solution of a basic
 * call-center model", Management Science 51(2), 2005, §3): with k callers waiting, the rate at
 * which one of them hangs up is α_k = Σ_{j=1..k} h(w_j), the hazard of each at the time it has
 * waited. Here the j-th from the back has waited w_j = (j − ½)/λ (callers joined one arrival
 * apart; with no arrivals, one answer apart, 1/(nμ)). Exponential patience gives α_k = kθ: Erlang A.
 */
/**
 * α_j(s) = Σ_{i=1..j} h(s + (i − ½)/λ) counted piece by piece (how many of the j waits fall in
 * each), so the wait loop's estimate costs the pieces, not the callers ahead, per step.
 */
export function hazardOfAhead(curve: PatienceCurve, s: number, ahead: number, joinRate: number): number {
  if (ahead < 1) return 0;
  if (!(joinRate > 0) || !Number.isFinite(joinRate)) return ahead * hazardAt(curve, s);
  let sum = 0;
  for (let p = 0; p < curve.starts.length; p++) {
    const [a, b] = [curve.starts[p]!, curve.starts[p + 1] ?? Infinity];
    // i with a ≤ s + (i − ½)/λ < b.
    const first = Math.max(1, Math.ceil((a - s) * joinRate + 0.5));
    const last = Math.min(ahead, b === Infinity ? ahead : Math.ceil((b - s) * joinRate + 0.5) - 1);
    if (last >= first) sum += (last - first + 1) * curve.rates[p]!;
  }
  return sum;
}

export function abandonRates(curve: PatienceCurve, joinRate: number, maxWaiting: number): Float64Array {
  const alpha = new Float64Array(maxWaiting + 1);
  for (let k = 1; k <= maxWaiting; k++) alpha[k] = alpha[k - 1]! + hazardAt(curve, (k - 0.5) / joinRate);
  return alpha;
}

/** The people answering, busy throughout a caller's wait, and how alike their calls are (Erlang-`phases` handle times): their answers' regularity (shared/planning/answer-regularity.ts). */
export interface AnswerClock {
  phases: number;
  people: number;
}

export interface Fates {
  /** Of the callers who wait, as a share of all callers: answered within t seconds of joining. */
  answeredWithin(t: number): number;
  /** Share of all callers who hang up. */
  abandon: number;
  /** Mean wait of the callers who wait (answered or not), as a share of all callers × seconds. */
  meanWait: number;
}

const SLICE_SECONDS = 5;
/** After the first ten minutes of a wait (past most answer targets), slices of half a minute: rates and patience change slowly there. */
const FINE_SECONDS = 600;
const COARSE_SLICE_SECONDS = 30;
const HORIZON_SECONDS = 4 * 3600;
const sliceAt = (t: number) => (t < FINE_SECONDS ? SLICE_SECONDS : COARSE_SLICE_SECONDS);
/** Slices from 0 to `seconds`, fractional within the last. */
const slicesTo = (seconds: number) => (seconds < FINE_SECONDS ? seconds / SLICE_SECONDS : FINE_SECONDS / SLICE_SECONDS + (seconds - FINE_SECONDS) / COARSE_SLICE_SECONDS);

/**
 * The fate of callers who find k others waiting (`found[k]`, shares of all callers) under M/M/n+G.
 * Their virtual wait V (the wait of one who never hangs up) does not depend on their own patience
 * (first come, first served), so P(answered within t) = E[S(V); V ≤ t], P(hang up) = 1 − E[S(V)],
 * E[wait] = ∫ S(s)·P(V > s) ds (the virtual-wait representation of M/M/n+G: Mandelbaum & Zeltyn,
 * "Staffing many-server queues with impatient customers", Operations Research 57(5), 2009, §2).
 * V: the k ahead move up at nμ + α_k(s) (a server frees, or one of them hangs up), then a server
 * frees at nμ; the i-th ahead joined (i − ½)/λ before the caller, so at the caller's s seconds it
 * has waited s + (i − ½)/λ and α_k(s) = Σ_{i=1..k} h(s + (i − ½)/λ) (Whitt's rates, the callers
 * ahead growing older as the caller waits). Solved in 5-second slices (half-minute ones past ten minutes), rates held at each slice's
 * middle, each slice exactly by uniformisation; S at each slice's middle.
 * `serviceRate` may change with the caller's time waited s (more or fewer people answering once
 * the quarter hour they called in is over: shared/planning/transient.ts): held at each slice's middle too.
 * With a `clock`, the answers come as regularly as calls of that spread end (not as a Poisson
 * stream): each caller's wait for the people is an Erlang clock with the mean and variance of the
 * exact one (shared/planning/answer-regularity.ts).
 */
export function impatientFates(found: readonly number[], serviceRate: number | ((waited: number) => number), joinRate: number, curve: PatienceCurve, clock?: AnswerClock): Fates {
  const total = found.reduce((a, b) => a + b, 0);
  if (total === 0) return { answeredWithin: () => 0, abandon: 0, meanWait: 0 };
  const rateAt = typeof serviceRate === 'number' ? () => serviceRate : serviceRate;
  if (typeof serviceRate === 'number' && serviceRate === 0) return { answeredWithin: () => 0, abandon: total, meanWait: total * meanPatience(curve) };
  // The far tail (under 1e-12 of the callers together) joins the last place kept: it costs most
  // (the longest clocks) and moves no figure.
  let kept = found.length;
  for (let tail = 0; kept > 1 && tail + found[kept - 1]! < total * 1e-12; kept--) tail += found[kept - 1]!;
  const trimmed = found.slice(0, kept);
  trimmed[kept - 1]! += total - trimmed.reduce((a, b) => a + b, 0);
  // Callers by the phases to a place of their answer clock (shared/planning/answer-regularity.ts), each at the phases to go of theirs.
  const groups = new Map<number, number[]>();
  trimmed.forEach((share, ahead) => {
    if (share === 0) return;
    const { phases, perPlace } = clock ? answerClock(clock.phases, clock.people, ahead) : { phases: ahead + 1, perPlace: 1 };
    const group = groups.get(perPlace) ?? groups.set(perPlace, []).get(perPlace)!;
    const [whole, part] = [Math.floor(phases), phases - Math.floor(phases)];
    group[whole - 1] = (group[whole - 1] ?? 0) + share * (1 - part);
    if (part > 0) group[whole] = (group[whole] ?? 0) + share * part;
  });
  // Exponential patience and people who do not change: the chain is the same at every moment, and solved as such.
  const steady = typeof serviceRate === 'number' && curve.starts.length === 1;
  const followed = [...groups].map(([perPlace, shares]) => {
    const toGo = Array.from(shares, (x) => x ?? 0);
    return steady ? followSteadily(toGo, perPlace, serviceRate, curve.rates[0]!) : followWaits(toGo, perPlace, rateAt, joinRate, curve);
  });
  const answered = followed.reduce((sum, f) => sum + f.answered, 0);
  return {
    answeredWithin: (seconds) => followed.reduce((sum, f) => sum + f.answeredWithin(seconds), 0),
    abandon: total - answered,
    meanWait: followed.reduce((sum, f) => sum + f.waitSum, 0),
  };
}

/** One group of callers' fates: answered within t, answered at all, and their waits summed (shares × seconds). */
interface GroupFates {
  answeredWithin(seconds: number): number;
  answered: number;
  waitSum: number;
}

/**
 * `followWaits` when nothing changes with time: exponential patience θ (each of p ahead hangs up at
 * θ too: α_p = pθ) and a constant service rate r. From s phases to go less one, a phase passes at Kr,
 * a caller ahead hangs up at α_⌊s/K⌋, the caller at θ; so, first step analysis (R_s the sum of the three),
 *   P(answered | s) = (Kr·P(answered | s − 1) + α·P(answered | s − K)) / R_s, and likewise
 *   E[wait | s] = (1 + Kr·E[wait | s − 1] + α·E[wait | s − K]) / R_s,
 * with P = 1 and E = 0 once answered (s = −1): for K = 1, Erlang A's nμ/(nμ + (j + 1)θ) and
 * (j + 1)/(nμ + (j + 1)θ). Answered within t by uniformisation of the same chain (as `servedWithin`).
 */
function followSteadily(toGo: readonly number[], K: number, rate: number, theta: number): GroupFates {
  const size = toGo.length;
  const phaseRate = K * rate;
  const aheadRates = Float64Array.from({ length: Math.floor((size - 1) / K) + 1 }, (_, p) => p * theta);
  const aheadRate = (s: number) => aheadRates[Math.floor(s / K)]!;
  const answeredFrom = new Float64Array(size);
  const waitFrom = new Float64Array(size);
  for (let s = 0; s < size; s++) {
    const out = phaseRate + aheadRate(s) + theta;
    const [onAnswer, onWait] = s === 0 ? [1, 0] : [answeredFrom[s - 1]!, waitFrom[s - 1]!];
    const jump = s >= K ? [answeredFrom[s - K]!, waitFrom[s - K]!] : [0, 0];
    answeredFrom[s] = (phaseRate * onAnswer + aheadRate(s) * jump[0]!) / out;
    waitFrom[s] = (1 + phaseRate * onWait + aheadRate(s) * jump[1]!) / out;
  }
  const within = new Map<number, number>();
  const answeredWithin = (t: number) => {
    if (!(t > 0)) return 0;
    const known = within.get(t);
    if (known !== undefined) return known;
    const value = runClock(Float64Array.from(toGo), K, phaseRate, aheadRates, theta, t).answered;
    within.set(t, value);
    return value;
  };
  return {
    answeredWithin,
    answered: toGo.reduce((sum, q, s) => sum + q * answeredFrom[s]!, 0),
    waitSum: toGo.reduce((sum, q, s) => sum + q * waitFrom[s]!, 0),
  };
}

/**
 * The virtual waits of callers with `toGo[s]` phases of their answer clock to go less one (s + 1),
 * K phases to a place, each at K times the service rate (K = 1, s = j: Erlang A's exponential
 * answers); a caller ahead hanging up moves the caller a whole place, K phases.
 */
function followWaits(toGo: readonly number[], K: number, rateAt: (waited: number) => number, joinRate: number, curve: PatienceCurve): GroupFates {
  const total = toGo.reduce((a, b) => a + b, 0);
  const size = toGo.length;
  let mass: Float64Array = Float64Array.from(toGo);
  // The callers ahead at each phase to go: ⌊s/K⌋.
  const top = Math.floor((size - 1) / K);
  const hangUps = new Float64Array(top + 1);
  const answeredBy = [0];
  let reached = 0;
  let waitSum = 0;
  for (let t = 0, slice = sliceAt(0); t < HORIZON_SECONDS && reached < total * (1 - 1e-9); t += slice, slice = sliceAt(t)) {
    const middle = t + slice / 2;
    // Nobody answering for now: nobody moves up, callers only hang up (uniformisation needs a rate above 0).
    const phaseRate = K * (rateAt(middle) || 1e-12);
    for (let j = 1; j <= top; j++) hangUps[j] = hangUps[j - 1]! + hazardAt(curve, middle + (j - 0.5) / joinRate);
    const before = reached;
    const step = runClock(mass, K, phaseRate, hangUps, 0, slice);
    mass = step.end;
    reached = before + step.answered;
    const s = survivalAt(curve, middle);
    answeredBy.push(answeredBy[answeredBy.length - 1]! + s * step.answered);
    waitSum += s * (total - (before + reached) / 2) * slice;
  }
  const slices = answeredBy.length;
  return {
    answeredWithin: (seconds) => {
      const i = slicesTo(seconds);
      const lo = Math.min(slices - 1, Math.floor(i));
      const hi = Math.min(slices - 1, lo + 1);
      return answeredBy[lo]! + (answeredBy[hi]! - answeredBy[lo]!) * (i - Math.floor(i));
    },
    answered: answeredBy[slices - 1]!,
    waitSum,
  };
}
