/**
 * How regularly busy people answer the next caller. Erlang A takes the answers of n busy people as
 * a Poisson stream: a caller with j ahead then waits a Gamma(j + 1, nμ) time, and over a long wait
 * some mornings in its reckoning finish many calls in a short time. Calls of much the same length
 * (Erlang-k handle times, k > 1) end more evenly than that: over a stretch shorter than a call the
 * answers of several people are nearly Poisson (each person's next finish is anywhere in their
 * call), over several calls' length their count varies only 1/k as much, and the first answers come
 * a little sooner (a call under way has on average (1 + 1/k)/2 of a call left to run, less than a
 * whole one: the stationary phase).
 *
 * Exactly, for n people each busy without a break on Erlang-k calls begun at their stationary
 * phase, the answers counted over x handle times are N(x) = Σ_i ⌊(J_i + M_i)/k⌋, J_i uniform over
 * 0..k−1 and M_i ~ Poisson(kx) the phases passed (Cox, Renewal Theory, 1962, §4.2 and §5.2: the
 * equilibrium renewal process, and independent streams superposed), and the caller with j ahead is
 * answered at the (j + 1)-th: P(T_{j+1} > x) = P(N(x) ≤ j). Its mean and variance are worked out
 * from that, and the caller's wait is followed as an Erlang clock with the same two (phase-type
 * fitting by two moments: Whitt, "Approximating a point process by a renewal process, I", Operations
 * Research 30(1), 1982, §3): K phases to a place, K = mean/var with both in places (units of
 * 1/(nμ)) rounded to a whole number, and S = K·mean phases to go (S/K² = mean/K ≈ var). K = 1 and
 * S = j + 1 is Erlang A's own wait; a caller ahead hanging up moves the caller K phases, a whole place.
 * The people are taken as mid-call: people who have just begun theirs (at opening, or signing in to
 * a waiting queue) are slowed by their fresh start (shared/planning/transient.ts), not here.
 */

/** Callers' waits worked out exactly up to this many answers for one person (more people: in proportion); beyond it each more place adds one to the mean and 1/k to the variance, the regular stream's own. */
const EXACT_ANSWERS_PER_PERSON = 6;
const MIN_EXACT_ANSWERS = 24;
/** Worked out exactly for up to this many people (the work grows with the cube of the people); more are scaled from it (`answerWait`). */
const MAX_EXACT_PEOPLE = 16;
/** Time steps per answer in the integrals of the waits' moments (Simpson's rule). */
const STEPS_PER_ANSWER = 8;
/** The most phases followed per place: calls more alike than Erlang-6 (a coefficient of variation under 0.41, rare on a phone line) are taken as Erlang-6's here, the waits' cost growing with the square of the phases. */
const MAX_CLOCK_PHASES = 6;

interface AnswerWaits {
  /** Mean and variance of the wait for the m-th answer, m = 1.., in places: units of 1/(nμ) and its square. */
  mean: Float64Array;
  variance: Float64Array;
  k: number;
}

const worked = new Map<string, AnswerWaits>();

/** The distribution of one person's answers over x handle times (counts 0..last, the rest left out). */
function personAnswers(k: number, x: number, last: number): Float64Array {
  const counts = new Float64Array(last + 1);
  const mean = k * x;
  const phasesNeeded = (last + 1) * k;
  let weight = Math.exp(-mean);
  for (let m = 0; m < phasesNeeded; m++) {
    for (let j = 0; j < k; j++) {
      const c = Math.floor((j + m) / k);
      if (c <= last) counts[c]! += weight / k;
    }
    weight *= mean / (m + 1);
    if (weight === 0 && m > mean) break;
  }
  return counts;
}

/** The first and last counts above 1e-300 (all of them when none is). */
function support(counts: Float64Array): [number, number] {
  let [from, to] = [0, counts.length - 1];
  while (from < to && counts[from]! < 1e-300) from++;
  while (to > from && counts[to]! < 1e-300) to--;
  return [from, to];
}

function workOut(people: number, k: number): AnswerWaits {
  const answers = Math.max(MIN_EXACT_ANSWERS, EXACT_ANSWERS_PER_PERSON * people);
  const mean = new Float64Array(answers);
  const second = new Float64Array(answers);
  const dx = 1 / (people * STEPS_PER_ANSWER);
  // P(N(x) ≤ m − 1) for m = 1..answers, integrated over x until even the last is all but done.
  const stillWaiting = (x: number) => {
    const one = personAnswers(k, x, answers - 1);
    // Only the counts that hold any probability (a person's are a few around x).
    const [from, to] = support(one);
    let all = one;
    let [low, high] = [from, to];
    for (let p = 1; p < people; p++) {
      const next = new Float64Array(answers);
      for (let a = low; a <= high; a++) {
        for (let b = from; b <= to && a + b < answers; b++) next[a + b]! += all[a]! * one[b]!;
      }
      [all, low, high] = [next, low + from, Math.min(answers - 1, high + to)];
    }
    const below = new Float64Array(answers);
    let sum = 0;
    for (let m = 0; m < answers; m++) below[m] = sum += all[m]!;
    return below;
  };
  // Simpson's rule over pairs of steps: E[T] = ∫ P(T > x) dx, E[T²] = ∫ 2x·P(T > x) dx.
  let previous = stillWaiting(0);
  for (let x = 2 * dx; ; x += 2 * dx) {
    const middle = stillWaiting(x - dx);
    const now = stillWaiting(x);
    for (let m = 0; m < answers; m++) {
      mean[m]! += ((previous[m]! + 4 * middle[m]! + now[m]!) * dx) / 3;
      second[m]! += ((2 * (x - 2 * dx) * previous[m]! + 8 * (x - dx) * middle[m]! + 2 * x * now[m]!) * dx) / 3;
    }
    previous = now;
    if (now[answers - 1]! < 1e-12) break;
  }
  // In places: the n people answer at n per handle time.
  const variance = mean.map((m, i) => (second[i]! - m * m) * people * people);
  return { mean: mean.map((m) => m * people), variance, k };
}

function answerWaits(people: number, k: number): AnswerWaits {
  const key = `${people}/${k}`;
  return worked.get(key) ?? worked.set(key, workOut(people, k)).get(key)!;
}

/** Calls as alike as Erlang-k's, k a whole number from 1 to MAX_CLOCK_PHASES (none, or not a number: 1, exponential). */
const phasesOf = (phases: number) => (Number.isFinite(phases) ? Math.min(MAX_CLOCK_PHASES, Math.max(1, Math.round(phases))) : 1);

/** The exact mean and variance for the m-th answer (m ≥ 0, fractional between whole ones; m = 0: none to wait for), in places. */
function exactly(waits: AnswerWaits, m: number): { mean: number; variance: number } {
  const last = waits.mean.length;
  if (m >= last) return { mean: waits.mean[last - 1]! + (m - last), variance: waits.variance[last - 1]! + (m - last) / waits.k };
  const at = (i: number) => (i === 0 ? { mean: 0, variance: 0 } : { mean: waits.mean[i - 1]!, variance: waits.variance[i - 1]! });
  const [lo, hi, part] = [at(Math.floor(m)), at(Math.ceil(m)), m - Math.floor(m)];
  return { mean: lo.mean + (hi.mean - lo.mean) * part, variance: lo.variance + (hi.variance - lo.variance) * part };
}

/**
 * Mean and variance, in places, of the wait of a caller with `ahead` callers ahead of `people` busy
 * people on Erlang-`phases` calls. More than MAX_EXACT_PEOPLE people (P of them): the wait over
 * the same time in handle times is taken as P people's (the count of n alike streams varies as n
 * times one's), so in places var_n(m) = (n/P)·var_P(Pm/n); the mean is m less P's shortfall at
 * Pm/n (the shortfall, the calls under way being part-done, tends to (1 − 1/k)/2 of a place for
 * any number of people).
 */
export function answerWait(phases: number, people: number, ahead: number): { mean: number; variance: number } {
  const k = phasesOf(phases);
  if (k === 1) return { mean: ahead + 1, variance: ahead + 1 };
  const n = Math.max(1, Math.round(people));
  if (n <= MAX_EXACT_PEOPLE) return exactly(answerWaits(n, k), ahead + 1);
  const scale = n / MAX_EXACT_PEOPLE;
  const m = (ahead + 1) / scale;
  const { mean, variance } = exactly(answerWaits(MAX_EXACT_PEOPLE, k), m);
  return { mean: ahead + 1 - (m - mean), variance: variance * scale };
}

/**
 * The Erlang clock of a caller with `ahead` callers ahead: `perPlace` (K) phases to each place and
 * `phases` (S) to go, a fractional S meaning the whole numbers either side in proportion (so the
 * clock's mean is the wait's: a whole S would move it by up to half a phase). At least one phase:
 * only a next-in-line caller with many people busy (K = 1, nearly Poisson answers) waits under a
 * place, and then by a few hundredths of one (0.94–0.98 at 16–40 people), which moves the mean far
 * less than taking K = 2 would move the variance.
 * Exponential calls, or nobody answering: Erlang A's, j + 1 phases of one.
 */
export function answerClock(phases: number, people: number, ahead: number): { phases: number; perPlace: number } {
  if (!(people > 0) || phasesOf(phases) === 1) return { phases: ahead + 1, perPlace: 1 };
  const { mean, variance } = answerWait(phases, people, ahead);
  const perPlace = Math.min(MAX_CLOCK_PHASES, Math.max(1, Math.round(mean / variance)));
  return { phases: Math.max(1, perPlace * mean), perPlace };
}
