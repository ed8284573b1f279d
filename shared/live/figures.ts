import type { CallRecordFields } from '../metrics/today.js';
import type { CallbackRecord } from '../queue/queue.js';
import { maskNumber } from '../log.js';

/** The rolling service level's window: what a supervisor acts on now, not the whole morning. */
export const SERVICE_LEVEL_WINDOW_MS = 30 * 60_000;

export interface ServiceLevel {
  windowMinutes: number;
  /** Calls answered in the window (by when they were answered) whose call has ended. */
  answered: number;
  withinTarget: number;
  /** withinTarget ÷ answered, one decimal place; null with nothing answered. */
  percent: number | null;
}

/**
 * % answered within target over the last `windowMs`: of ended, answered calls answered in
 * (now − window, now], those that waited at most `targetSeconds`, as today's figure counts them.
 */
export function rollingServiceLevel(records: Iterable<CallRecordFields>, now: number, targetSeconds: number, teams?: ReadonlySet<string>, windowMs = SERVICE_LEVEL_WINDOW_MS): ServiceLevel {
  let answered = 0;
  let withinTarget = 0;
  for (const r of records) {
    if (r.outcome !== 'answered' || (teams && !teams.has(r.team ?? ''))) continue;
    const at = Number(r.answeredAt);
    if (!(at > now - windowMs && at <= now)) continue;
    answered++;
    if (Number(r.waitSeconds) <= targetSeconds) withinTarget++;
  }
  return { windowMinutes: windowMs / 60_000, answered, withinTarget, percent: answered === 0 ? null : Math.round((withinTarget / answered) * 1000) / 10 };
}

/** Answered calls per member of staff in these records. */
export function answeredBy(records: Iterable<CallRecordFields>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of records) if (r.outcome === 'answered' && r.staff) counts.set(r.staff, (counts.get(r.staff) ?? 0) + 1);
  return counts;
}

/** A call-back still to be made, as a screen lists it. */
export interface CallbackDue {
  id: string;
  caller: string;
  team: string;
  practice: string;
  /** queued: in the queue now; retry-wait: the patient did not answer, ringing again soon; booked: a window later. */
  state: 'queued' | 'retry-wait' | 'booked';
  /** When it is due (ms): the request for a queued or retrying one, the window's start for a booked one. */
  dueAt: number;
  windowEnd: number | null;
}

const DUE_ORDER = { queued: 0, 'retry-wait': 1, booked: 2 } as const;

/** Call-backs not yet made, in the order staff will make them: the queue's, then retries, then booked windows by start. */
export function callbacksDue(callbacks: readonly CallbackRecord[], limit: number): CallbackDue[] {
  return callbacks
    .filter((c): c is CallbackRecord & { state: CallbackDue['state'] } => c.state in DUE_ORDER)
    .map((c) => ({ id: c.id, caller: maskNumber(c.number), team: c.team, practice: c.practice, state: c.state, dueAt: c.state === 'booked' ? (c.windowStart ?? c.requestedAt) : c.requestedAt, windowEnd: c.windowEnd ?? null }))
    .sort((a, b) => DUE_ORDER[a.state] - DUE_ORDER[b.state] || a.dueAt - b.dueAt)
    .slice(0, limit);
}
