import { isValidDate, londonMidnight, londonWallClock } from '../london-time.js';

/**
 * The management-information counters as Redis holds them (written by
 * shared/queue/commands/includes/reports.lua; keep the two in step). A key holds one UTC day of one
 * member of staff (`mi:s:<staff>:<utc day>`) or team (`mi:t:<team key>:<utc day>`): 24 hourly
 * records of big-endian u16 counts then u32 sums. London's offset is whole hours, so a UTC hour is
 * exactly one London hour, and a London day is 23, 24 or 25 of them.
 */
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Upper bounds (seconds, inclusive) of the duration bands the 90th percentiles are read from; the last band is everything longer. */
export const BAND_UPPER = [15, 30, 60, 90, 120, 180, 240, 300, 600, 900, 1800] as const;
export const BANDS = BAND_UPPER.length + 1;

export interface RecordSpec {
  kind: 's' | 't';
  counts: number;
  sums: number;
}

export const STAFF = {
  record: { kind: 's', counts: 15, sums: 5 } as RecordSpec,
  answered: 0,
  callbacksMade: 1,
  ringsNotAnswered: 2,
  /** 12 bands of talk time (BAND_UPPER). */
  talkBand: 3,
  talkSum: 15,
  availableMs: 16,
  onCallMs: 17,
  wrapUpMs: 18,
  awayMs: 19,
} as const;

export const TEAM = {
  record: { kind: 't', counts: 19, sums: 2 } as RecordSpec,
  offered: 0,
  answered: 1,
  abandoned: 2,
  callbackRequested: 3,
  overflowedIn: 4,
  overflowedOut: 5,
  withinTarget: 6,
  /** 12 bands of answered calls' waits (BAND_UPPER). */
  waitBand: 7,
  waitSum: 19,
  signedInMs: 20,
} as const;

export type Counters = number[];

export const recordBytes = (spec: RecordSpec) => spec.counts * 2 + spec.sums * 4;
export const empty = (spec: RecordSpec): Counters => new Array<number>(spec.counts + spec.sums).fill(0);

export function addInto(total: Counters, part: Counters): void {
  for (let i = 0; i < total.length; i++) total[i]! += part[i]!;
}

/** Hour `index` (0–23, UTC) of a day string Redis returned; missing bytes are zeros. */
export function readHour(buf: Buffer | null, index: number, spec: RecordSpec): Counters {
  const out = empty(spec);
  const base = index * recordBytes(spec);
  if (!buf) return out;
  for (let f = 0; f < out.length; f++) {
    const at = base + (f < spec.counts ? f * 2 : spec.counts * 2 + (f - spec.counts) * 4);
    const width = f < spec.counts ? 2 : 4;
    if (at + width > buf.length) break;
    out[f] = width === 2 ? buf.readUInt16BE(at) : buf.readUInt32BE(at);
  }
  return out;
}

export const dayKey = (prefix: string, spec: RecordSpec, id: string, utcDay: number) => `${prefix}mi:${spec.kind}:${id}:${utcDay}`;

export const PERIODS = ['day', 'week', 'month'] as const;
export type Period = (typeof PERIODS)[number];

export class ReportQueryError extends Error {
  readonly statusCode = 400;
}

/** The London dates a period holds: the day itself, its ISO week (Monday to Sunday), or its calendar month. */
export function periodDates(period: Period, date: string): { from: string; to: string } {
  if (!isValidDate(date)) throw new ReportQueryError(`date=${date} is not a calendar date (YYYY-MM-DD)`);
  const day = Date.parse(`${date}T00:00:00Z`);
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  if (period === 'day') return { from: date, to: date };
  if (period === 'week') {
    const monday = day - ((new Date(day).getUTCDay() + 6) % 7) * DAY_MS;
    return { from: iso(monday), to: iso(monday + 6 * DAY_MS) };
  }
  const d = new Date(day);
  return { from: iso(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)), to: iso(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)) };
}

/** The start of every hour from the first London date's midnight to the end of the last. */
export function hoursOf(from: string, to: string): number[] {
  const start = londonMidnight(from);
  const end = londonMidnight(new Date(Date.parse(`${to}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10));
  const hours: number[] = [];
  for (let h = start; h < end; h += HOUR_MS) hours.push(h);
  return hours;
}

/** An hour's London label, `YYYY-MM-DDTHH:00`. The October clock change's repeated hour has one label: its row holds both, as the CBT figures do. */
export function hourLabel(hourStart: number): string {
  const w = londonWallClock(hourStart);
  return `${w.date}T${String(w.hour).padStart(2, '0')}:00`;
}
