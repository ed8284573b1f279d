import type { Practice } from '../directory/types.js';
import { addInto, dateOf, dayNumberOf, emptyCounters, type Counters } from './layout.js';
import { MEASURES, shown } from './measures.js';
import { parseRange, statsRows, type Granularity, type StatsRow } from './query.js';
import type { StatsStore } from './store.js';

/** The CBT measures an ICB analyst compares practices by: calls, answered within 2 minutes, abandoned, call-backs. */
export const DASHBOARD_MEASURES = ['CBT001', 'CBT003', 'answered_under_2m_pct', 'CBT004', 'CBT005', 'CBT006'] as const;
/** How many weeks the trend goes back (this week included). */
export const TREND_WEEKS = 12;

const CALLS = MEASURES.find((m) => m.name === 'CBT001')!;

export interface DashboardPeriod {
  from: string;
  to: string;
}

export interface IcbDashboard {
  icb: { code: string; name: string };
  today: DashboardPeriod;
  month: DashboardPeriod;
  weeks: DashboardPeriod;
  suppressedBelow: number;
  measures: string[];
  total: { today: StatsRow; month: StatsRow };
  practices: { ods: string; name: string; pcn: string | null; today: StatsRow; month: StatsRow }[];
  /** This month's calls (CBT001) by London weekday (0 Monday … 6 Sunday) and hour, suppressed as any figure is. */
  heatmap: (number | string | null)[][];
  /** One row per ISO week (Monday's date), oldest first. */
  trend: StatsRow[];
}

/**
 * The ICB dashboard's figures. Every table figure is a row of `statsRows`, the function behind
 * GET /v1/stats, asked exactly as /v1/stats would be for that scope and period (so suppression is
 * the same); `practices` are the ICB scope's, as parseScope gives them; the heat map sums the same counters and suppresses each cell with the same `shown`.
 */
export async function icbDashboard(store: StatsStore, icb: IcbDashboard['icb'], practices: Practice[], date: string, suppressBelow: number): Promise<IcbDashboard> {
  const monthFrom = `${date.slice(0, 7)}-01`;
  const day = dayNumberOf(date);
  const weeksFrom = dateOf(day - ((new Date(day * 86_400_000).getUTCDay() + 6) % 7) - 7 * (TREND_WEEKS - 1));
  const rows = async (scope: Practice[], from: string, granularity: Granularity) => {
    const out: StatsRow[] = [];
    for await (const r of statsRows(store, scope, parseRange(from, date, granularity, DASHBOARD_MEASURES.join(',')), suppressBelow)) out.push(r);
    return out;
  };
  const one = async (scope: Practice[], from: string, granularity: Granularity) => (await rows(scope, from, granularity))[0]!;
  const [totalToday, totalMonth, trend, perPractice, heatmap] = await Promise.all([
    one(practices, date, 'day'),
    one(practices, monthFrom, 'month'),
    rows(practices, weeksFrom, 'week'),
    Promise.all(practices.map(async (p) => ({ ods: p.ods, name: p.name, pcn: p.pcn ?? null, today: await one([p], date, 'day'), month: await one([p], monthFrom, 'month') }))),
    callsByWeekdayAndHour(store, practices, dayNumberOf(monthFrom), day, suppressBelow),
  ]);
  return {
    icb,
    today: { from: date, to: date },
    month: { from: monthFrom, to: date },
    weeks: { from: weeksFrom, to: date },
    suppressedBelow: suppressBelow,
    measures: [...DASHBOARD_MEASURES],
    total: { today: totalToday, month: totalMonth },
    practices: perPractice,
    heatmap,
    trend,
  };
}

async function callsByWeekdayAndHour(store: StatsStore, practices: Practice[], fromDay: number, toDay: number, suppressBelow: number): Promise<(number | string | null)[][]> {
  const cells: Counters[][] = Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => emptyCounters()));
  for (let day = fromDay; day <= toDay; day++) {
    const weekday = (new Date(day * 86_400_000).getUTCDay() + 6) % 7;
    for (const intervals of await Promise.all(practices.map((p) => store.intervals(p, day)))) {
      intervals.forEach((c, i) => addInto(cells[weekday]![Math.floor(i / 4)]!, c));
    }
  }
  return cells.map((hours) => hours.map((c) => shown(CALLS, c, suppressBelow)));
}
