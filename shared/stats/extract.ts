import type { Directory } from '../directory/directory.js';
import type { Practice } from '../directory/types.js';
import { BANK_HOLIDAYS_ENGLAND } from './bank-holidays.js';
import { addInto, dateOf, DURATION_BANDS, emptyCounters, FIELD, WAIT_BUCKETS, type Counters } from './layout.js';
import { isSmallNumber } from './measures.js';
import { StatsQueryError } from './scope.js';
import type { StatsStore } from './store.js';

/** The publication's time-of-day bands as [label, first interval, last interval] (15-minute intervals of the London day). */
export const TIME_CATEGORIES: [string, number, number][] = [
  ['00:00-05:59', 0, 23],
  ['06:00-07:59', 24, 31],
  ['08:00-09:59', 32, 39],
  ['10:00-11:59', 40, 47],
  ['12:00-13:59', 48, 55],
  ['14:00-15:59', 56, 63],
  ['16:00-17:59', 64, 71],
  ['18:00-18:29', 72, 73],
  ['18:30-23:59', 74, 95],
];

export const EXTRACT_HEADER = ['Date', 'REGION_CODE', 'ICB_CODE', 'SUB_ICB_LOCATION_CODE', 'PCN_CODE', 'PRACTICE_CODE', 'Indicator', 'Time_Category', 'Core_Category', 'Breakdown', 'Value'] as const;

/** Core hours are 08:00–18:30 on weekdays that are not bank holidays in England. */
export function coreCategory(date: string, timeCategory: string): 'Core_8_10' | 'Core_10_1830' | 'Non-Core' {
  const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
  if (weekday === 0 || weekday === 6 || BANK_HOLIDAYS_ENGLAND.has(date)) return 'Non-Core';
  if (timeCategory === '08:00-09:59') return 'Core_8_10';
  if (['10:00-11:59', '12:00-13:59', '14:00-15:59', '16:00-17:59', '18:00-18:29'].includes(timeCategory)) return 'Core_10_1830';
  return 'Non-Core';
}

/** The months an extract may be asked for: a slip such as 0001-01 or 9999-12 gets a clear 400, not a file of zeros. */
export const EXTRACT_MONTHS = { first: '2000-01', last: '2099-12' } as const;

/** `YYYY-MM` → its London day numbers [first, last]. */
export function monthDays(month: string): [number, number] {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!m) throw new StatsQueryError(`month=${month} is not a month (YYYY-MM)`);
  // Compared as text (same width), before Date.UTC, which reads years 0–99 as 1900–1999.
  if (month < EXTRACT_MONTHS.first || month > EXTRACT_MONTHS.last) throw new StatsQueryError(`month=${month} is outside ${EXTRACT_MONTHS.first} to ${EXTRACT_MONTHS.last}`);
  const first = Date.UTC(Number(m[1]), Number(m[2]) - 1, 1) / 86_400_000;
  const last = Date.UTC(Number(m[1]), Number(m[2]), 1) / 86_400_000 - 1;
  return [first, last];
}

type Cell = string | number;

/**
 * The monthly CBT file in the publication's long format: per practice, day and time band, a row for
 * each of CBT001–CBT006 (zeros included), and rows for the answered (CBT003) and missed (CBT004)
 * wait buckets and the CBT007 duration bands that are not zero. Read a day at a time: it streams.
 */
export async function* extractRows(store: StatsStore, directory: Directory, practices: Practice[], month: string, suppressBelow: number): AsyncGenerator<Cell[]> {
  const [first, last] = monthDays(month);
  const headline: [string, number][] = [['CBT001', FIELD.inbound], ['CBT002', FIELD.ivr], ['CBT003', FIELD.answered], ['CBT004', FIELD.missed], ['CBT005', FIELD.callBackRequested], ['CBT006', FIELD.callBackMade]];
  const breakdowns: [string, number, readonly string[]][] = [['CBT003', FIELD.answeredWait, WAIT_BUCKETS], ['CBT004', FIELD.missedWait, WAIT_BUCKETS], ['CBT007', FIELD.duration, DURATION_BANDS]];
  const show = (n: number): Cell => (isSmallNumber(n, suppressBelow) ? '*' : n);
  for (let day = first; day <= last; day++) {
    const date = dateOf(day);
    const perPractice = await Promise.all(practices.map((p) => store.intervals(p, day)));
    for (const [i, practice] of practices.entries()) {
      const codes = [date, directory.data.icb.region ?? '', directory.data.icb.code, practice.subIcb ?? '', practice.pcn ?? '', practice.ods];
      for (const [timeCategory, a, b] of TIME_CATEGORIES) {
        const c: Counters = emptyCounters();
        for (let j = a; j <= b; j++) addInto(c, perPractice[i]![j]!);
        const core = coreCategory(date, timeCategory);
        for (const [indicator, field] of headline) yield [...codes, indicator, timeCategory, core, 'Total', show(c[field]!)];
        for (const [indicator, base, labels] of breakdowns) {
          for (const [k, label] of labels.entries()) {
            if (c[base + k]! > 0) yield [...codes, indicator, timeCategory, core, label, show(c[base + k]!)];
          }
        }
      }
    }
  }
}
