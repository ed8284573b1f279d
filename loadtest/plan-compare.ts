import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dayShape, SUB_STEPS } from '../shared/planning/arrival-shape.js';
import { lognormalPatience } from '../shared/planning/patience.js';
import { DEFAULT_TARGET, erlangA, NOBODY_CALLS, type QueuePrediction } from '../shared/planning/queueing.js';
import { answeredCall, answerGaps, MIN_ANSWER_GAPS, modelWaitTarget } from '../shared/planning/answer-delay.js';
import { byCalls, DayChain, inSystem, joinersBusyAtOnce, openingStarts, type FreshGroup, type Period } from '../shared/planning/transient.js';
import type { Scenario, Spread } from './scenario.js';
import type { HistoryMorning, RunResult } from './simulate.js';

/** One quarter hour of a run (or of several mornings): what the service's records show against what the planner predicts. */
export interface IntervalComparison {
  /** "08:00" for the first quarter hour after opening (the scenarios open at 08:00). */
  start: string;
  /** Calls that joined the queue, every practice of every morning together (redials included; callers who then asked for a call-back are counted as the call-back's work instead). */
  arrivals: number;
  /** Receptionists on the roster. */
  staff: number;
  /** People free to answer the queue, per practice: the roster less the time spent on call-backs and away after an unanswered ring. */
  answering: number;
  /** Of `staff`, the people per practice making reception call-backs, and away after an unanswered ring (averaged over the quarter hour). */
  onCallbacks: number;
  away: number;
  /** People the roster has signed out, still finishing the call in hand (averaged over the quarter hour; answering, though not on the roster). */
  finishing: number;
  /**
   * The practices' records pooled (every practice of every morning is one simulated morning of
   * the scenario: `mornings` of them): % answered within target of the answered, % hung up of those
   * who joined, and the standard error of the first across mornings (percentage points; null with one).
   */
  simulated: { answeredWithinTargetPct: number | null; abandonPct: number | null; standardErrorPp: number | null };
  /** Each quarter hour as if it were steady (what the roster planner shows). */
  predicted: { answeredWithinTargetPct: number; abandonPct: number };
  /** The same model carried through the morning: the queue a quarter hour leaves is the next one's start, and calls come within the quarter hour as the history mornings' did. */
  carried: { answeredWithinTargetPct: number; abandonPct: number };
  /** Predicted − simulated, percentage points; null when nobody was answered. */
  differencePp: number | null;
  carriedDifferencePp: number | null;
  /** The standard error of `carriedDifferencePp` across the mornings, each set against its own prediction (percentage points; null with one morning). */
  carriedDifferenceErrorPp: number | null;
  /** The carried prediction for the mornings' mean work instead (not the same: the model is not linear). */
  carriedForMeanWorkPct: number;
  /** Callers in the system (waiting, or on a call with a receptionist) per practice as the quarter hour starts: the records' count, and what the carried chain expects. Null where the records do not say. */
  inSystemAtStart: { simulated: number | null; carried: number };
  /** Talk as recorded + answer delay + wrap-up, seconds, every run together (each morning is predicted with its own run's: `runHandleSeconds`). */
  handleSeconds: number;
  /** Each run's own handle time, seconds, in the order the runs were given. */
  runHandleSeconds: number[];
  /** How alike those calls are: mean² ÷ variance of the handle time (talk and answer delay vary, wrap-up does not), the Erlang order the fresh start at opening follows. */
  handlePhases: number;
  /** Ten or more arrivals per practice, or a queue however few call (5% or more hung up, the usual target's limit): an interval whose figures mean something. */
  busy: boolean;
}

const QUARTER = 900;
/** The three-minute steps the check follows people and calls in. */
const STEP = QUARTER / SUB_STEPS;
/** The scenarios open at 08:00 London: a morning's quarter hour q is the day's 32 + q. */
const OPENING_QUARTER = 32;
const mean = (s: Spread) => s.medianSeconds * Math.exp((s.sigma * s.sigma) / 2);
/** A log-normal's variance: mean² (e^{σ²} − 1). */
const variance = (s: Spread) => mean(s) ** 2 * Math.expm1(s.sigma * s.sigma);
/** A scenario's log-normal as the records' moments are given: where the records have too few to tell. */
const drawn = (s: Spread) => ({ mean: mean(s), variance: variance(s) });
const round1 = (x: number) => Math.round(x * 10) / 10;
const hhmm = (quarter: number) => `${String(8 + Math.floor(quarter / 4)).padStart(2, '0')}:${String((quarter % 4) * 15).padStart(2, '0')}`;

/** Reception staff on the roster at `minute` after opening. */
const rosterAt = (scenario: Scenario, minute: number) => [...scenario.practices.roster].sort((a, b) => a.fromMinute - b.fromMinute).reverse().find((s) => s.fromMinute <= minute)?.staff ?? 0;

/** Reception staff signed in, averaged over the `index`-th period of `seconds` (a quarter hour unless said; the roster steps by minute). */
function staffIn(scenario: Scenario, index: number, seconds = QUARTER): number {
  const minutes = seconds / 60;
  let sum = 0;
  for (let minute = index * minutes; minute < (index + 1) * minutes; minute++) sum += rosterAt(scenario, minute);
  return sum / minutes;
}

/** A quarter hour's three-minute steps, added up. */
const inQuarter = (q: number, value: (step: number) => number) => Array.from({ length: SUB_STEPS }, (_, i) => value(q * SUB_STEPS + i)).reduce((a, b) => a + b, 0);

/**
 * Erlang A with a fractional number of people (some of their time went elsewhere): between the
 * whole numbers either side, in proportion.
 */
function fractional(servers: number, at: (n: number) => QueuePrediction): QueuePrediction {
  const low = Math.max(0, Math.floor(servers));
  const w = servers - low;
  const [a, b] = [at(low), w > 0 ? at(low + 1) : at(low)];
  const mix = (x: number, y: number) => x * (1 - w) + y * w;
  return {
    waitProbability: mix(a.waitProbability, b.waitProbability),
    abandonProbability: mix(a.abandonProbability, b.abandonProbability),
    meanWaitSeconds: mix(a.meanWaitSeconds, b.meanWaitSeconds),
    answeredWithin: (t) => mix(a.answeredWithin(t), b.answeredWithin(t)),
    serviceLevel: (t) => mix(a.serviceLevel(t), b.serviceLevel(t)),
  };
}

/**
 * The day's chain with fractional people, three minutes at a time: each step's calls (its share
 * of the quarter hour's) and people (those answering the queue then: call-back work starts a few
 * minutes into the 8am rush, not with it), its end state mixed between the whole numbers of people
 * either side; the callers still waiting at a step's end meet the people of the steps after it
 * (after the last period, `peopleAfter`, step by step, the last of them for ever).
 * Each quarter hour's prediction is its steps', weighted by their calls; and the callers the chain
 * expects in the system as each quarter hour starts.
 */
function carriedFractional(periods: (Omit<Period, 'servers' | 'seconds' | 'nextServers'> & { people: readonly number[]; joined: readonly number[] })[], peopleAfter: readonly number[]): { prediction: QueuePrediction; inSystemAtStart: number }[] {
  const schedule = [...periods.flatMap((p) => p.people), ...peopleAfter];
  const chain = new DayChain(periods, Math.ceil(Math.max(0, ...schedule)) + 1);
  let state = chain.empty();
  // The people at opening, and those who signed in to a waiting queue with the step they did (those who found a caller start together).
  const opening: FreshGroup[] = [];
  const joiners: { step: number; people: number }[] = [];
  return periods.map((period, q) => {
    const inSystemAtStart = inSystem(state);
    const shares = period.shares && period.shares.length === SUB_STEPS ? period.shares : new Array<number>(SUB_STEPS).fill(1 / SUB_STEPS);
    const steps = shares.map((share, i) => {
      const k = q * SUB_STEPS + i;
      const servers = schedule[k]!;
      const low = Math.max(0, Math.floor(servers));
      const w = servers - low;
      const arrivalsPerSecond = period.arrivalsPerSecond * share * SUB_STEPS;
      // The lines open on an empty queue: each person's first call starts as their first caller comes. People signing in to a waiting queue start together.
      if (k === 0) opening.push(...openingStarts(servers, arrivalsPerSecond, period.handleSeconds));
      else if (period.joined[i]! > 0) joiners.push({ step: k, people: joinersBusyAtOnce(state, schedule[k - 1]!, period.joined[i]!) });
      const freshStarts = [...opening.map((g) => ({ ...g, since: g.since + k * STEP })), ...joiners.map((j) => ({ since: (k - j.step) * STEP, people: j.people }))];
      const step = { ...period, shares: undefined, seconds: STEP, arrivalsPerSecond, nextServers: (t: number) => schedule[Math.min(schedule.length - 1, k + 1 + Math.floor(t / STEP))]!, freshStarts };
      const a = chain.advance(state, { ...step, servers: low });
      const b = w > 0 ? chain.advance(state, { ...step, servers: low + 1 }) : a;
      state = a.end.map((x, j) => x * (1 - w) + b.end[j]! * w);
      return { share, prediction: fractional(servers, (n) => (n === low ? a.prediction : b.prediction)) };
    });
    return { prediction: byCalls(steps), inSystemAtStart };
  });
}

/** One practice's morning, quarter hour by quarter hour, as its records show it. */
interface Morning {
  /** Calls that joined the queue (not those who then asked for a call-back), answered, answered within target, hung up. */
  queued: number[];
  answered: number[];
  within: number[];
  abandoned: number[];
  /** Staff-seconds making reception call-backs, and away after an unanswered ring, per three-minute step (SUB_STEPS a quarter hour). */
  callbackSeconds: number[];
  awaySeconds: number[];
  /** Staff-seconds per step of people the roster has signed out, finishing a call they took before it did (they are not the roster's, and they serve the queue's callers). */
  finishingSeconds: number[];
  /** Callers waiting or talking with a receptionist as each quarter hour starts (undefined: the records have no times). */
  inSystemAtStart: (number | undefined)[];
  /** The handle time of the run this morning belongs to. */
  handle: Handle;
}

/** Talk + answer delay + wrap-up, seconds, and how alike the calls are (mean² ÷ variance: talk and answer delay vary, wrap-up does not). */
interface Handle {
  seconds: number;
  phases: number;
  /** The answer delay's mean: a receptionist's phone rings while the caller's wait goes on. */
  answerDelaySeconds: number;
}

/**
 * Per quarter hour of a run, reception calls to every practice: the service's own records (queue
 * wait ≤ target, outcome) against Erlang A given the same work the simulated staff had. Counted
 * like with like:
 * - arrivals: the calls that joined the reception queue, redials included, as the service saw
 *   them; a caller who then asked for a call-back is counted once, as the call-back's work;
 * - people answering: the roster (averaged over the quarter hour), less the time staff spent making
 *   reception call-backs (ringing, the patient picking up or not, talk, wrap-up; a PCN-wide team's
 *   call-backs are its own people's work) and the time someone was away after an unanswered ring
 *   (the service sets them away; the simulated receptionist comes back at the next roster change),
 *   as a fractional number of people;
 * - handle time: the talk the service recorded for these calls (on a busy machine a compressed run's
 *   calls last longer than the scenario draws: timers fire late), the staff answer delay and wrap-up;
 *   patience: the scenario's callers' (log-normal) for the carried figures, its mean for the steady ones.
 * Several runs of the same scenario (other seeds: other mornings) are checked together.
 * Every practice of every run is one simulated morning: the model is given their mean work, and its
 * prediction (an expectation) is set against the mornings pooled, with the standard error of the
 * pooled figure across mornings (a ratio estimate: Cochran, Sampling Techniques, 3rd ed., §6.3),
 * so that a 5-point difference can be told from one morning's luck.
 */
export function comparePlan(runs: RunResult | readonly RunResult[]): IntervalComparison[] {
  const all = Array.isArray(runs) ? (runs as readonly RunResult[]) : [runs as RunResult];
  const s = all[0]!.scenario;
  const byRun = all.map((run) => ({ run, calls: receptionCalls(run.attempts, s) }));
  // Each run's mornings with the handle time that run lived: runs on a machine busier or quieter than another's stretch calls differently.
  const runHandles = byRun.map((r) => handleAsLived([r], s));
  const { seconds: handleSeconds, phases: handlePhases, answerDelaySeconds } = handleAsLived(byRun, s);
  // Within target as the planner counts it: the model's wait within the target less the answer delay (the records' wait runs to the pick-up).
  const modelTarget = (delaySeconds: number) => modelWaitTarget(s.targetWaitSeconds, delaySeconds);
  const patienceSeconds = mean(s.callers.patience);
  const quarters = Math.max(...all.map((run) => Math.ceil((run.arrivalMinutes * 60) / QUARTER)));
  const mornings = all.flatMap((run, i) => practiceMornings(run, quarters, runHandles[i]!));
  const m = mornings.length;
  const patience = lognormalPatience(s.callers.patience.medianSeconds, s.callers.patience.sigma);
  const { shape } = historyShape({ scenario: s, history: all.flatMap((run) => run.history ?? []) });
  // Each morning predicted from its own work: the model is not linear, so the mean of its predictions is not its prediction for the mean work.
  // People answering the queue in a three-minute step, and on average over a quarter hour.
  const answeringAt = (x: Morning, step: number) => Math.max(0, staffIn(s, step, STEP) + (x.finishingSeconds[step]! - x.callbackSeconds[step]! - x.awaySeconds[step]!) / STEP);
  const answeringIn = (x: Morning, q: number) => inQuarter(q, (step) => answeringAt(x, step)) / SUB_STEPS;
  // After the calls stop, the people answering those still waiting, step by step until the run stopped.
  const afterSteps = (x: Morning) => x.callbackSeconds.length - quarters * SUB_STEPS;
  const answeringAfter = (x: Morning) => Array.from({ length: afterSteps(x) }, (_, i) => answeringAt(x, quarters * SUB_STEPS + i));
  // People the roster signs in at a three-minute step's start (after opening).
  const joinedAt = (q: number) => Array.from({ length: SUB_STEPS }, (_, i) => (q * SUB_STEPS + i > 0 ? Math.max(0, staffIn(s, q * SUB_STEPS + i, STEP) - staffIn(s, q * SUB_STEPS + i - 1, STEP)) : 0));
  const predictions = mornings.map((x) => {
    const steady = x.queued.map((n, q) => (n === 0 ? NOBODY_CALLS : fractional(answeringIn(x, q), (k) => erlangA({ arrivalsPerSecond: n / QUARTER, handleSeconds: x.handle.seconds, patienceSeconds, servers: k }))));
    const carried = carriedFractional(x.queued.map((n, q) => ({ arrivalsPerSecond: n / QUARTER, handleSeconds: x.handle.seconds, handlePhases: x.handle.phases, patienceSeconds, patience, shares: shape[OPENING_QUARTER + q], people: Array.from({ length: SUB_STEPS }, (_, i) => answeringAt(x, q * SUB_STEPS + i)), joined: joinedAt(q) })), answeringAfter(x));
    return { steady, carried };
  });
  // For comparison, the prediction for the mornings' mean work (what feeding averages to the model gives).
  const meanWork = carriedFractional(Array.from({ length: quarters }, (_, q) => ({ arrivalsPerSecond: mornings.reduce((sum, x) => sum + x.queued[q]!, 0) / m / QUARTER, handleSeconds, handlePhases, patienceSeconds, patience, shares: shape[OPENING_QUARTER + q], people: Array.from({ length: SUB_STEPS }, (_, i) => mornings.reduce((sum, x) => sum + answeringAt(x, q * SUB_STEPS + i), 0) / m), joined: joinedAt(q) })),
    // After the calls stop: each morning's people, its last step's once it stopped.
    Array.from({ length: Math.max(...mornings.map(afterSteps)) }, (_, i) => mornings.reduce((sum, x) => sum + answeringAt(x, quarters * SUB_STEPS + Math.min(i, afterSteps(x) - 1)), 0) / m),
  );
  return Array.from({ length: quarters }, (_, q) => {
    const sum = (pick: (x: Morning) => number[]) => mornings.reduce((total, x) => total + pick(x)[q]!, 0);
    const [answered, within, abandoned, joined] = [sum((x) => x.answered), sum((x) => x.within), sum((x) => x.abandoned), sum((x) => x.queued)];
    const meanOf = (value: (x: Morning, i: number) => number) => mornings.reduce((total, x, i) => total + value(x, i), 0) / m;
    // A prediction over the mornings as the records pool them: % in target weighted by each morning's answered calls, % hung up by its calls.
    const pooled = (pick: (i: number) => QueuePrediction) => {
      const weight = (x: Morning) => (answered > 0 ? x.answered[q]! / answered : 1 / m);
      const level = mornings.reduce((total, x, i) => total + weight(x) * pick(i).serviceLevel(modelTarget(x.handle.answerDelaySeconds)), 0);
      const abandon = mornings.reduce((total, x, i) => total + (joined > 0 ? x.queued[q]! / joined : 1 / m) * pick(i).abandonProbability, 0);
      return { answeredWithinTargetPct: round1(level * 100), abandonPct: round1(abandon * 100) };
    };
    const predicted = pooled((i) => predictions[i]!.steady[q]!);
    const carried = pooled((i) => predictions[i]!.carried[q]!.prediction);
    const simulatedPct = answered ? round1((within / answered) * 100) : null;
    const counted = mornings.map((x) => x.inSystemAtStart[q]);
    const spread = ratioStandardError(mornings.map((x) => x.within[q]!), mornings.map((x) => x.answered[q]!));
    // Paired: each morning's answered within target less what its own prediction expected of them.
    const paired = ratioStandardError(mornings.map((x, i) => x.within[q]! - predictions[i]!.carried[q]!.prediction.serviceLevel(modelTarget(x.handle.answerDelaySeconds)) * x.answered[q]!), mornings.map((x) => x.answered[q]!));
    const perPractice = joined / m;
    return {
      start: hhmm(q),
      arrivals: joined,
      staff: round1(staffIn(s, q)),
      handleSeconds: round1(handleSeconds),
      handlePhases: round1(handlePhases),
      runHandleSeconds: runHandles.map((h) => round1(h.seconds)),
      answering: round1(meanOf((x) => answeringIn(x, q))),
      onCallbacks: round1(meanOf((x) => inQuarter(q, (step) => x.callbackSeconds[step]!)) / QUARTER),
      away: round1(meanOf((x) => inQuarter(q, (step) => x.awaySeconds[step]!)) / QUARTER),
      finishing: round1(meanOf((x) => inQuarter(q, (step) => x.finishingSeconds[step]!)) / QUARTER),
      simulated: { answeredWithinTargetPct: simulatedPct, abandonPct: joined ? round1((abandoned / joined) * 100) : null, standardErrorPp: spread === null ? null : round1(spread * 100) },
      predicted,
      carried,
      differencePp: simulatedPct === null ? null : round1(predicted.answeredWithinTargetPct - simulatedPct),
      carriedDifferencePp: simulatedPct === null ? null : round1(carried.answeredWithinTargetPct - simulatedPct),
      carriedDifferenceErrorPp: paired === null ? null : round1(paired * 100),
      carriedForMeanWorkPct: round1(meanWork[q]!.prediction.serviceLevel(modelTarget(answerDelaySeconds)) * 100),
      inSystemAtStart: { simulated: counted.every((c) => c !== undefined) ? round1(counted.reduce((a, b) => a! + b!, 0)! / m) : null, carried: round1(meanOf((_, i) => predictions[i]!.carried[q]!.inSystemAtStart)) },
      busy: perPractice >= 10 || (joined > 0 && abandoned / joined >= DEFAULT_TARGET.maxAbandon),
    };
  });
}

/**
 * The standard error of a pooled ratio R = Σy / Σx over m independent mornings (y: answered
 * within target, x: answered): √(Σ (y_i − R·x_i)² / (m (m − 1))) / x̄. Null with fewer than two
 * mornings or nobody answered. With y_i a morning's answered within target less its prediction's
 * expectation of them, the standard error of the pooled difference.
 */
export function ratioStandardError(y: readonly number[], x: readonly number[]): number | null {
  const m = x.length;
  const totalX = x.reduce((a, b) => a + b, 0);
  if (m < 2 || totalX === 0) return null;
  const r = y.reduce((a, b) => a + b, 0) / totalX;
  const spread = x.reduce((sum, xi, i) => sum + (y[i]! - r * xi) ** 2, 0);
  return Math.sqrt(spread / (m * (m - 1))) / (totalX / m);
}

/** Each practice of a run as one morning, quarter hour by quarter hour (reception calls only). */
function practiceMornings(run: RunResult, quarters: number, handle: Handle): Morning[] {
  const s = run.scenario;
  const simSeconds = (ms: number) => ((ms - run.startedAt) * run.speed) / 1000;
  const reception = receptionCalls(run.attempts, s);
  const practices = [...new Set(reception.map((a) => a.practice))];
  const zeros = () => new Array<number>(quarters).fill(0);
  // The service's clock against the simulator's: the records' times are the service's (seconds after opening = service time − offset).
  const offsets = reception.filter((a) => a.record!.arrivedAt).map((a) => Date.parse(String(a.record!.arrivedAt)) / 1000 - simSeconds(a.placedAt)).sort((a, b) => a - b);
  const offset = offsets.length ? offsets[Math.floor(offsets.length / 2)]! : undefined;
  const at = (v: unknown) => (offset === undefined || v === undefined || v === null || v === '' ? undefined : Date.parse(String(v)) / 1000 - offset);
  const steps = runSteps(run, quarters);
  const elsewhere = staffTimeElsewhere(run, steps, handle.seconds);
  return practices.map((ods) => {
    const stepZeros = () => new Array<number>(steps).fill(0);
    const morning: Morning = { queued: zeros(), answered: zeros(), within: zeros(), abandoned: zeros(), ...(elsewhere.get(ods) ?? { callbackSeconds: stepZeros(), awaySeconds: stepZeros() }), finishingSeconds: stepZeros(), inSystemAtStart: [], handle };
    const calls = reception.filter((a) => a.practice === ods && a.record!.outcome !== 'callback-requested');
    // A receptionist the roster signs out finishes the call in hand (going offline ends no call): from the sign-out to its wrap-up's end.
    for (const a of calls) {
      const [answered, ended] = [at(a.record!.answeredAt), at(a.record!.endedAt)];
      const index = Number(STAFF_NUMBER.exec(String(a.record!.staff ?? ''))?.[1]) - 1;
      if (answered === undefined || ended === undefined || !(index >= 0)) continue;
      const taken = answered - handle.answerDelaySeconds;
      const signedOut = signOuts(s, index).find((t) => taken < t && t < ended + s.practices.wrapUpSeconds);
      if (signedOut !== undefined) addSpan(morning.finishingSeconds, signedOut, ended + s.practices.wrapUpSeconds);
    }
    for (const a of calls) {
      const q = Math.floor(simSeconds(a.placedAt) / QUARTER);
      if (q < 0 || q >= quarters) continue;
      morning.queued[q]! += 1;
      if (a.record!.outcome === 'abandoned') morning.abandoned[q]! += 1;
      if (a.record!.outcome === 'answered') {
        morning.answered[q]! += 1;
        if (Number(a.record!.waitSeconds) <= s.targetWaitSeconds) morning.within[q]! += 1;
      }
    }
    // Waiting (joined, not yet answered or gone) or with a receptionist (answered, until the wrap-up ends).
    morning.inSystemAtStart = Array.from({ length: quarters }, (_, q) => {
      if (offset === undefined) return undefined;
      const t = q * QUARTER;
      return calls.filter((a) => {
        const [joined, answered, ended] = [at(a.record!.queuedAt), at(a.record!.answeredAt), at(a.record!.endedAt)];
        if (joined === undefined || ended === undefined || joined > t) return false;
        return answered === undefined || answered > t ? ended > t : ended + s.practices.wrapUpSeconds > t;
      }).length;
    });
    return morning;
  });
}

/**
 * The three-minute steps a run's receptionists are followed over: its arrivals and the drain after
 * them until it stopped (callers still waiting when the calls stop meet the people the records
 * show then, on call-backs or not, rather than the last step's people for ever).
 */
function runSteps(run: RunResult, quarters: number): number {
  const ran = ((run.stoppedAt - run.startedAt) * run.speed) / 1000;
  return Math.max(quarters * SUB_STEPS, Number.isFinite(ran) ? Math.ceil(ran / STEP) : 0);
}

/** The simulated receptionists are "<ods>-r<n>", signed in while the roster has n or more. */
const STAFF_NUMBER = /-r(\d+)$/;

/** Seconds after opening at which the roster signs out the receptionist of 0-based `index` (it drops to `index` people or fewer). */
function signOuts(s: Scenario, index: number): number[] {
  const steps = [...s.practices.roster].sort((a, b) => a.fromMinute - b.fromMinute);
  return steps.filter((step, i) => i > 0 && steps[i - 1]!.staff > index && step.staff <= index).map((step) => step.fromMinute * 60);
}

/** Reception calls that reached the service (all calls where the practice has no menu). */
function receptionCalls(attempts: RunResult['attempts'], s: Scenario): RunResult['attempts'] {
  const receptionDigits = new Set(Object.entries(s.practices.menu?.options ?? {}).filter(([, team]) => team === 'reception').map(([d]) => d));
  return attempts.filter((a) => !a.engaged && a.record && (!s.practices.menu || receptionDigits.has(a.menuChoice ?? '')));
}

/**
 * How calls come within each quarter hour, learnt as the planner learns it (shared/planning/arrival-shape.ts)
 * from the history mornings only, never from the morning being checked: their reception calls that
 * joined the queue, every practice's together (the scenario's practices are alike). No history: evenly.
 */
export function historyShape(run: Pick<RunResult, 'scenario' | 'history'>): ReturnType<typeof dayShape> {
  const arrivals = (run.history ?? []).flatMap((morning: HistoryMorning, i) =>
    receptionCalls(morning.attempts, run.scenario)
      .filter((a) => a.record!.outcome !== 'callback-requested')
      .map((a) => ({ date: `history ${i + 1}`, secondOfDay: OPENING_QUARTER * QUARTER + ((a.placedAt - morning.startedAt) * morning.speed) / 1000 })),
  );
  return dayShape(arrivals);
}

/** Mean and variance of a sample; undefined under `least` values. */
function moments(xs: readonly number[], least: number): { mean: number; variance: number } | undefined {
  if (xs.length < Math.max(2, least)) return undefined;
  const average = xs.reduce((x, y) => x + y, 0) / xs.length;
  return { mean: average, variance: xs.reduce((sum, x) => sum + (x - average) ** 2, 0) / (xs.length - 1) };
}

/**
 * The answer delays (shared/planning/answer-delay.ts) as one run's records show them: the phone
 * ringing and being picked up, and the service's and a busy machine's delays on the way (on a
 * compressed run, tenths of a second of delay are seconds of simulated time). One run at a time:
 * every run's service clock shows the same morning and its receptionists the same names.
 */
function runAnswerGaps(calls: RunResult['attempts'], s: Scenario): number[] {
  return answerGaps(calls.flatMap((a) => answeredCall(a.record!) ?? []), s.practices.wrapUpSeconds);
}

/** Runs' handle time as lived: talk as recorded (a call the run's teardown ended did not end on its own: its length says nothing), answer delay as lived, wrap-up. */
function handleAsLived(runs: readonly { run: RunResult; calls: RunResult['attempts'] }[], s: Scenario): Handle {
  const talk = talkAsLived(runs.flatMap(({ run, calls }) => calls.filter((a) => !(a.endedAt !== undefined && a.endedAt >= run.stoppedAt))), s);
  // The scenario's answer delay where the records have too few gaps to tell.
  const delay = moments(runs.flatMap((r) => runAnswerGaps(r.calls, s)), MIN_ANSWER_GAPS) ?? drawn(s.staff.answerDelay);
  const seconds = talk.mean + delay.mean + s.practices.wrapUpSeconds;
  return { seconds, phases: seconds ** 2 / (talk.variance + delay.variance), answerDelaySeconds: delay.mean };
}

/** Mean and variance of the talk of the answered calls as the service recorded it; the scenario's when none was. */
function talkAsLived(calls: RunResult['attempts'], s: Scenario): { mean: number; variance: number } {
  const talk = calls.filter((a) => a.record!.outcome === 'answered' && a.record!.talkSeconds !== undefined).map((a) => Number(a.record!.talkSeconds));
  return moments(talk, 2) ?? drawn(s.staff.handle);
}

/** Adds the seconds of [from, to) to the three-minute steps they fall in (none beyond the last). */
function addSpan(spent: number[], from: number, to: number): void {
  for (let i = Math.max(0, Math.floor(from / STEP)); i < spent.length && i * STEP < to; i++) spent[i]! += Math.max(0, Math.min(to, (i + 1) * STEP) - Math.max(from, i * STEP));
}

/** Patients pick up a call-back after about this long (simulate.ts), or ring out after this (the service's patient ring). */
const PATIENT_PICKS_UP_SECONDS = 8 * Math.exp(0.4 ** 2 / 2);
const PATIENT_RING_SECONDS = 30;

/**
 * Per practice, reception staff-seconds per quarter hour spent off the queue: making the reception
 * call-backs the run made (each put where the patient answered, from the request's time plus the
 * service's request-to-answer time), and away after an unanswered ring until the roster next signs
 * people in. Spread over the quarter hours they cover.
 */
function staffTimeElsewhere(run: RunResult, steps: number, handleSeconds: number): Map<string, { callbackSeconds: number[]; awaySeconds: number[] }> {
  const s = run.scenario;
  const byPractice = new Map<string, { callbackSeconds: number[]; awaySeconds: number[] }>();
  const of = (ods: string) => byPractice.get(ods) ?? byPractice.set(ods, { callbackSeconds: new Array<number>(steps).fill(0), awaySeconds: new Array<number>(steps).fill(0) }).get(ods)!;
  const simSeconds = (ms: number) => ((ms - run.startedAt) * run.speed) / 1000;
  const requested = new Map(run.attempts.filter((a) => a.callbackRequested && a.sid).map((a) => [`twilio:${a.sid}`, a]));
  for (const c of run.callbacks) {
    const origin = requested.get(c.originCallId ?? '');
    // A PCN-wide team's call-backs are made by its own people, not the practice's receptionists.
    if (!origin || !c.answeredAt || !c.team.endsWith('.reception')) continue;
    const spent = of(origin.practice).callbackSeconds;
    const answered = simSeconds(origin.callbackRequested!.at) + (Date.parse(c.answeredAt) - Date.parse(c.requestedAt)) / 1000;
    // Every attempt rang the staff member and then the patient; unanswered ones rang out.
    addSpan(spent, answered - PATIENT_PICKS_UP_SECONDS - mean(s.staff.answerDelay), answered + handleSeconds - mean(s.staff.answerDelay));
    for (let i = 1; i < c.attempts; i++) spent[Math.min(steps - 1, Math.floor(Math.max(0, answered) / STEP))]! += PATIENT_RING_SECONDS + mean(s.staff.answerDelay);
  }
  const reception = /^client:([A-Z0-9]+)-r\d+$/;
  const changes = [...s.practices.roster].map((r) => r.fromMinute * 60).sort((a, b) => a - b);
  for (const ring of run.missedRings ?? []) {
    const ods = reception.exec(ring.endpoint)?.[1];
    if (!ods) continue;
    const awayFrom = simSeconds(ring.at) + s.practices.ringSeconds;
    addSpan(of(ods).awaySeconds, awayFrom, changes.find((t) => t > awayFrom) ?? Infinity);
  }
  return byPractice;
}

export function comparisonMarkdown(runs: RunResult | readonly RunResult[], rows: IntervalComparison[]): string {
  const all = Array.isArray(runs) ? (runs as readonly RunResult[]) : [runs as RunResult];
  const run = all[0]!;
  const s = run.scenario;
  const mornings = all.reduce((sum, r) => sum + r.practices, 0);
  const history = all.flatMap((r) => r.history ?? []);
  const busy = rows.filter((r) => r.busy && r.differencePp !== null);
  const agree = busy.filter((r) => Math.abs(r.differencePp!) <= 5).length;
  const carriedAgree = busy.filter((r) => Math.abs(r.carriedDifferencePp!) <= 5).length;
  const abandonAgree = busy.filter((r) => Math.abs(r.carried.abandonPct - r.simulated.abandonPct!) <= 5).length;
  const errors = busy.map((r) => r.carriedDifferenceErrorPp);
  // Within 5 points, or not distinguishable from it: 5 points lie within two standard errors of the difference.
  const carriedConsistent = busy.filter((r) => Math.abs(r.carriedDifferencePp!) - 2 * (r.carriedDifferenceErrorPp ?? 0) <= 5).length;
  const runsSaid = all.length === 1 ? `one run (seed ${s.seed})` : `${all.length} runs (seeds ${all.map((r) => r.scenario.seed).join(', ')})`;
  return [
    `# Planner against the simulator: ${s.name}`,
    '',
    `${mornings} simulated morning(s): every practice of ${runsSaid}, ${run.arrivalMinutes} minutes of arrivals at ${all.map((r) => `${r.speed}x`).filter((x, i, xs) => xs.indexOf(x) === i).join(', ')}. Reception calls only, per practice. The planner (Erlang A, docs/planning.md) is given, morning by morning, the same work the simulated receptionists had (the model is not linear: its prediction for the mean work is not the mean of its predictions), and its predictions are pooled as the records are: each quarter hour's calls that joined the queue (redials included; a caller who asked for a call-back counts as the call-back's work), a handle time of ${round1(rows[0] ? rows[0].handleSeconds : 0)} s${rows[0] && rows[0].runHandleSeconds.length > 1 ? ` (each run's mornings with that run's own: ${rows[0].runHandleSeconds.join(', ')} s)` : ''} (the talk the service recorded for these calls — on a busy machine a compressed run's calls last longer than the scenario's ${round1(mean(s.staff.handle))} s, as timers fire late — plus staff answer delay and wrap-up — the callers waited through that delay too, so the model's share is taken at the target less it, as the planner takes it; as alike as Erlang-${round1(rows[0] ? rows[0].handlePhases : 0)}'s: mean² ÷ variance, which the people's first calls at opening follow), its callers' patience (steady: exponential of their mean, ${round1(mean(s.callers.patience))} s; carried: their log-normal patience, median ${s.callers.patience.medianSeconds} s, σ ${s.callers.patience.sigma}, as M/M/n+G), and the people answering: the roster less the time spent making the practice's call-backs and away after an unanswered ring, and with the time of people the roster has signed out finishing the call in hand (a fractional number of people, between the whole numbers either side), three minutes at a time until the run stopped: callers still waiting when the calls stop meet the people the records show then. Simulated: the service's call records, every morning pooled (queue wait ≤ ${s.targetWaitSeconds} s of answered calls; abandoned of the calls that joined); ± beside it is the standard error of the pooled % across the mornings (how much one set of mornings differs from the next), and ± beside the carried difference is its standard error, each morning set against its own prediction (a 5-point test means something where this is well under 5).`,
    '',
    '"Steady" takes each quarter hour on its own (the textbook way, Erlang A); "carried" runs the model through the morning, so the queue one quarter hour leaves is where the next starts, with patience that is not exponential and calls arriving within each quarter hour as they did in the history morning(s) (as the roster planner does with what it learns). "Carried for the mean work" is the same model given the mornings\' average calls and people instead of each morning\'s own: shown to say how far apart the two are. "In the system" is the callers waiting or on a call with a receptionist as the quarter hour starts, per practice: the records\' count against the carried chain\'s expectation.',
    '',
    `How calls come within the quarter hour (carried), learnt from the history morning(s) only, never from the mornings checked: ${history.length === 0 ? 'no history morning (run with --history N): calls are spread evenly through each quarter hour.' : historyShape({ scenario: s, history }).note}`,
    '',
    '| quarter hour | calls | roster | on call-backs | away | signed out, finishing a call | answering | in the system at start: simulated / carried | simulated % in target | steady % | difference (pp) | carried % | difference (pp) | carried for the mean work % | simulated % hung up | steady % | carried % |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.start} | ${r.arrivals} | ${r.staff} | ${r.onCallbacks} | ${r.away} | ${r.finishing} | ${r.answering} | ${r.inSystemAtStart.simulated ?? '–'} / ${r.inSystemAtStart.carried} | ${r.simulated.answeredWithinTargetPct ?? '–'}${r.simulated.standardErrorPp === null ? '' : ` ± ${r.simulated.standardErrorPp}`} | ${r.predicted.answeredWithinTargetPct} | ${r.differencePp ?? '–'}${r.busy ? '' : ' (quiet)'} | ${r.carried.answeredWithinTargetPct} | ${r.carriedDifferencePp ?? '–'}${r.carriedDifferenceErrorPp === null || r.carriedDifferencePp === null ? '' : ` ± ${r.carriedDifferenceErrorPp}`} | ${r.carriedForMeanWorkPct} | ${r.simulated.abandonPct ?? '–'} | ${r.predicted.abandonPct} | ${r.carried.abandonPct} |`),
    '',
    `Busy quarter hours (10 or more calls per practice, or 5% or more of callers hanging up): % answered within target within 5 percentage points, steady ${agree} of ${busy.length}, carried ${carriedAgree} of ${busy.length}; % hung up within 5 points (carried) ${abandonAgree} of ${busy.length}.${errors.every((e) => e !== null) && errors.length > 0 ? ` Standard error of the carried difference in those quarter hours: ${errors.join(', ')} points; carried within 5 points or within two standard errors of it: ${carriedConsistent} of ${busy.length}.` : ' One morning: no standard error (run several practices, or check several runs together: node dist/loadtest/plan-check.js a.json b.json).'}`,
    '',
    'What the model still does not capture: talk times are log-normal, not exponential: the model follows the people\'s first calls as Erlang-k\'s with the calls\' own spread (at opening each person from their first caller\'s expected arrival; people signing in to a waiting queue together), and each caller\'s wait as the wait for the right number of answers from people busy on Erlang-k calls (its mean and variance, as an Erlang clock), but takes the queue\'s own length through the morning with calls ending at random (exponential); the waits of the callers ahead are approximated from the arrival rate of each three-minute step (Whitt\'s M/M/n+M(n)); callers who redial join the back of the same queue at once, so the arrivals of a quarter hour depend on its own waits; the people answering are averaged over each three-minute step, and a call-back attempt the patient missed is counted where the call-back was at last answered.',
    '',
  ].join('\n');
}

/** `--plan`: the comparison beside the run's other reports; returns its path. Several runs (other seeds) are checked together. */
export function writePlanCheck(runs: RunResult | readonly RunResult[], dir: string): string {
  const file = join(dir, 'plan-check.md');
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, comparisonMarkdown(runs, comparePlan(runs)));
  return file;
}
