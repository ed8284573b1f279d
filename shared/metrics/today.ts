import { londonWallClock } from '../london-time.js';

/**
 * Today's figures for a practice, team or PCN, computed from call records and nothing else: the
 * live wallboard and GET /v1/practices/:ods/metrics both call `dayMetrics`, so the screen and the
 * records cannot disagree. Definitions follow NHS England's CBT measures (docs/wallboard.md).
 */

/** A call record as CallQueue.records() returns it; the figures read outcome, team, arrivedAt and waitSeconds. */
export type CallRecordFields = Readonly<Record<string, string | undefined>>;

export const INTERVAL_MS = 15 * 60_000;

export interface IntervalCount {
  /** The interval's start, an instant (ISO 8601). */
  start: string;
  /** Its London wall-clock start, "08:15". */
  label: string;
  offered: number;
  answered: number;
  abandoned: number;
}

export interface DayMetrics {
  /** Calls that reached a queue: answered + abandoned (CBT003 + CBT004). */
  offered: number;
  answered: number;
  /** Callers who hung up while waiting or while a phone rang for them (CBT004). */
  abandoned: number;
  /** abandoned ÷ offered, one decimal place; null with no calls offered. */
  abandonedPercent: number | null;
  /** Calls that ended before joining a queue (CBT002), not counted as offered. */
  endedBeforeQueue: number;
  /** Call-backs requested (CBT005): asked for by callers or booked by staff, of calls that arrived (or bookings made) this day. */
  callbacksRequested: number;
  /** Of those, call-backs made (CBT006): the patient answered. */
  callbacksMade: number;
  /** Of answered calls, seconds from joining the queue to being answered. */
  averageWaitSeconds: number | null;
  /** Nearest-rank 90th percentile of the same waits. */
  p90WaitSeconds: number | null;
  targetSeconds: number;
  /** Answered calls that waited at most targetSeconds, as a share of answered calls. */
  answeredWithinTargetPercent: number | null;
  /** By arrival, one per 15 minutes of the London day (92 or 100 on clock-change days). */
  intervals: IntervalCount[];
}

const percent = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 1000) / 10);

/** Nearest-rank percentile of ascending values. */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Figures for the records of the London day [from, to), optionally only some teams' calls. */
/**
 * A call-back as today's figures need it: its state (`made` once made) and the day it belongs to,
 * its firstRingAt (the arrival of the call it was asked on, or when staff booked it), which is
 * where the statistics count CBT005 and CBT006, so the screen and /v1/stats agree.
 */
export interface CallbackFields {
  state: string;
  team: string;
  firstRingAt: number;
}

export function dayMetrics(records: Iterable<CallRecordFields>, day: { from: number; to: number }, targetSeconds: number, teams?: ReadonlySet<string>, callbacks: readonly CallbackFields[] = []): DayMetrics {
  const intervals: IntervalCount[] = [];
  for (let start = day.from; start < day.to; start += INTERVAL_MS) {
    const wall = londonWallClock(start);
    const label = `${String(wall.hour).padStart(2, '0')}:${String(wall.minute).padStart(2, '0')}`;
    intervals.push({ start: new Date(start).toISOString(), label, offered: 0, answered: 0, abandoned: 0 });
  }
  let answered = 0;
  let abandoned = 0;
  let endedBeforeQueue = 0;
  const waits: number[] = [];
  for (const r of records) {
    if (teams && !teams.has(r.team ?? '')) continue;
    if (r.outcome !== 'answered' && r.outcome !== 'abandoned') {
      endedBeforeQueue++;
      continue;
    }
    // A call that arrived before midnight and ended after it counts in the day's first interval.
    const index = Math.min(intervals.length - 1, Math.max(0, Math.floor((Number(r.arrivedAt) - day.from) / INTERVAL_MS)));
    const interval = intervals[index]!;
    interval.offered++;
    if (r.outcome === 'answered') {
      answered++;
      interval.answered++;
      waits.push(Number(r.waitSeconds));
    } else {
      abandoned++;
      interval.abandoned++;
    }
  }
  waits.sort((a, b) => a - b);
  const offered = answered + abandoned;
  const todays = callbacks.filter((c) => c.firstRingAt >= day.from && c.firstRingAt < day.to && (!teams || teams.has(c.team)));
  return {
    offered,
    answered,
    abandoned,
    abandonedPercent: percent(abandoned, offered),
    endedBeforeQueue,
    callbacksRequested: todays.length,
    callbacksMade: todays.filter((c) => c.state === 'made').length,
    averageWaitSeconds: waits.length === 0 ? null : Math.round(waits.reduce((a, b) => a + b, 0) / waits.length),
    p90WaitSeconds: percentile(waits, 90),
    targetSeconds,
    answeredWithinTargetPercent: percent(waits.filter((w) => w <= targetSeconds).length, waits.length),
    intervals,
  };
}
