import type { WeekDay } from '../directory/types.js';
import { INTERVALS_PER_DAY } from '../stats/layout.js';
import { modelWaitTarget } from './answer-delay.js';
import { DAY_PLURALS, INTERVAL_SECONDS, type DemandModel } from './model.js';
import { DEFAULT_TARGET, meetsTarget, staffingNeeded, type ServiceTarget } from './queueing.js';
import { changeOfPeople, DayChain } from './transient.js';

/** How many people are on the phones in each of the day's 96 London 15-minute intervals. */
export type Roster = number[];
export type RosterSource = 'given' | 'observed' | 'needed';

export interface Prediction {
  /** Of answered callers, % answered within the answer target. */
  answeredWithinTargetPct: number;
  abandonPct: number;
  meanWaitSeconds: number;
  meetsTarget: boolean;
}

export interface PlanInterval {
  start: string;
  end: string;
  open: boolean;
  calls: number;
  handleSeconds: number;
  /** Fewest people meeting the target with callers who hang up (Erlang A, carried through the day). */
  staffNeeded: number;
  /** The same by plain Erlang C, as if nobody hung up (for the service level alone it overstaffs; it cannot see abandonment). */
  staffNeededErlangC: number;
  rostered: number;
  predicted: Prediction;
}

export interface RosterChange {
  from: string;
  to: string;
  /** +2: two more people; −1: one fewer would still meet the target. */
  change: number;
  sentence: string;
}

export interface Plan {
  weekday: WeekDay;
  target: ServiceTarget;
  rosterSource: RosterSource;
  intervals: PlanInterval[];
  /** Smallest change to the roster that meets the target in every interval (more people). */
  changes: RosterChange[];
  /** Where fewer people would still meet it. */
  spare: RosterChange[];
  day: { calls: number; answeredWithinTargetPct: number | null; abandonPct: number | null; staffHoursNeeded: number; staffHoursRostered: number };
}

const WORDS = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
export const intervalStart = (interval: number) => `${String(Math.floor(interval / 4)).padStart(2, '0')}:${String((interval % 4) * 15).padStart(2, '0')}`;
const intervalEnd = (interval: number) => (interval + 1 === INTERVALS_PER_DAY ? '24:00' : intervalStart(interval + 1));
const round1 = (x: number) => Math.round(x * 10) / 10;

/** "one more person 08:00–09:30 on Mondays", "two fewer people 14:00–15:00 on Mondays". */
export function changeSentence(change: number, from: string, to: string, weekday: WeekDay): string {
  const n = Math.abs(change);
  const count = n < WORDS.length ? WORDS[n] : String(n);
  return `${count} ${change > 0 ? 'more' : 'fewer'} ${n === 1 ? 'person' : 'people'} ${from}–${to} on ${DAY_PLURALS[weekday]}`;
}

/** Runs of neighbouring intervals with the same change, as sentences. */
function runs(deltas: (number | null)[], weekday: WeekDay): RosterChange[] {
  const out: RosterChange[] = [];
  let i = 0;
  while (i < deltas.length) {
    const d = deltas[i];
    if (!d) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < deltas.length && deltas[j + 1] === d) j++;
    out.push({ from: intervalStart(i), to: intervalEnd(j), change: d, sentence: changeSentence(d, intervalStart(i), intervalEnd(j), weekday) });
    i = j + 1;
  }
  return out;
}

export function targetFor(answerWithinSeconds: number, over: Partial<ServiceTarget> = {}): ServiceTarget {
  return { answerWithinSeconds, serviceLevel: over.serviceLevel ?? DEFAULT_TARGET.serviceLevel, maxAbandon: over.maxAbandon ?? DEFAULT_TARGET.maxAbandon };
}

/**
 * The day's plan: per interval (open ones, and any with calls) the people needed, and what the
 * roster (given, observed, or by default the people needed) is predicted to achieve. Both are
 * carried through the day from an empty queue at midnight (shared/planning/transient.ts): a
 * quarter hour inherits the queue the one before it left; where the model has learnt that calls
 * come unevenly within a quarter hour (`arrivalShape`), in its sub-steps. The people needed in a
 * quarter hour are the fewest who meet the target there, given the people needed before it.
 */
export function planDay(model: DemandModel, target: ServiceTarget, roster?: { staff: Roster; source: 'given' | 'observed' }): Plan {
  const modelTarget = { ...target, answerWithinSeconds: modelWaitTarget(target.answerWithinSeconds, model.answerDelaySeconds) };
  const rows: PlanInterval[] = [];
  const more: (number | null)[] = new Array<number | null>(INTERVALS_PER_DAY).fill(null);
  const fewer: (number | null)[] = new Array<number | null>(INTERVALS_PER_DAY).fill(null);
  let answeredOnTarget = 0;
  let answered = 0;
  let abandoned = 0;
  let calls = 0;
  const demands = model.intervals.map((d) => ({ arrivalsPerSecond: d.arrivalsPerSecond, handleSeconds: d.handleSeconds, handlePhases: model.handlePhases, patienceSeconds: model.patienceSeconds, patience: model.patienceCurve, shares: model.arrivalShape?.[d.interval] }));
  const steadyNeeded = demands.map((demand) => staffingNeeded('erlang-c', demand, modelTarget));
  // Room for any number of people the search may try: twice what plain Erlang C asks for, or the roster's.
  const maxServers = Math.max(...steadyNeeded.map((n) => 2 * n + 5), ...(roster?.staff ?? []));
  const chain = new DayChain(demands, maxServers);
  let neededState = chain.empty();
  let neededBefore = 0;
  let rosterState = chain.empty();
  for (const d of model.intervals) {
    const period = { ...demands[d.interval]!, seconds: INTERVAL_SECONDS };
    // More people never do worse: walk from the quarter hour's steady figure down while fewer still
    // meet the target, or up until enough do (the carried figure is rarely more than a person or two away).
    // The lines open on an empty queue (shared/planning/transient.ts): each person starts as their first caller comes, at the first sub-step's rate.
    const openingRate = period.shares && period.shares.length > 1 ? period.arrivalsPerSecond * period.shares[0]! * period.shares.length : period.arrivalsPerSecond;
    // People signing in to a waiting queue start their first calls together too; people signing out finish the call in hand.
    const advanceFrom = (state: number[], before: number, servers: number, nextServers?: number) => {
      const start = changeOfPeople(state, before, servers, openingRate, period.handleSeconds);
      return chain.advance(start.state, { ...period, servers, nextServers, freshStarts: start.freshStarts });
    };
    const tryWith = (servers: number) => advanceFrom(neededState, neededBefore, servers);
    let staffNeeded = d.calls > 0 ? Math.min(maxServers, staffingNeeded('erlang-a', demands[d.interval]!, modelTarget)) : 0;
    let needed = tryWith(staffNeeded);
    if (d.calls > 0 && meetsTarget(needed.prediction, modelTarget)) {
      while (staffNeeded > 1) {
        const fewer = tryWith(staffNeeded - 1);
        if (!meetsTarget(fewer.prediction, modelTarget)) break;
        [staffNeeded, needed] = [staffNeeded - 1, fewer];
      }
    } else {
      while (d.calls > 0 && !meetsTarget(needed.prediction, modelTarget) && staffNeeded < maxServers) needed = tryWith(++staffNeeded);
    }
    neededState = needed.end;
    neededBefore = staffNeeded;
    const rostered = roster ? roster.staff[d.interval]! : staffNeeded;
    let prediction = needed.prediction;
    if (roster) {
      // Callers still waiting when the quarter hour ends are answered by the next one's people.
      const carried = advanceFrom(rosterState, roster.staff[d.interval - 1] ?? 0, rostered, roster.staff[d.interval + 1]);
      rosterState = carried.end;
      prediction = carried.prediction;
    }
    if (!d.open && d.calls === 0 && rostered === 0) continue;
    const meets = meetsTarget(prediction, modelTarget);
    const withinTarget = prediction.serviceLevel(modelTarget.answerWithinSeconds);
    rows.push({
      start: d.start,
      end: intervalEnd(d.interval),
      open: d.open,
      calls: round1(d.calls),
      handleSeconds: Math.round(d.handleSeconds),
      staffNeeded,
      staffNeededErlangC: steadyNeeded[d.interval]!,
      rostered,
      predicted: { answeredWithinTargetPct: round1(withinTarget * 100), abandonPct: round1(prediction.abandonProbability * 100), meanWaitSeconds: Math.round(prediction.meanWaitSeconds), meetsTarget: meets },
    });
    if (rostered < staffNeeded) more[d.interval] = staffNeeded - rostered;
    if (rostered > staffNeeded) fewer[d.interval] = staffNeeded - rostered;
    calls += d.calls;
    const answeredShare = 1 - prediction.abandonProbability;
    answered += d.calls * answeredShare;
    answeredOnTarget += d.calls * answeredShare * withinTarget;
    abandoned += d.calls * prediction.abandonProbability;
  }
  const hours = (pick: (r: PlanInterval) => number) => rows.reduce((s, r) => s + pick(r), 0) / 4;
  return {
    weekday: model.weekday,
    target,
    rosterSource: roster?.source ?? 'needed',
    intervals: rows,
    changes: roster ? runs(more, model.weekday) : [],
    spare: roster ? runs(fewer, model.weekday) : [],
    day: {
      calls: round1(calls),
      answeredWithinTargetPct: answered > 0 ? round1((answeredOnTarget / answered) * 100) : null,
      abandonPct: calls > 0 ? round1((abandoned / calls) * 100) : null,
      staffHoursNeeded: hours((r) => r.staffNeeded),
      staffHoursRostered: hours((r) => r.rostered),
    },
  };
}

const SPAN = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/;

/** A roster from "08:00-09:30=3,09:30-12:00=2" or [{ from, to, staff }]: quarter-hour boundaries; intervals not named have nobody; spans may not overlap. */
export function parseRoster(input: string | { from: string; to: string; staff: number }[]): Roster {
  // Each span with the text to quote back in an error: what was typed, or the span rebuilt.
  const spans = typeof input === 'string'
    ? input.split(',').map((s) => s.trim()).filter(Boolean).map((part) => {
        const [span, staff] = part.split('=');
        const [from, to] = (span ?? '').split('-');
        return { from: from ?? '', to: to ?? '', staff: staff === undefined || staff.trim() === '' ? NaN : Number(staff), text: `"${part}"` };
      })
    : input.map((s) => ({ ...s, text: `${s.from}-${s.to}=${s.staff}` }));
  const roster = new Array<number>(INTERVALS_PER_DAY).fill(0);
  const namedBy = new Array<string | undefined>(INTERVALS_PER_DAY);
  for (const { from, to, staff, text } of spans) {
    const m = SPAN.exec(`${from}-${to}`);
    if (!m) throw new RangeError(`roster entry ${text} is not HH:MM-HH:MM=<people>`);
    const [fh, fm, th, tm] = m.slice(1).map(Number) as [number, number, number, number];
    if (fm % 15 || tm % 15 || fh > 23 || th > 24 || (th === 24 && tm > 0)) throw new RangeError(`roster entry ${text}: times must be on the quarter hour, 00:00 to 24:00`);
    const first = fh * 4 + fm / 15;
    const last = th * 4 + tm / 15;
    if (last <= first) throw new RangeError(`roster entry ${text} ends before it starts`);
    if (!Number.isInteger(staff) || staff < 0 || staff > 500) throw new RangeError(`roster entry ${text}: the number of people must be a whole number from 0 to 500`);
    for (let i = first; i < last; i++) {
      // Which of two overlapping spans counts would depend on their order: say so instead.
      if (namedBy[i] !== undefined) throw new RangeError(`roster entries ${namedBy[i]} and ${text} overlap: give each quarter hour once`);
      namedBy[i] = text;
      roster[i] = staff;
    }
  }
  return roster;
}

/** One staff pool's plan inside a PCN's (shared/planning/units.ts). */
export interface UnitPlan extends Plan {
  id: string;
  name: string;
  kind: 'practice' | 'pcn-team';
}

/**
 * A PCN's plan as the sum of its staff pools' own plans: people and calls add up per quarter hour;
 * the predicted shares are the pools' weighted by their calls (answered within target by the calls
 * answered); a quarter hour meets the target only where every pool does. Changes are the pools', named.
 */
export function sumPlans(units: UnitPlan[], weekday: WeekDay, target: ServiceTarget): Plan {
  const starts = [...new Set(units.flatMap((u) => u.intervals.map((i) => i.start)))].sort();
  const intervals = starts.map((start): PlanInterval => {
    const rows = units.flatMap((u) => u.intervals.filter((i) => i.start === start));
    const calls = rows.reduce((a, r) => a + r.calls, 0);
    const answered = rows.reduce((a, r) => a + r.calls * (1 - r.predicted.abandonPct / 100), 0);
    const weighted = (pick: (r: PlanInterval) => number, by: (r: PlanInterval) => number, total: number, empty: number) => (total > 0 ? rows.reduce((a, r) => a + pick(r) * by(r), 0) / total : empty);
    const sum = (pick: (r: PlanInterval) => number) => rows.reduce((a, r) => a + pick(r), 0);
    return {
      start,
      end: rows[0]!.end,
      open: rows.some((r) => r.open),
      calls: round1(calls),
      handleSeconds: Math.round(weighted((r) => r.handleSeconds, (r) => r.calls, calls, rows[0]!.handleSeconds)),
      staffNeeded: sum((r) => r.staffNeeded),
      staffNeededErlangC: sum((r) => r.staffNeededErlangC),
      rostered: sum((r) => r.rostered),
      predicted: {
        answeredWithinTargetPct: round1(weighted((r) => r.predicted.answeredWithinTargetPct, (r) => r.calls * (1 - r.predicted.abandonPct / 100), answered, 100)),
        abandonPct: round1(weighted((r) => r.predicted.abandonPct, (r) => r.calls, calls, 0)),
        meanWaitSeconds: Math.round(weighted((r) => r.predicted.meanWaitSeconds, (r) => r.calls, calls, 0)),
        meetsTarget: rows.every((r) => r.predicted.meetsTarget),
      },
    };
  });
  const named = (u: UnitPlan, c: RosterChange): RosterChange => ({ ...c, sentence: `${u.name}: ${c.sentence}` });
  const dayCalls = units.reduce((a, u) => a + u.day.calls, 0);
  const dayAnswered = units.reduce((a, u) => a + (u.day.abandonPct === null ? 0 : u.day.calls * (1 - u.day.abandonPct / 100)), 0);
  return {
    weekday,
    target,
    rosterSource: units[0]?.rosterSource ?? 'needed',
    intervals,
    changes: units.flatMap((u) => u.changes.map((c) => named(u, c))),
    spare: units.flatMap((u) => u.spare.map((c) => named(u, c))),
    day: {
      calls: round1(dayCalls),
      answeredWithinTargetPct: dayAnswered > 0 ? round1(units.reduce((a, u) => a + (u.day.answeredWithinTargetPct ?? 0) * (u.day.abandonPct === null ? 0 : u.day.calls * (1 - u.day.abandonPct / 100)), 0) / dayAnswered) : null,
      abandonPct: dayCalls > 0 ? round1(units.reduce((a, u) => a + (u.day.abandonPct ?? 0) * u.day.calls, 0) / dayCalls) : null,
      staffHoursNeeded: units.reduce((a, u) => a + u.day.staffHoursNeeded, 0),
      staffHoursRostered: units.reduce((a, u) => a + u.day.staffHoursRostered, 0),
    },
  };
}
