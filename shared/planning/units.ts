import type { Directory } from '../directory/directory.js';
import type { Practice } from '../directory/types.js';
import { londonMidnight, londonWallClock } from '../london-time.js';
import type { CallQueue } from '../queue/queue.js';
import { INTERVALS_PER_DAY } from '../stats/layout.js';
import { answeredCall, type AnsweredCall } from './answer-delay.js';
import { INTERVAL_SECONDS, type DemandModel } from './model.js';

/**
 * A PCN is planned as the staff pools that answer its calls: each practice (its own teams) and
 * each PCN-wide team (a medicines team answers every practice's callers, with its own people).
 * Planning the PCN's calls as if one team answered them all would pool people who cannot stand in
 * for each other, and ask for too few.
 */
export interface PlanUnit {
  /** The practice's ODS code, or the PCN team's key (`U12345.medicines`). */
  id: string;
  name: string;
  kind: 'practice' | 'pcn-team';
  /** The team keys whose callers this pool answers. */
  teamKeys: string[];
}

const QUEUED = new Set(['answered', 'abandoned', 'callback-requested']);
const DAY_MS = 86_400_000;

export function pcnUnits(directory: Directory, pcn: string, practices: readonly Practice[]): PlanUnit[] {
  const own: PlanUnit[] = practices.map((p) => ({ id: p.ods, name: p.name, kind: 'practice', teamKeys: p.teams.map((t) => `${p.ods}.${t.id}`) }));
  const shared = directory.data.pcns.find((x) => x.code === pcn)?.teams ?? [];
  return [...own, ...shared.map((t): PlanUnit => ({ id: `${pcn}.${t.id}`, name: t.name, kind: 'pcn-team', teamKeys: [`${pcn}.${t.id}`] }))];
}

/** A call that reached a practice's queue, as its call record shows it: the London date and second of the day it arrived, and the team it queued for. */
export interface QueuedArrival {
  date: string;
  secondOfDay: number;
  team: string;
}

/**
 * The calls that reached the practice's queues on `dates` (answered, hung up while waiting, or
 * asked for a call-back), and those of them a person answered, from its call records: kept
 * callRecordRetentionDays, so older dates give none.
 */
export async function queuedCalls(queue: CallQueue, directory: Directory, practice: Practice, dates: readonly string[]): Promise<{ arrivals: QueuedArrival[]; answered: AnsweredCall[] }> {
  const arrivals: QueuedArrival[] = [];
  const answered: AnsweredCall[] = [];
  for (const date of dates) {
    const from = londonMidnight(date);
    // Records are indexed by end time; a call that arrived before midnight may end after it.
    for (const r of await queue.records(directory.shard(practice), practice.ods, from, from + 2 * DAY_MS)) {
      const arrived = londonWallClock(Number(r.arrivedAt));
      if (!QUEUED.has(r.outcome ?? '') || arrived.date !== date) continue;
      arrivals.push({ date, secondOfDay: arrived.hour * 3600 + arrived.minute * 60 + arrived.second, team: r.team ?? '' });
      const call = answeredCall(r);
      if (call) answered.push(call);
    }
  }
  return { arrivals, answered };
}

/**
 * Per London hour of the day, how a practice's queued calls split between the units, counted from
 * its call records (each says which team the caller queued for). Hours with no record give no
 * split: `undefined`.
 */
export function unitSplits(arrivals: readonly QueuedArrival[], units: readonly PlanUnit[]): (Map<string, number> | undefined)[] {
  const unitOf = new Map(units.flatMap((u) => u.teamKeys.map((k) => [k, u.id] as const)));
  const counts = Array.from({ length: 24 }, () => new Map<string, number>());
  for (const a of arrivals) {
    const unit = unitOf.get(a.team);
    if (!unit) continue;
    const hour = counts[Math.floor(a.secondOfDay / 3600)]!;
    hour.set(unit, (hour.get(unit) ?? 0) + 1);
  }
  return counts.map((hour) => {
    const total = [...hour.values()].reduce((a, b) => a + b, 0);
    return total === 0 ? undefined : new Map([...hour].map(([unit, n]) => [unit, n / total]));
  });
}

/**
 * The demand model of one unit: each practice's calls per quarter hour times the share of that
 * hour's calls its records give the unit (all of it to the practice itself where its records say
 * nothing), summed over the practices. Handle time and patience are `base`'s.
 */
export function unitModel(base: DemandModel, unit: PlanUnit, practices: { model: DemandModel; splits: (Map<string, number> | undefined)[]; ods: string }[]): DemandModel {
  const calls = new Array<number>(INTERVALS_PER_DAY).fill(0);
  for (const p of practices) {
    p.model.intervals.forEach((d, i) => {
      const split = p.splits[Math.floor(i / 4)];
      calls[i]! += d.calls * (split ? split.get(unit.id) ?? 0 : unit.id === p.ods ? 1 : 0);
    });
  }
  return { ...base, intervals: base.intervals.map((d, i) => ({ ...d, calls: calls[i]!, arrivalsPerSecond: calls[i]! / INTERVAL_SECONDS })) };
}
