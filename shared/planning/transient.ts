import { abandonRates, exponentialPatience, impatientFates, type PatienceCurve } from './patience.js';
import { NOBODY_CALLS, type QueuePrediction } from './queueing.js';
import { DEFAULT_HANDLE_PHASES } from './talk-spread.js';

/**
 * Erlang A through the day rather than quarter hour by quarter hour: the M/M/n+M chain's state
 * (how many callers are in the system) is carried from one period to the next, so a queue left by
 * the 8am burst is still there at 08:15. The forward equations are solved exactly by uniformisation
 * (Jensen's method: p(T) = Σ_m Poisson(m; ΛT)·p(0)·P^m, P = I + Q/Λ), and the time average over the
 * period, which is what its arrivals find (PASTA), by ∫_0^T Poisson(m; Λs) ds = P(Poisson(ΛT) > m)/Λ.
 * Each arrival's fate then follows from the callers ahead of it, as in the steady model:
 * answered eventually with probability nμ/(nμ + (k+1)θ), mean wait (k+1)/(nμ + (k+1)θ), for calls
 * as varied as the exponential's; for calls more alike (`handlePhases` > 1) the wait for the people
 * is the Erlang clock of shared/planning/answer-regularity.ts (`impatientFates`), the chain itself
 * still taking answers at nμ. With a patience curve (not exponential: shared/planning/patience.ts)
 * the chain is Whitt's M/M/n+M(n), k waiting hanging up at α_k, and the fates are M/M/n+G's.
 * Calls that do not arrive evenly through a period (`shares`: the 8am rush in its first minutes,
 * shared/planning/arrival-shape.ts) are carried through its equal sub-steps, each at its own rate,
 * and the period's prediction is the sub-steps' weighted by their calls.
 * A caller who joins late in a period is mostly answered in the next, by the next period's people
 * (`nextServers`: at 8:10 with four people answering and six from 8:15, the 8:10 caller's queue
 * moves at six people's pace from 8:15). With a patience curve, an arrival's fate is followed with
 * the service rate its wait meets: for arrivals spread evenly over a step of length L that ends
 * `tail` seconds before the period does, the share already past the period's end after waiting w is
 * p(w) = min(1, max(0, (w − tail)/L)), and the rate is μ·(n + (n' − n)·p(w)) (the mean over those
 * arrivals; the queue they find is the step's own, as before). People changing again later (a
 * schedule n'(t), t seconds after the period's end): the rate is μ times the mean over those
 * arrivals of the people at the moment they have waited w, (1/L)∫_0^L n(s + w) ds, by the
 * midpoint rule.
 */

export interface Period {
  arrivalsPerSecond: number;
  handleSeconds: number;
  patienceSeconds: number;
  /** Callers' patience when it is not exponential (then `patienceSeconds` is its mean, for sizing). */
  patience?: PatienceCurve;
  servers: number;
  seconds: number;
  /** The share of the period's calls in each of its equal sub-steps; none: evenly through it. */
  shares?: readonly number[];
  /** People answering once the period is over (the next period's; or by seconds after its end), for the fates of callers whose wait goes on past its end; none: `servers`. */
  nextServers?: number | ((secondsAfterEnd: number) => number);
  /**
   * Groups of people still on their first calls of a fresh start, each begun `since` seconds before
   * the period (negative: that many seconds into it): at opening each person as their first caller
   * comes (`openingStarts`), and people who signed in to a waiting queue, together. The other
   * people answering are at their steady pace. None: everyone is.
   */
  freshStarts?: readonly FreshGroup[];
  /** How alike calls are, as the order k of the Erlang-k handle time with their spread (1 / squared coefficient of variation); none: 2. The first calls of a fresh start and the waiting callers' answer clock depend on it; how many wait does not. */
  handlePhases?: number;
}

export interface FreshGroup {
  since: number;
  people: number;
}

/** Seconds later, the same groups (so a period's parts carry them on). */
const shifted = (groups: readonly FreshGroup[] | undefined, seconds: number) => groups?.map((g) => ({ ...g, since: g.since + seconds }));

export interface PeriodResult {
  prediction: QueuePrediction;
  /** Mean callers in the system (talking or waiting) at the period's end. */
  inSystemAtEnd: number;
}

/**
 * The chain through a day: `advance` predicts a period from a state (a distribution of callers in
 * the system) and gives the state at its end, so a planner can try several rosters for a quarter
 * hour before going on to the next.
 */
export class DayChain {
  readonly size: number;

  /** Room for every queue these periods can build beyond `maxServers`: with nobody answering, the queue settles around arrivals × patience (Poisson), plus eight standard deviations. */
  constructor(periods: readonly Omit<Period, 'servers' | 'seconds'>[], maxServers: number) {
    const longest = Math.max(0, ...periods.map((p) => peakRate(p) * p.patienceSeconds));
    const room = Math.ceil(longest + 8 * Math.sqrt(longest) + 40);
    this.size = maxServers + room + 1;
  }

  empty(): number[] {
    const p = new Array<number>(this.size).fill(0);
    p[0] = 1;
    return p;
  }

  advance(state: number[], period: Period): PeriodResult & { end: number[] } {
    const shares = period.shares;
    if (!shares || shares.length < 2 || period.arrivalsPerSecond === 0) return this.advanceSteadily(state, period);
    // Sub-step by sub-step, each at its own rate; the period's callers are the sub-steps' callers.
    const seconds = period.seconds / shares.length;
    return this.advanceInParts(
      state,
      shares.map((share, i) => ({
        share,
        tail: (shares.length - 1 - i) * seconds,
        period: { ...period, shares: undefined, seconds, arrivalsPerSecond: period.arrivalsPerSecond * (share * shares.length), freshStarts: shifted(period.freshStarts, i * seconds) },
      })),
    );
  }

  /** Parts of a period one after another, each ending `tail` seconds before the period does; the period's prediction is theirs weighted by `share` of its calls. */
  private advanceInParts(state: number[], parts: readonly { period: Period; tail: number; share: number }[]): PeriodResult & { end: number[] } {
    const steps = parts.map((part) => {
      const step = this.advanceSteadily(state, part.period, part.tail);
      state = step.end;
      return { share: part.share, prediction: step.prediction };
    });
    return { prediction: byCalls(steps), inSystemAtEnd: inSystem(state), end: state };
  }

  /** One period at one steady arrival rate, ending `tail` seconds before the whole period does. */
  private advanceSteadily(state: number[], period: Period, tail = 0): PeriodResult & { end: number[] } {
    const size = this.size;
    // Nobody calls and nobody is left: nothing happens (most of a day's closed hours).
    if (period.arrivalsPerSecond === 0 && state[0]! > 1 - 1e-12) return { prediction: NOBODY_CALLS, inSystemAtEnd: 0, end: state };
    const slice = period.handleSeconds / FRESH_SLICES;
    const start = freshStart(period.handleSeconds, period.handlePhases);
    // Groups still short of their steady pace (the pace is within e^{−8} of it after the horizon;
    // calls as varied as the exponential's, one phase, have no fresh start at all).
    const cohorts = start.horizon > 0 ? (period.freshStarts ?? []).filter((c) => c.since < start.horizon && c.people > 0) : [];
    if (cohorts.length > 0 && period.seconds > slice * 1.000001) {
      // The first calls of people who started together: slice by slice while their pace picks up.
      const parts: { period: Period; tail: number; share: number }[] = [];
      for (let t = 0; t < period.seconds - 1e-9; ) {
        const len = cohorts.some((c) => c.since + t < start.horizon) ? Math.min(slice, period.seconds - t) : period.seconds - t;
        parts.push({ period: { ...period, seconds: len, freshStarts: shifted(cohorts, t) }, tail: tail + period.seconds - t - len, share: len / period.seconds });
        t += len;
      }
      return this.advanceInParts(state, parts);
    }
    const { arrivalsPerSecond: lambda, servers: n, seconds } = period;
    // With m of the people busy, the m who began first are (the queue's callers went to them): the
    // steady, then the groups by start; groups beyond the people there are count for nothing.
    const byStart = [...cohorts].sort((a, b) => b.since - a.since);
    const steady = Math.max(0, n - byStart.reduce((sum, c) => sum + c.people, 0));
    const allotted = (m: number) => {
      let left = Math.max(0, m - steady);
      return byStart.map((c) => {
        const some = Math.min(left, c.people);
        left -= some;
        return { since: c.since, people: some };
      });
    };
    const busyRate = (m: number) => (Math.min(m, steady) + allotted(m).reduce((sum, c) => sum + c.people * start.meanPace(c.since, c.since + seconds), 0)) / period.handleSeconds;
    // Everyone busy: the people's pace s seconds into the period (the waiting callers' service rate).
    const all = allotted(n);
    const pace = (s: number) => (n > 0 ? (Math.min(n, steady) + all.reduce((sum, c) => sum + c.people * start.pace(c.since + s), 0)) / n : 1);
    const mu = n > 0 ? busyRate(n) / n : 1 / period.handleSeconds;
    const theta = 1 / period.patienceSeconds;
    const joinRate = lambda > 0 ? lambda : Math.max(n * mu, mu);
    const alpha = period.patience && abandonRates(period.patience, joinRate, size);
    const busy = Array.from({ length: Math.ceil(n) + 1 }, (_, m) => busyRate(Math.min(m, n)));
    const down = (N: number) => busy[Math.min(N, busy.length - 1)]! + (alpha ? alpha[Math.max(N - n, 0)]! : Math.max(N - n, 0) * theta);
    const uniform = lambda + down(size - 1);
    const lt = uniform * seconds;
    const steps = Math.ceil(lt + 10 * Math.sqrt(lt) + 20);
    // Two buffers swapped each step, and only the states that hold any probability yet (mass spreads one state a step).
    let v = Float64Array.from(state);
    let next = new Float64Array(size);
    const end = new Array<number>(size).fill(0);
    const average = new Array<number>(size).fill(0);
    let low = v.findIndex((x) => x > 0);
    let high = size - 1;
    while (high > low && v[high] === 0) high--;
    let logWeight = -lt;
    let cdf = 0;
    for (let m = 0; m <= steps; m++) {
      const weight = Math.exp(logWeight);
      cdf += weight;
      const beyond = Math.max(0, 1 - cdf); // P(Poisson(ΛT) > m)
      for (let N = low; N <= high; N++) {
        end[N]! += weight * v[N]!;
        average[N]! += (beyond / lt) * v[N]!;
      }
      if (beyond < 1e-15 && m > lt) break;
      const from = low;
      const to = high;
      low = Math.max(0, low - 1);
      high = Math.min(size - 1, high + 1);
      next.fill(0, low, high + 1);
      for (let N = from; N <= to; N++) {
        const q = v[N]!;
        if (q === 0) continue;
        const up = N < size - 1 ? lambda / uniform : 0;
        const dn = down(N) / uniform;
        next[N]! += q * (1 - up - dn);
        if (up) next[N + 1]! += q * up;
        if (dn) next[N - 1]! += q * dn;
      }
      [v, next] = [next, v];
      logWeight += Math.log(lt) - Math.log(m + 1);
    }
    const total = average.reduce((a, b) => a + b, 0);
    const found = average.slice(n).map((x) => x / total);
    const free = average.slice(0, n).reduce((a, b) => a + b, 0) / total;
    const serviceRate = n * mu;
    const after = period.nextServers ?? n;
    const base = 1 / period.handleSeconds;
    const people = after === n ? () => n : typeof after === 'number' ? (waited: number) => n + (after - n) * Math.min(1, Math.max(0, (waited - tail) / seconds)) : (waited: number) => meanPeople(n, after, seconds + tail, seconds, waited);
    const rateMet = after === n && cohorts.length === 0 ? serviceRate : (waited: number) => base * people(waited) * pace(seconds / 2 + waited);
    // Each caller's fate from those ahead: Erlang A's closed forms for exponential patience, calls
    // and a steady rate, the virtual wait otherwise (any patience, people changing, calls more alike).
    const fates = impatientFates(found, rateMet, joinRate, period.patience ?? exponentialPatience(period.patienceSeconds), { phases: period.handlePhases ?? DEFAULT_HANDLE_PHASES, people: n });
    const abandonProbability = fates.abandon;
    const answeredWithin = (t: number) => free + fates.answeredWithin(t);
    return {
      prediction: {
        waitProbability: 1 - free,
        abandonProbability,
        meanWaitSeconds: fates.meanWait,
        answeredWithin,
        serviceLevel: (t) => (abandonProbability >= 1 ? 0 : Math.min(1, answeredWithin(t) / (1 - abandonProbability))),
      },
      inSystemAtEnd: inSystem(end),
      end,
    };
  }
}

/**
 * Of `joined` people signing in while `before` people answer, how many find a caller waiting and
 * so start a call at once, together: E[min(joined, max(0, N − before))] over the state's N.
 */
export function joinersBusyAtOnce(state: readonly number[], before: number, joined: number): number {
  return state.reduce((sum, x, N) => sum + x * Math.min(joined, Math.max(0, N - before)), 0);
}

/**
 * Who starts a period on their first calls together: on an empty queue with callers coming (the
 * lines opening) every one of `servers`, each as their first caller comes; otherwise those signing
 * in (beyond `before`) who find a caller waiting. None: nobody new.
 */
function periodStarts(state: readonly number[], before: number, servers: number, arrivalsPerSecond: number, handleSeconds: number): FreshGroup[] | undefined {
  if (state[0]! > 1 - 1e-9) return arrivalsPerSecond > 0 ? openingStarts(servers, arrivalsPerSecond, handleSeconds) : undefined;
  return servers > before ? [{ since: 0, people: joinersBusyAtOnce(state, before, servers - before) }] : undefined;
}

/**
 * People signing out (`before` answering, `after` stay) finish the call in hand: going offline ends
 * no call. Any of the people is as likely as another to be the one leaving, so with N in the
 * system, min(N, before) of them busy, the number of leavers busy is hypergeometric; their callers
 * no longer need the people who stay and leave the chain's count at once (someone outside it is
 * answering them). Without this the chain would hand those callers back to the queue. The state
 * after; unchanged when nobody leaves.
 */
export function leaversFinishTheirCalls(state: readonly number[], before: number, after: number): number[] {
  const leaving = Math.round(before) - Math.round(after);
  if (leaving <= 0) return [...state];
  const people = Math.round(before);
  const next = new Array<number>(state.length).fill(0);
  state.forEach((x, N) => {
    if (x === 0) return;
    const busy = Math.min(N, people);
    // P(j busy among the leavers) ∝ C(busy, j)·C(people − busy, leaving − j), term by term from the least j.
    const least = Math.max(0, leaving - (people - busy));
    const most = Math.min(leaving, busy);
    const weights = [1];
    for (let j = least; j < most; j++) weights.push((weights.at(-1)! * (busy - j) * (leaving - j)) / ((j + 1) * (people - busy - leaving + j + 1)));
    const total = weights.reduce((a, b) => a + b, 0);
    weights.forEach((w, i) => (next[N - least - i]! += (x * w) / total));
  });
  return next;
}

/**
 * A period's start where the people answering change from `before` to `servers`: those leaving
 * take the callers they are answering with them (`leaversFinishTheirCalls`), those joining start
 * their first calls together (`periodStarts`). The state to advance from, and who starts fresh.
 */
export function changeOfPeople(state: readonly number[], before: number, servers: number, arrivalsPerSecond: number, handleSeconds: number): { state: number[]; freshStarts: FreshGroup[] | undefined } {
  return { state: leaversFinishTheirCalls(state, before, servers), freshStarts: periodStarts(state, before, servers, arrivalsPerSecond, handleSeconds) };
}

/** The expected number of callers in the system (waiting or being answered) in a state of the chain. */
export const inSystem = (state: readonly number[]) => state.reduce((sum, x, N) => sum + x * N, 0);

/** A period's prediction from its sub-steps', each weighted by its share of the period's calls. */
export function byCalls(steps: readonly { share: number; prediction: QueuePrediction }[]): QueuePrediction {
  const mix = (pick: (p: QueuePrediction) => number) => steps.reduce((sum, s) => sum + s.share * pick(s.prediction), 0);
  const abandonProbability = mix((p) => p.abandonProbability);
  const answeredWithin = (t: number) => mix((p) => p.answeredWithin(t));
  return {
    waitProbability: mix((p) => p.waitProbability),
    abandonProbability,
    meanWaitSeconds: mix((p) => p.meanWaitSeconds),
    answeredWithin,
    serviceLevel: (t) => (abandonProbability >= 1 ? 0 : Math.min(1, answeredWithin(t) / (1 - abandonProbability))),
  };
}

/**
 * People who start their first calls together finish them at first more slowly than the
 * exponential's steady pace: calls are more alike than that, so few end in the first seconds.
 * Handle times are taken as Erlang-k with mean h, k = `handlePhases` (1/k is their squared
 * coefficient of variation: the calls' own spread, learnt where the history says it; 2 where it
 * does not). The rate of completions of a person busy since time 0, relative to the steady 1/h, is
 * Erlang-k's renewal density times h (Cox, Renewal Theory, 1962, §4.2, with ω = e^{2πi/k}):
 *
 *   pace(t) = Σ_{r=0}^{k−1} ω^r e^{−(k/h)(1−ω^r)t}   (k = 2: 1 − e^{−4t/h})
 *
 * Over the day it loses h(1 − 1/k)/2 of a person's time (the renewal function's (c² − 1)/2): a
 * quarter of a call for Erlang-2, 0.4 of one for calls as alike as Erlang-5.
 */
interface FreshStart {
  /** pace(t) (none before the first call, t < 0), and its mean over [from, to]. */
  pace(t: number): number;
  meanPace(from: number, to: number): number;
  /** Seconds after which the pace is within e^{−8} of steady. */
  horizon: number;
}

/** The most phases followed: calls more alike than Erlang-12 (a coefficient of variation under 0.29) are taken as Erlang-12's. */
export const MAX_HANDLE_PHASES = 12;

export function freshStart(h: number, phases = DEFAULT_HANDLE_PHASES): FreshStart {
  const k = Math.min(MAX_HANDLE_PHASES, Math.max(1, Math.round(phases)));
  // Each r ≥ 1 term is ω^r e^{−z t}, z = (k/h)(1 − ω^r) = c − ib (the r = 0 term is the steady 1).
  const terms = Array.from({ length: k - 1 }, (_, i) => {
    const angle = (2 * Math.PI * (i + 1)) / k;
    return { angle, c: (k / h) * (1 - Math.cos(angle)), b: (k / h) * Math.sin(angle) };
  });
  // Re(ω^r e^{−zt}) = e^{−ct} cos(θ + bt); ∫ ω^r e^{−zt} dt = −ω^r e^{−zt} / z.
  const term = (t: number) => terms.reduce((sum, { angle, c, b }) => sum + Math.exp(-c * t) * Math.cos(angle + b * t), 0);
  const integral = (t: number) =>
    terms.reduce((sum, { angle, c, b }) => {
      // −e^{−ct} e^{i(θ + bt)} / (c − ib), real part: −e^{−ct} (c cos φ − b sin φ) / (c² + b²), φ = θ + bt.
      const phi = angle + b * t;
      return sum - (Math.exp(-c * t) * (c * Math.cos(phi) - b * Math.sin(phi))) / (c * c + b * b);
    }, 0);
  const slowest = Math.min(Infinity, ...terms.map((x) => x.c));
  // Before their first call (t < 0) a person finishes nothing.
  return {
    pace: (t) => (t < 0 ? 0 : 1 + term(t)),
    meanPace: (from, to) => {
      const begun = Math.max(0, from);
      return to <= begun ? 0 : (to - begun + integral(to) - integral(begun)) / (to - from);
    },
    horizon: terms.length ? 8 / slowest : 0,
  };
}
/**
 * The lines open on an empty queue: each of the people starts their first call as their first
 * caller comes. In a rush (more work arriving than the people can do: λh ≥ n) all of them are
 * taken within the first calls, the i-th at the i-th caller's expected arrival, i/λ seconds in (a
 * fractional last person counts in part). Otherwise a person is rarely needed at all, and one who
 * is most likely began earlier than that: everyone is taken as starting at opening.
 */
export function openingStarts(servers: number, arrivalsPerSecond: number, handleSeconds: number): FreshGroup[] {
  if (arrivalsPerSecond * handleSeconds < servers) return [{ since: 0, people: servers }];
  return Array.from({ length: Math.ceil(servers) }, (_, i) => ({ since: -(i + 1) / arrivalsPerSecond, people: Math.min(1, servers - i) }));
}

/** Slices of a handle time the first calls are followed in. */
const FRESH_SLICES = 8;

/** Points of the midpoint rule over a step's arrivals (people changing by the minute over a three-minute step: ample). */
const ARRIVAL_POINTS = 12;

/** The mean people answering, over arrivals spread evenly over [0, length], when each has waited `waited`: `servers` until `end`, then `after(t − end)`. */
function meanPeople(servers: number, after: (secondsAfterEnd: number) => number, end: number, length: number, waited: number): number {
  let sum = 0;
  for (let i = 0; i < ARRIVAL_POINTS; i++) {
    const at = ((i + 0.5) / ARRIVAL_POINTS) * length + waited;
    sum += at < end ? servers : after(at - end);
  }
  return sum / ARRIVAL_POINTS;
}

/** The highest arrival rate of a period's sub-steps (its rate when it has none). */
export const peakRate = (p: Pick<Period, 'arrivalsPerSecond' | 'shares'>) => p.arrivalsPerSecond * (p.shares && p.shares.length > 1 ? Math.max(...p.shares) * p.shares.length : 1);

/** Predictions for each period in turn, starting from `start` (a distribution of callers in the system; empty by default). */
export function transientPeriods(periods: Period[], start?: number[]): PeriodResult[] {
  const chain = new DayChain(periods, Math.max(0, ...periods.map((p) => p.servers)));
  let state = chain.empty();
  if (start) {
    state = new Array<number>(chain.size).fill(0);
    start.forEach((v, i) => (state[Math.min(i, chain.size - 1)]! += v));
  }
  return periods.map((period) => {
    const { prediction, inSystemAtEnd, end } = chain.advance(state, period);
    state = end;
    return { prediction, inSystemAtEnd };
  });
}
