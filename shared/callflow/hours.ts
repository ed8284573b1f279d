import { readFileSync } from 'node:fs';
import type { WeekDay, WeeklyHours } from '../directory/types.js';
import { londonMidnight, londonWallClock } from '../london-time.js';

/**
 * Opening hours, read on London's wall clock: a range "08:00-18:30" is open from 08:00 up to, not
 * including, 18:30, whatever the offset from UTC that day (so a clock-change Sunday needs no care).
 */

const WEEKDAYS: WeekDay[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** England and Wales bank holidays as shipped (shared/data, from gov.uk/bank-holidays.json). */
export function shippedBankHolidays(): string[] {
  const file = new URL('../data/bank-holidays-england-and-wales.json', import.meta.url);
  const data = JSON.parse(readFileSync(file, 'utf8')) as { events: { date: string }[] };
  return data.events.map((e) => e.date);
}

export interface LondonMoment {
  date: string;
  /** Minutes since London midnight. */
  minute: number;
  day: WeekDay;
}

export function londonMoment(ms: number): LondonMoment {
  const w = londonWallClock(ms);
  const [y, m, d] = w.date.split('-').map(Number) as [number, number, number];
  return { date: w.date, minute: w.hour * 60 + w.minute, day: WEEKDAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()]! };
}

/** [open, close) minute ranges that day. */
function rangesOn(hours: WeeklyHours, at: LondonMoment, bankHolidays: ReadonlySet<string>): [number, number][] {
  const ranges = bankHolidays.has(at.date) ? (hours.bankHolidays ?? []) : (hours[at.day] ?? []);
  return ranges.map((r) => {
    const [from, to] = r.split('-').map((hm) => {
      const [h, m] = hm.split(':').map(Number) as [number, number];
      return h * 60 + m;
    }) as [number, number];
    return [from, to];
  });
}

export function isOpenAt(hours: WeeklyHours | undefined, at: LondonMoment, bankHolidays: ReadonlySet<string>): boolean {
  if (!hours) return !bankHolidays.has(at.date);
  return rangesOn(hours, at, bankHolidays).some(([from, to]) => at.minute >= from && at.minute < to);
}

/**
 * Does the practice open at all on this London date (YYYY-MM-DD)? By its hours, bank holidays
 * read as such; without hours, Monday to Friday except bank holidays.
 */
export function opensOn(hours: WeeklyHours | undefined, date: string, bankHolidays: ReadonlySet<string>): boolean {
  const at = londonMoment(londonMidnight(date) + 12 * 3600_000);
  if (!hours) return !bankHolidays.has(date) && at.day !== 'sat' && at.day !== 'sun';
  return rangesOn(hours, at, bankHolidays).length > 0;
}

/** "14:00" when the hours open again later the same day (after lunch), else undefined. */
export function reopensToday(hours: WeeklyHours | undefined, at: LondonMoment, bankHolidays: ReadonlySet<string>): string | undefined {
  if (!hours) return undefined;
  const later = rangesOn(hours, at, bankHolidays).map(([from]) => from).filter((from) => from > at.minute).sort((a, b) => a - b)[0];
  return later === undefined ? undefined : hhmm(later);
}

/**
 * "17:30" when the practice, open at `at`, closes for the day then (the end of its last range);
 * undefined without hours, or when it is open through midnight into the next day ("00:00-24:00").
 */
export function closesToday(hours: WeeklyHours | undefined, at: LondonMoment, bankHolidays: ReadonlySet<string>): string | undefined {
  if (!hours) return undefined;
  const ranges = rangesOn(hours, at, bankHolidays);
  if (!ranges.some(([from, to]) => at.minute >= from && at.minute < to)) return undefined;
  const close = Math.max(...ranges.map(([, to]) => to));
  if (close === 24 * 60 && rangesOn(hours, londonMoment(londonMidnight(at.date) + 36 * 3600_000), bankHolidays).some(([from]) => from === 0)) return undefined;
  return hhmm(close);
}

/** Minutes since midnight as "HH:MM". */
function hhmm(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

/** A range must close after it opens. */
export function badRange(range: string): boolean {
  const [from, to] = range.split('-');
  return !(from! < to!);
}
