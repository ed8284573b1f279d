import { isValidDate } from '../london-time.js';
import type { Practice } from '../directory/types.js';
import { addInto, dateOf, dayNumberOf, DAYS_PER_BLOCK, emptyCounters, INTERVALS_PER_DAY, type Counters } from './layout.js';
import { MEASURE_NAMES, MEASURES, shown, type Measure } from './measures.js';
import { StatsQueryError } from './scope.js';
import type { StatsStore } from './store.js';

export const GRANULARITIES = ['15m', 'hour', 'day', 'week', 'month'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

/** The longest range each granularity answers (days): fine grains read a string per practice-day. */
export const MAX_RANGE_DAYS: Record<Granularity, number> = { '15m': 31, hour: 31, day: 1127, week: 1127, month: 1127 };

export interface StatsRange {
  fromDay: number;
  toDay: number;
  /** 'total': one row for the whole range. */
  granularity: Granularity | 'total';
  measures: Measure[];
}

/** Checks from/to (London dates, inclusive), granularity and measures; a sentence for each mistake. */
export function parseRange(from: string, to: string, granularity: Granularity, measures: string | undefined): StatsRange {
  for (const [name, date] of [['from', from], ['to', to]] as const) {
    if (!isValidDate(date)) throw new StatsQueryError(`${name}=${date} is not a calendar date (YYYY-MM-DD)`);
  }
  const fromDay = dayNumberOf(from);
  const toDay = dayNumberOf(to);
  if (toDay < fromDay) throw new StatsQueryError(`to (${to}) is before from (${from})`);
  const days = toDay - fromDay + 1;
  if (days > MAX_RANGE_DAYS[granularity]) {
    throw new StatsQueryError(`${days} days is too long a range at ${granularity} granularity: at most ${MAX_RANGE_DAYS[granularity]} days${granularity === '15m' || granularity === 'hour' ? '; use day, week or month for longer ranges' : ''}`);
  }
  const names = measures ? measures.split(',').map((s) => s.trim()).filter(Boolean) : MEASURE_NAMES;
  const unknown = names.filter((n) => !MEASURE_NAMES.includes(n));
  if (unknown.length > 0) throw new StatsQueryError(`unknown measure ${unknown.join(', ')}: choose from ${MEASURE_NAMES.join(', ')}`);
  return { fromDay, toDay, granularity, measures: MEASURES.filter((m) => names.includes(m.name)) };
}

export type StatsRow = Record<string, number | string | null>;

const isoMonday = (day: number) => day - ((new Date(day * 86_400_000).getUTCDay() + 6) % 7);
const dayLabel: Record<'day' | 'week' | 'month' | 'total', (day: number) => string> = {
  total: () => 'total',
  day: dateOf,
  week: (day) => dateOf(isoMonday(day)),
  month: (day) => dateOf(day).slice(0, 7),
};
const hhmm = (interval: number) => `${String(Math.floor(interval / 4)).padStart(2, '0')}:${String((interval % 4) * 15).padStart(2, '0')}`;

/** Sums of the scope's practices, period by period, oldest first; read a month (or a day) at a time so large ranges stream. */
export async function* statsRows(store: StatsStore, practices: Practice[], range: StatsRange, suppressBelow: number): AsyncGenerator<StatsRow> {
  const row = (period: string, c: Counters): StatsRow => {
    const r: StatsRow = { period };
    for (const m of range.measures) r[m.name] = shown(m, c, suppressBelow);
    return r;
  };
  if (range.granularity === '15m' || range.granularity === 'hour') {
    const step = range.granularity === 'hour' ? 4 : 1;
    for (let day = range.fromDay; day <= range.toDay; day++) {
      const perPractice = await Promise.all(practices.map((p) => store.intervals(p, day)));
      for (let i = 0; i < INTERVALS_PER_DAY; i += step) {
        const total = emptyCounters();
        for (const intervals of perPractice) for (let j = i; j < i + step; j++) addInto(total, intervals[j]!);
        yield row(`${dateOf(day)}T${hhmm(i)}`, total);
      }
    }
    return;
  }
  const label = dayLabel[range.granularity];
  let current: { label: string; total: Counters } | undefined;
  // A chunk is one 32-day block of the day counters, so each block string is read once.
  for (let chunkStart = range.fromDay; chunkStart <= range.toDay; chunkStart = (Math.floor(chunkStart / DAYS_PER_BLOCK) + 1) * DAYS_PER_BLOCK) {
    const chunkEnd = Math.min((Math.floor(chunkStart / DAYS_PER_BLOCK) + 1) * DAYS_PER_BLOCK - 1, range.toDay);
    const perPractice = await Promise.all(practices.map((p) => store.days(p, chunkStart, chunkEnd)));
    for (let day = chunkStart; day <= chunkEnd; day++) {
      const l = label(day);
      if (current && current.label !== l) yield row(current.label, current.total);
      if (!current || current.label !== l) current = { label: l, total: emptyCounters() };
      for (const days of perPractice) addInto(current.total, days.get(day)!);
    }
  }
  if (current) yield row(current.label, current.total);
}
