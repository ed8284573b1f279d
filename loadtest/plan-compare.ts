import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dayShape } from '../shared/planning/arrival-shape.js';
import { lognormalPatience } from '../shared/planning/patience.js';
import { erlangA, type QueuePrediction } from '../shared/planning/queueing.js';
import { DayChain, type Period } from '../shared/planning/transient.js';
import type { Scenario, Spread } from './scenario.js';
import type { HistoryMorning, RunResult } from './simulate.js';

/** One quarter hour of a run: what the service's records show against what the planner predicts. */
export interface IntervalComparison {
  /** "08:00" for the first quarter hour after opening (the scenarios open at 08:00). */
  start: string;
  /** Calls that joined the queue (redials included; callers who then asked for a call-back are counted as the call-back's work instead). */
  arrivals: number;
  /** Receptionists on the roster. */
  staff: number;
  /** People free to answer the queue, per practice: the roster less the time spent on call-backs and away after an unanswered ring. */
  answering: number;
  simulated: { answeredWithinTargetPct: number | null; abandonPct: number | null };
  /** Each quarter hour as if it were steady (what the roster planner shows). */
  predicted: { answeredWithinTargetPct: number; abandonPct: number };
  /** The same model carried through the morning: the queue a quarter hour leaves is the next one's start, and calls come within the quarter hour as the history mornings' did. */
  carried: { answeredWithinTargetPct: number; abandonPct: number };
  /** Predicted − simulated, percentage points; null when nobody was answered. */
  differencePp: number | null;
  carriedDifferencePp: number | null;
  /** Talk as recorded + answer delay + wrap-up, seconds (the same every quarter hour). */
  handleSeconds: number;
  /** Ten or more arrivals: an interval whose figures mean something. */
  busy: boolean;
}

const QUARTER = 900;
/** The scenarios open at 08:00 London: a morning's quarter hour q is the day's 32 + q. */
const OPENING_QUARTER = 32;
const mean = (s: Spread) => s.medianSeconds * Math.exp((s.sigma * s.sigma) / 2);
const round1 = (x: number) => Math.round(x * 10) / 10;
const hhmm = (quarter: number) => `${String(8 + Math.floor(quarter / 4)).padStart(2, '0')}:${String((quarter % 4) * 15).padStart(2, '0')}`;

/** Reception staff on the roster at `minute` after opening. */
const rosterAt = (scenario: Scenario, minute: number) => [...scenario.practices.roster].sort((a, b) => a.fromMinute - b.fromMinute).reverse().find((s) => s.fromMinute <= minute)?.staff ?? 0;

/** Reception staff signed in, averaged over the quarter hour (the roster steps by minute). */
function staffIn(scenario: Scenario, quarter: number): number {
  let sum = 0;
  for (let minute = quarter * 15; minute < quarter * 15 + 15; minute++) sum += rosterAt(scenario, minute);
  return sum / 15;
}

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

/** The day's chain with fractional people: each quarter hour's end state mixed the same way. */
function carriedFractional(periods: (Omit<Period, 'servers'> & { servers: number })[]): QueuePrediction[] {
  const chain = new DayChain(periods, Math.ceil(Math.max(0, ...periods.map((p) => p.servers))) + 1);
  let state = chain.empty();
  return periods.map((period) => {
    const low = Math.max(0, Math.floor(period.servers));
    const w = period.servers - low;
    const a = chain.advance(state, { ...period, servers: low });
    const b = w > 0 ? chain.advance(state, { ...period, servers: low + 1 }) : a;
    state = a.end.map((x, i) => x * (1 - w) + b.end[i]! * w);
    return fractional(period.servers, (n) => (n === low ? a.prediction : b.prediction));
  });
}

/**
 * Per quarter hour of a run, reception calls to every practice: the service's own records (queue
 * wait ≤ target, outcome) against Erlang A given the same work the simulated staff had. Counted
 * like with like:
 * - arrivals: the calls that joined the reception queue, redials included, as the service saw
 *   them; a caller who then asked for a call-back is counted once, as the call-back's work;
 * - people answering: the roster (averaged over the quarter hour), less the time staff spent making
 *   call-backs (ringing, the patient picking up or not, talk, wrap-up) and the time someone was
 *   away after an unanswered ring (the service sets them away; the simulated receptionist comes
 *   back at the next roster change), as a fractional number of people;
 * - handle time: the talk the service recorded for these calls (on a busy machine a compressed run's
 *   calls last longer than the scenario draws: timers fire late), the staff answer delay and wrap-up;
 *   patience: the scenario's callers' (log-normal) for the carried figures, its mean for the steady ones.
 * Figures are per practice: the practices of a scenario are alike.
 */
export function comparePlan(run: RunResult): IntervalComparison[] {
  const s = run.scenario;
  const simSeconds = (ms: number) => ((ms - run.startedAt) * run.speed) / 1000;
  const reception = receptionCalls(run.attempts, s);
  const handleSeconds = talkAsLived(reception, s) + mean(s.staff.answerDelay) + s.practices.wrapUpSeconds;
  const patienceSeconds = mean(s.callers.patience);
  const quarters = Math.ceil((run.arrivalMinutes * 60) / QUARTER);
  const byQuarter = Array.from({ length: quarters }, (_, q) => reception.filter((a) => Math.floor(simSeconds(a.placedAt) / QUARTER) === q));
  const busyElsewhere = staffTimeElsewhere(run, quarters, handleSeconds);
  const answering = byQuarter.map((_, q) => Math.max(0, staffIn(s, q) - busyElsewhere[q]! / QUARTER / run.practices));
  const queued = byQuarter.map((here) => here.filter((a) => a.record!.outcome !== 'callback-requested').length / run.practices);
  const patience = lognormalPatience(s.callers.patience.medianSeconds, s.callers.patience.sigma);
  const { shape } = historyShape(run);
  const carried = carriedFractional(queued.map((perPractice, q) => ({ arrivalsPerSecond: perPractice / QUARTER, handleSeconds, patienceSeconds, patience, shares: shape[OPENING_QUARTER + q], servers: answering[q]!, seconds: QUARTER })));
  return byQuarter.map((here, q) => {
    const outcome = (o: string) => here.filter((a) => a.record!.outcome === o);
    const answered = outcome('answered');
    const within = answered.filter((a) => Number(a.record!.waitSeconds) <= s.targetWaitSeconds).length;
    const perPractice = queued[q]!;
    const prediction = perPractice === 0 ? erlangA({ arrivalsPerSecond: 0, handleSeconds, patienceSeconds, servers: 1 }) : fractional(answering[q]!, (n) => erlangA({ arrivalsPerSecond: perPractice / QUARTER, handleSeconds, patienceSeconds, servers: n }));
    const simulatedPct = answered.length ? round1((within / answered.length) * 100) : null;
    const predictedPct = round1(prediction.serviceLevel(s.targetWaitSeconds) * 100);
    const carriedPrediction = carried[q]!;
    const carriedPct = round1(carriedPrediction.serviceLevel(s.targetWaitSeconds) * 100);
    const joined = here.length - outcome('callback-requested').length;
    return {
      start: hhmm(q),
      arrivals: joined,
      staff: round1(staffIn(s, q)),
      handleSeconds: round1(handleSeconds),
      answering: round1(answering[q]!),
      simulated: { answeredWithinTargetPct: simulatedPct, abandonPct: joined ? round1((outcome('abandoned').length / joined) * 100) : null },
      predicted: { answeredWithinTargetPct: predictedPct, abandonPct: round1(prediction.abandonProbability * 100) },
      carried: { answeredWithinTargetPct: carriedPct, abandonPct: round1(carriedPrediction.abandonProbability * 100) },
      differencePp: simulatedPct === null ? null : round1(predictedPct - simulatedPct),
      carriedDifferencePp: simulatedPct === null ? null : round1(carriedPct - simulatedPct),
      busy: joined / run.practices >= 10,
    };
  });
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

/** Mean talk of the answered calls as the service recorded it; the scenario's mean when none was. */
function talkAsLived(calls: RunResult['attempts'], s: Scenario): number {
  const talk = calls.filter((a) => a.record!.outcome === 'answered' && a.record!.talkSeconds !== undefined).map((a) => Number(a.record!.talkSeconds));
  return talk.length ? talk.reduce((x, y) => x + y, 0) / talk.length : mean(s.staff.handle);
}

/** Patients pick up a call-back after about this long (simulate.ts), or ring out after this (the service's patient ring). */
const PATIENT_PICKS_UP_SECONDS = 8 * Math.exp(0.4 ** 2 / 2);
const PATIENT_RING_SECONDS = 30;

/**
 * Reception staff-seconds per quarter hour spent off the queue, all practices together: making the
 * call-backs the run made (each put where the patient answered, from the request's time plus the
 * service's request-to-answer time), and away after an unanswered ring until the roster next signs
 * people in. Spread over the quarter hours they cover.
 */
function staffTimeElsewhere(run: RunResult, quarters: number, handleSeconds: number): number[] {
  const s = run.scenario;
  const spent = new Array<number>(quarters).fill(0);
  const add = (from: number, to: number) => {
    for (let q = Math.max(0, Math.floor(from / QUARTER)); q < quarters && q * QUARTER < to; q++) spent[q]! += Math.max(0, Math.min(to, (q + 1) * QUARTER) - Math.max(from, q * QUARTER));
  };
  const simSeconds = (ms: number) => ((ms - run.startedAt) * run.speed) / 1000;
  const requested = new Map(run.attempts.filter((a) => a.callbackRequested && a.sid).map((a) => [`twilio:${a.sid}`, a.callbackRequested!.at]));
  for (const c of run.callbacks) {
    const at = requested.get(c.originCallId ?? '');
    if (at === undefined || !c.answeredAt) continue;
    const answered = simSeconds(at) + (Date.parse(c.answeredAt) - Date.parse(c.requestedAt)) / 1000;
    // Every attempt rang the staff member and then the patient; unanswered ones rang out.
    add(answered - PATIENT_PICKS_UP_SECONDS - mean(s.staff.answerDelay), answered + handleSeconds - mean(s.staff.answerDelay));
    for (let i = 1; i < c.attempts; i++) spent[Math.min(quarters - 1, Math.floor(Math.max(0, answered) / QUARTER))]! += PATIENT_RING_SECONDS + mean(s.staff.answerDelay);
  }
  const reception = /^client:[A-Z0-9]+-r\d+$/;
  const steps = [...s.practices.roster].map((r) => r.fromMinute * 60).sort((a, b) => a - b);
  for (const ring of run.missedRings ?? []) {
    if (!reception.test(ring.endpoint)) continue;
    const awayFrom = simSeconds(ring.at) + s.practices.ringSeconds;
    add(awayFrom, steps.find((t) => t > awayFrom) ?? Infinity);
  }
  return spent;
}

export function comparisonMarkdown(run: RunResult, rows: IntervalComparison[]): string {
  const s = run.scenario;
  const busy = rows.filter((r) => r.busy && r.differencePp !== null);
  const agree = busy.filter((r) => Math.abs(r.differencePp!) <= 5).length;
  const carriedAgree = busy.filter((r) => Math.abs(r.carriedDifferencePp!) <= 5).length;
  const abandonAgree = busy.filter((r) => Math.abs(r.carried.abandonPct - r.simulated.abandonPct!) <= 5).length;
  return [
    `# Planner against the simulator: ${s.name}`,
    '',
    `${run.practices} practice(s), ${run.arrivalMinutes} minutes of arrivals at ${run.speed}x. Reception calls only, per practice. The planner (Erlang A, docs/planning.md) is given the same work the simulated receptionists had: each quarter hour's calls that joined the queue (redials included; a caller who asked for a call-back counts as the call-back's work), a handle time of ${round1(rows[0] ? rows[0].handleSeconds : 0)} s (the talk the service recorded for these calls — on a busy machine a compressed run's calls last longer than the scenario's ${round1(mean(s.staff.handle))} s, as timers fire late — plus staff answer delay and wrap-up), its callers' patience (steady: exponential of their mean, ${round1(mean(s.callers.patience))} s; carried: their log-normal patience, median ${s.callers.patience.medianSeconds} s, σ ${s.callers.patience.sigma}, as M/M/n+G), and the people answering: the roster less the time spent making call-backs and away after an unanswered ring (a fractional number of people, between the whole numbers either side). Simulated: the service's call records (queue wait ≤ ${s.targetWaitSeconds} s of answered calls; abandoned of the calls that joined).`,
    '',
    '"Steady" takes each quarter hour on its own (the textbook way, Erlang A); "carried" runs the model through the morning, so the queue one quarter hour leaves is where the next starts, with patience that is not exponential and calls arriving within each quarter hour as they did in the history morning(s) (as the roster planner does with what it learns).',
    '',
    `How calls come within the quarter hour (carried), learnt from the history morning(s) only, never from the morning checked: ${(run.history ?? []).length === 0 ? 'no history morning (run with --history N): calls are spread evenly through each quarter hour.' : historyShape(run).note}`,
    '',
    '| quarter hour | calls | roster | answering | simulated % in target | steady % | difference (pp) | carried % | difference (pp) | simulated % hung up | steady % | carried % |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.start} | ${r.arrivals} | ${r.staff} | ${r.answering} | ${r.simulated.answeredWithinTargetPct ?? '–'} | ${r.predicted.answeredWithinTargetPct} | ${r.differencePp ?? '–'}${r.busy ? '' : ' (quiet)'} | ${r.carried.answeredWithinTargetPct} | ${r.carriedDifferencePp ?? '–'} | ${r.simulated.abandonPct ?? '–'} | ${r.predicted.abandonPct} | ${r.carried.abandonPct} |`),
    '',
    `Busy quarter hours (10 or more calls per practice): % answered within target within 5 percentage points, steady ${agree} of ${busy.length}, carried ${carriedAgree} of ${busy.length}; % hung up within 5 points (carried) ${abandonAgree} of ${busy.length}.`,
    '',
    'What the model still does not capture: talk times are log-normal, not exponential; the waits of the callers ahead are approximated from the arrival rate of each three-minute step (Whitt\'s M/M/n+M(n)); callers who redial join the back of the same queue at once, so the arrivals of a quarter hour depend on its own waits; the people answering are averaged over the quarter hour.',
    '',
  ].join('\n');
}

/** `--plan`: the comparison beside the run's other reports; returns its path. */
export function writePlanCheck(run: RunResult, dir: string): string {
  const file = join(dir, 'plan-check.md');
  writeFileSync(file, comparisonMarkdown(run, comparePlan(run)));
  return file;
}
