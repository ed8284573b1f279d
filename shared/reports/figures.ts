import type { Directory } from '../directory/directory.js';
import type { Practice, Staff } from '../directory/types.js';
import { londonWallClock } from '../london-time.js';
import { BAND_UPPER, hourLabel, hoursOf, periodDates, ReportQueryError, STAFF, TEAM, type Counters, type Period, type RecordSpec } from './layout.js';
import { bucketed, type Hours, type ReportsStore } from './store.js';

export const GRANULARITIES = ['hour', 'day', 'period'] as const;
export type Granularity = (typeof GRANULARITIES)[number];
export type Figure = number | string | null;

const seconds = (ms: number) => Math.round(ms / 1000);
const ratio = (part: number, whole: number, scale: number, places: number) => (whole === 0 ? null : Math.round((part / whole) * scale * 10 ** places) / 10 ** places);

/**
 * The nearest-rank 90th percentile of the values counted in `bands`, as the upper bound of the band
 * it falls in (seconds), or `>1800` in the open last band; null with nothing counted.
 */
export function bandP90(c: Counters, first: number): Figure {
  const counts = c.slice(first, first + BAND_UPPER.length + 1);
  const n = counts.reduce((a, b) => a + b, 0);
  if (n === 0) return null;
  const rank = Math.ceil(0.9 * n);
  let seen = 0;
  for (const [i, count] of counts.entries()) {
    seen += count;
    if (seen >= rank) return i < BAND_UPPER.length ? BAND_UPPER[i]! : `>${BAND_UPPER.at(-1)}`;
  }
  return null;
}

/** A member of staff's figures, in the column order of the API and CSV (docs/reports.md). */
export const STAFF_COLUMNS = ['calls_answered', 'callbacks_made', 'talk_s', 'mean_talk_s', 'p90_talk_s', 'wrap_up_s', 'rings_not_answered', 'signed_in_s', 'available_s', 'on_call_s', 'away_s'] as const;
export function staffFigures(c: Counters): Record<(typeof STAFF_COLUMNS)[number], Figure> {
  return {
    calls_answered: c[STAFF.answered]!,
    callbacks_made: c[STAFF.callbacksMade]!,
    talk_s: c[STAFF.talkSum]!,
    mean_talk_s: ratio(c[STAFF.talkSum]!, c[STAFF.answered]!, 1, 0),
    p90_talk_s: bandP90(c, STAFF.talkBand),
    wrap_up_s: seconds(c[STAFF.wrapUpMs]!),
    rings_not_answered: c[STAFF.ringsNotAnswered]!,
    signed_in_s: seconds(c[STAFF.availableMs]! + c[STAFF.onCallMs]! + c[STAFF.wrapUpMs]! + c[STAFF.awayMs]!),
    available_s: seconds(c[STAFF.availableMs]!),
    on_call_s: seconds(c[STAFF.onCallMs]!),
    away_s: seconds(c[STAFF.awayMs]!),
  };
}

/** A team's figures, in the column order of the API and CSV (docs/reports.md). */
export const TEAM_COLUMNS = ['offered', 'answered', 'abandoned', 'callback_requests', 'overflowed_in', 'overflowed_out', 'mean_wait_s', 'p90_wait_s', 'within_target_pct', 'staff_hours_signed_in'] as const;
export function teamFigures(c: Counters): Record<(typeof TEAM_COLUMNS)[number], Figure> {
  return {
    offered: c[TEAM.offered]!,
    answered: c[TEAM.answered]!,
    abandoned: c[TEAM.abandoned]!,
    callback_requests: c[TEAM.callbackRequested]!,
    overflowed_in: c[TEAM.overflowedIn]!,
    overflowed_out: c[TEAM.overflowedOut]!,
    mean_wait_s: ratio(c[TEAM.waitSum]!, c[TEAM.answered]!, 1, 0),
    p90_wait_s: bandP90(c, TEAM.waitBand),
    within_target_pct: ratio(c[TEAM.withinTarget]!, c[TEAM.answered]!, 100, 1),
    staff_hours_signed_in: Math.round((c[TEAM.signedInMs]! / 3_600_000) * 100) / 100,
  };
}

export interface ReportQuery {
  period: Period;
  /** Any London date in the period. */
  date: string;
  granularity: Granularity;
}

export interface Report<K extends string> {
  period: Period;
  from: string;
  to: string;
  granularity: Granularity;
  rows: (Record<K, string> & { period: string; name: string } & Record<string, Figure>)[];
  totals: (Record<K, string> & { name: string } & Record<string, Figure>)[];
}

/** The London date the period holds `date` in, and granularity's default: hours of a day, days of a week or month. */
export function resolveQuery(period: Period, date: string | undefined, granularity: Granularity | undefined, now: number): ReportQuery {
  const day = date ?? londonWallClock(now).date;
  periodDates(period, day);
  const g = granularity ?? (period === 'day' ? 'hour' : 'day');
  if (g === 'hour' && period === 'month') throw new ReportQueryError('granularity=hour is for a day or a week; use day for a month');
  return { period, date: day, granularity: g };
}

function build<K extends string>(idKey: K, subjects: { id: string; name: string }[], byId: Map<string, Hours>, q: ReportQuery, spec: RecordSpec, figures: (c: Counters) => Record<string, Figure>): Report<K> {
  const { from, to } = periodDates(q.period, q.date);
  const label = q.granularity === 'hour' ? hourLabel : q.granularity === 'day' ? (h: number) => londonWallClock(h).date : () => from;
  const report: Report<K> = { period: q.period, from, to, granularity: q.granularity, rows: [], totals: [] };
  for (const s of subjects) {
    const hours = byId.get(s.id)!;
    const head = { [idKey]: s.id, name: s.name } as Record<K, string> & { name: string };
    for (const [period, c] of bucketed(hours, label, spec)) report.rows.push({ period, ...head, ...figures(c) });
    report.totals.push({ ...head, ...figures([...bucketed(hours, () => 'total', spec).values()][0]!) });
  }
  return report;
}

/** Figures of these members of staff of `practice`, hour by hour, day by day or for the period. */
export async function staffReport(store: ReportsStore, practice: Practice, staff: Staff[], q: ReportQuery, now: number): Promise<Report<'staff'>> {
  const { from, to } = periodDates(q.period, q.date);
  const byId = await store.staffHours(practice, staff, hoursOf(from, to), now);
  return build('staff', staff, byId, q, STAFF.record, staffFigures);
}

/** Figures of these teams (keys), hour by hour, day by day or for the period. */
export async function teamReport(store: ReportsStore, directory: Directory, practice: Practice, teamKeys: string[], q: ReportQuery, now: number): Promise<Report<'team'>> {
  const { from, to } = periodDates(q.period, q.date);
  const byKey = await store.teamHours(practice, teamKeys, hoursOf(from, to), now);
  const teams = teamKeys.map((key) => ({ id: key, name: directory.teamByKey(key)?.team.name ?? key }));
  return build('team', teams, byKey, q, TEAM.record, teamFigures);
}
