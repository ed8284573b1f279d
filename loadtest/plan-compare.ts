import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { erlangA } from '../shared/planning/queueing.js';
import { transientPeriods } from '../shared/planning/transient.js';
import type { Scenario, Spread } from './scenario.js';
import type { RunResult } from './simulate.js';

/** One quarter hour of a run: what the service's records show against what the planner predicts. */
export interface IntervalComparison {
  /** "08:00" for the first quarter hour after opening (the scenarios open at 08:00). */
  start: string;
  arrivals: number;
  staff: number;
  simulated: { answeredWithinTargetPct: number | null; abandonPct: number | null };
  /** Each quarter hour as if it were steady (what the roster planner shows). */
  predicted: { answeredWithinTargetPct: number; abandonPct: number };
  /** The same model carried through the morning: the queue a quarter hour leaves is the next one's start. */
  carried: { answeredWithinTargetPct: number; abandonPct: number };
  /** Predicted − simulated, percentage points; null when nobody was answered. */
  differencePp: number | null;
  carriedDifferencePp: number | null;
  /** Ten or more arrivals: an interval whose figures mean something. */
  busy: boolean;
}

const QUARTER = 900;
const mean = (s: Spread) => s.medianSeconds * Math.exp((s.sigma * s.sigma) / 2);
const round1 = (x: number) => Math.round(x * 10) / 10;
const hhmm = (quarter: number) => `${String(8 + Math.floor(quarter / 4)).padStart(2, '0')}:${String((quarter % 4) * 15).padStart(2, '0')}`;

/** Reception staff signed in, averaged over the quarter hour (the roster steps by minute), rounded down: the planner takes whole people. */
function staffIn(scenario: Scenario, quarter: number): number {
  let sum = 0;
  for (let minute = quarter * 15; minute < quarter * 15 + 15; minute++) {
    sum += [...scenario.practices.roster].reverse().find((s) => s.fromMinute <= minute)?.staff ?? 0;
  }
  return Math.floor(sum / 15);
}

/**
 * Per quarter hour of a run, reception calls to every practice: the service's own records (queue
 * wait ≤ target, outcome) against Erlang A for the same arrivals (redials included, as the service
 * sees them), the scenario's mean handle time (talk + staff answer delay + wrap-up), its callers'
 * mean patience, and its roster. Figures are per practice: the practices of a scenario are alike.
 */
export function comparePlan(run: RunResult): IntervalComparison[] {
  const s = run.scenario;
  const simSeconds = (ms: number) => ((ms - run.startedAt) * run.speed) / 1000;
  const receptionDigits = new Set(Object.entries(s.practices.menu?.options ?? {}).filter(([, team]) => team === 'reception').map(([d]) => d));
  const reception = run.attempts.filter((a) => !a.engaged && a.record && (!s.practices.menu || receptionDigits.has(a.menuChoice ?? '')));
  const handleSeconds = mean(s.staff.handle) + mean(s.staff.answerDelay) + s.practices.wrapUpSeconds;
  const patienceSeconds = mean(s.callers.patience);
  const quarters = Math.ceil((run.arrivalMinutes * 60) / QUARTER);
  const byQuarter = Array.from({ length: quarters }, (_, q) => reception.filter((a) => Math.floor(simSeconds(a.placedAt) / QUARTER) === q));
  const carried = transientPeriods(byQuarter.map((here, q) => ({ arrivalsPerSecond: here.length / run.practices / QUARTER, handleSeconds, patienceSeconds, servers: staffIn(s, q), seconds: QUARTER })));
  return byQuarter.map((here, q) => {
    const outcome = (o: string) => here.filter((a) => a.record!.outcome === o);
    const answered = outcome('answered');
    const within = answered.filter((a) => Number(a.record!.waitSeconds) <= s.targetWaitSeconds).length;
    const staff = staffIn(s, q);
    const perPractice = here.length / run.practices;
    const prediction = erlangA({ arrivalsPerSecond: perPractice / QUARTER, handleSeconds, patienceSeconds, servers: staff });
    const simulatedPct = answered.length ? round1((within / answered.length) * 100) : null;
    const predictedPct = round1(prediction.serviceLevel(s.targetWaitSeconds) * 100);
    const carriedPrediction = carried[q]!.prediction;
    const carriedPct = round1(carriedPrediction.serviceLevel(s.targetWaitSeconds) * 100);
    return {
      start: hhmm(q),
      arrivals: here.length,
      staff,
      simulated: { answeredWithinTargetPct: simulatedPct, abandonPct: here.length ? round1((outcome('abandoned').length / here.length) * 100) : null },
      predicted: { answeredWithinTargetPct: predictedPct, abandonPct: round1(prediction.abandonProbability * 100) },
      carried: { answeredWithinTargetPct: carriedPct, abandonPct: round1(carriedPrediction.abandonProbability * 100) },
      differencePp: simulatedPct === null ? null : round1(predictedPct - simulatedPct),
      carriedDifferencePp: simulatedPct === null ? null : round1(carriedPct - simulatedPct),
      busy: perPractice >= 10,
    };
  });
}

export function comparisonMarkdown(run: RunResult, rows: IntervalComparison[]): string {
  const s = run.scenario;
  const busy = rows.filter((r) => r.busy && r.differencePp !== null);
  const agree = busy.filter((r) => Math.abs(r.differencePp!) <= 5).length;
  const carriedAgree = busy.filter((r) => Math.abs(r.carriedDifferencePp!) <= 5).length;
  return [
    `# Planner against the simulator: ${s.name}`,
    '',
    `${run.practices} practice(s), ${run.arrivalMinutes} minutes of arrivals at ${run.speed}x. Reception calls only, per practice. The planner (Erlang A, docs/planning.md) is given each quarter hour's arrivals as the service saw them (redials included), the scenario's mean handle time (${round1(mean(s.staff.handle) + mean(s.staff.answerDelay) + s.practices.wrapUpSeconds)} s: talk, staff answer delay, wrap-up), its callers' mean patience (${round1(mean(s.callers.patience))} s) and the roster (staff signed in, averaged over the quarter hour, rounded down). Simulated: the service's call records (queue wait ≤ ${s.targetWaitSeconds} s of answered calls; abandoned of all).`,
    '',
    '"Steady" takes each quarter hour on its own (as the roster planner does); "carried" runs the same model through the morning, so the queue one quarter hour leaves is where the next starts.',
    '',
    '| quarter hour | calls | staff | simulated % in target | steady % | difference (pp) | carried % | difference (pp) | simulated % hung up | steady % | carried % |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.start} | ${r.arrivals} | ${r.staff} | ${r.simulated.answeredWithinTargetPct ?? '–'} | ${r.predicted.answeredWithinTargetPct} | ${r.differencePp ?? '–'}${r.busy ? '' : ' (quiet)'} | ${r.carried.answeredWithinTargetPct} | ${r.carriedDifferencePp ?? '–'} | ${r.simulated.abandonPct ?? '–'} | ${r.predicted.abandonPct} | ${r.carried.abandonPct} |`),
    '',
    `Busy quarter hours (10 or more calls per practice) within 5 percentage points: steady ${agree} of ${busy.length}, carried ${carriedAgree} of ${busy.length}.`,
    '',
    'Remaining differences: the scenario\'s patience and talk times are log-normal rather than exponential, callers who redial come back into the same queue, and call-backs take staff time the model does not count.',
    '',
  ].join('\n');
}

/** `--plan`: the comparison beside the run's other reports; returns its path. */
export function writePlanCheck(run: RunResult, dir: string): string {
  const file = join(dir, 'plan-check.md');
  writeFileSync(file, comparisonMarkdown(run, comparePlan(run)));
  return file;
}
