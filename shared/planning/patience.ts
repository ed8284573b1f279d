import { FIELD, WAIT_BUCKETS, type Counters } from '../stats/layout.js';

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

export interface Fates {
  /** Of the callers who wait, as a share of all callers: answered within t seconds of joining. */
  answeredWithin(t: number): number;
  /** Share of all callers who hang up. */
  abandon: number;
  /** Mean wait of the callers who wait (answered or not), as a share of all callers × seconds. */
  meanWait: number;
}

const SLICE_SECONDS = 5;
const HORIZON_SECONDS = 4 * 3600;

/**
 * The fate of callers who find k others waiting (`found[k]`, shares of all callers) under M/M/n+G.
 * Their virtual wait V (the wait of one who never hangs up) does not depend on their own patience
 * (first come, first served), so P(answered within t) = E[S(V); V ≤ t], P(hang up) = 1 − E[S(V)],
 * E[wait] = ∫ S(s)·P(V > s) ds (the virtual-wait representation of M/M/n+G: Mandelbaum & Zeltyn,
 * "Staffing many-server queues with impatient customers", Operations Research 57(5), 2009, §2).
 * V: the k ahead move up at nμ + α_k(s) (a server frees, or one of them hangs up), then a server
 * frees at nμ; the i-th ahead joined (i − ½)/λ before the caller, so at the caller's s seconds it
 * has waited s + (i − ½)/λ and α_k(s) = Σ_{i=1..k} h(s + (i − ½)/λ) (Whitt's rates, the callers
 * ahead growing older as the caller waits). Solved in 5-second slices, rates held at each slice's
 * middle, each slice exactly by uniformisation; S at each slice's middle.
 * `serviceRate` may change with the caller's time waited s (more or fewer people answering once
 * the quarter hour they called in is over: shared/planning/transient.ts): held at each slice's middle too.
 */
export function impatientFates(found: readonly number[], serviceRate: number | ((waited: number) => number), joinRate: number, curve: PatienceCurve): Fates {
  const total = found.reduce((a, b) => a + b, 0);
  if (total === 0) return { answeredWithin: () => 0, abandon: 0, meanWait: 0 };
  const rateAt = typeof serviceRate === 'number' ? () => serviceRate : serviceRate;
  if (typeof serviceRate === 'number' && serviceRate === 0) return { answeredWithin: () => 0, abandon: total, meanWait: total * meanPatience(curve) };
  let top = found.length - 1;
  while (top > 0 && found[top]! < total * 1e-13) top--;
  let mass = Float64Array.from(found.slice(0, top + 1));
  let next = new Float64Array(top + 1);
  const rates = new Float64Array(top + 1);
  const answeredBy = [0];
  let reached = 0;
  let waitSum = 0;
  for (let t = 0; t < HORIZON_SECONDS && reached < total * (1 - 1e-9); t += SLICE_SECONDS) {
    const middle = t + SLICE_SECONDS / 2;
    rates[0] = rateAt(middle);
    // Nobody answering for now: nobody moves up, callers only hang up (uniformisation needs a rate above 0).
    if (rates[0] === 0) rates[0] = 1e-12;
    for (let k = 1; k <= top; k++) rates[k] = rates[k - 1]! + hazardAt(curve, middle + (k - 0.5) / joinRate);
    const uniform = rates[top]!;
    const lt = uniform * SLICE_SECONDS;
    const steps = Math.ceil(lt + 6 * Math.sqrt(lt) + 8);
    const before = reached;
    const start = mass.slice();
    const end = new Float64Array(top + 1);
    let absorbed = 0;
    let weight = Math.exp(-lt);
    let weights = 0;
    let endAbsorbed = 0;
    for (let m = 0; m <= steps; m++) {
      weights += weight;
      endAbsorbed += weight * absorbed;
      for (let k = 0; k <= top; k++) end[k]! += weight * start[k]!;
      next.fill(0);
      for (let k = 0; k <= top; k++) {
        const q = start[k]!;
        if (q === 0) continue;
        const up = rates[k]! / uniform;
        next[k]! += q * (1 - up);
        if (k === 0) absorbed += q * up;
        else next[k - 1]! += q * up;
      }
      start.set(next);
      weight *= lt / (m + 1);
    }
    // Poisson weight past `steps` (below 1e-9): count it at the last step.
    endAbsorbed += Math.max(0, 1 - weights) * absorbed;
    for (let k = 0; k <= top; k++) end[k]! += Math.max(0, 1 - weights) * start[k]!;
    [mass, next] = [end, mass];
    reached = before + endAbsorbed;
    const s = survivalAt(curve, middle);
    answeredBy.push(answeredBy[answeredBy.length - 1]! + s * endAbsorbed);
    waitSum += s * (total - (before + reached) / 2) * SLICE_SECONDS;
  }
  const answered = answeredBy[answeredBy.length - 1]!;
  return {
    answeredWithin: (seconds) => {
      const i = seconds / SLICE_SECONDS;
      const lo = Math.min(answeredBy.length - 1, Math.floor(i));
      const hi = Math.min(answeredBy.length - 1, lo + 1);
      return answeredBy[lo]! + (answeredBy[hi]! - answeredBy[lo]!) * (i - Math.floor(i));
    },
    abandon: total - answered,
    meanWait: waitSum,
  };
}
