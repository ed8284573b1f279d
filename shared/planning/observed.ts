import type { Directory } from '../directory/directory.js';
import type { Practice, WeekDay } from '../directory/types.js';
import { londonMidnight, londonOffsetMs } from '../london-time.js';
import type { CallQueue } from '../queue/queue.js';
import { dateOf, INTERVALS_PER_DAY } from '../stats/layout.js';
import { pastDays } from './model.js';
import type { Roster } from './plan.js';

const INTERVAL_MS = 900_000;
const DAY_MS = 86_400_000;
/** The London wall-clock interval of an instant, counted from London midnight of `day` (may fall outside 0–95). */
const intervalOf = (ms: number, day: number) => Math.floor((ms + londonOffsetMs(ms) - day * DAY_MS) / INTERVAL_MS);

/**
 * Last week's roster as the call records show it: per interval, the people who were on a call
 * (or in wrap-up after one) at some moment of it. Presence is not kept historically, so this is a
 * lower bound: someone signed in who took no call in an interval is not counted. `teamKeys`: only
 * calls queued for these teams.
 */
export async function observedRoster(queue: CallQueue, directory: Directory, practices: readonly Practice[], weekday: WeekDay, now: number, teamKeys?: readonly string[]): Promise<{ date: string; staff: Roster }> {
  const [day] = pastDays(weekday, 1, now);
  const date = dateOf(day!);
  const from = londonMidnight(date);
  const busy = Array.from({ length: INTERVALS_PER_DAY }, () => new Set<string>());
  for (const practice of practices) {
    // Records are indexed by end time; a call answered before midnight may end after it.
    const records = await queue.records(directory.shard(practice), practice.ods, from, from + 2 * DAY_MS);
    for (const r of records) {
      const answeredAt = Number(r.answeredAt);
      // Only the calls of one staff pool's teams, when asked for one (shared/planning/units.ts).
      if (!r.staff || !answeredAt || (teamKeys && !teamKeys.includes(r.team ?? ''))) continue;
      const freeAt = Number(r.endedAt) + practice.wrapUpSeconds * 1000;
      const first = Math.max(0, intervalOf(answeredAt, day!));
      const last = Math.min(INTERVALS_PER_DAY - 1, intervalOf(freeAt - 1, day!));
      for (let i = first; i <= last; i++) busy[i]!.add(r.staff);
    }
  }
  return { date, staff: busy.map((s) => s.size) };
}
