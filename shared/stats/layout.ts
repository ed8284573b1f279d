import { londonOffsetMs } from '../london-time.js';

/**
 * The statistics counters as Redis holds them (written by shared/queue/commands/includes/aggregate.lua;
 * keep the two in step). One record is 28 u16 counts then 4 u32 sums of seconds, big-endian,
 * 72 bytes: a practice-day string holds 96 of them (London 15-minute intervals; deflated into a
 * `stats:qz:` key once the day is over) and a 32-day block string one per London day.
 */
export const FIELD = {
  inbound: 0,
  ivr: 1,
  answered: 2,
  missed: 3,
  callBackRequested: 4,
  callBackMade: 5,
  /** 9 buckets by wait: see WAIT_BUCKETS. */
  answeredWait: 6,
  missedWait: 15,
  /** 4 buckets by talk time: see DURATION_BANDS. */
  duration: 24,
  answeredWaitSum: 28,
  missedWaitSum: 29,
  talkSum: 30,
  callBackAnswerSum: 31,
} as const;

export const FIELDS = 32;
const COUNTS = 28;
export const RECORD_BYTES = 72;
export const INTERVALS_PER_DAY = 96;
export const DAYS_PER_BLOCK = 32;

/** Wait buckets in seconds, as the publication's wait-time detail (upper bounds inclusive). */
export const WAIT_BUCKETS = ['0', '1_30', '31_60', '61_90', '91_120', '121_180', '181_240', '241_300', '>300'] as const;
/** Call duration bands (CBT007). */
export const DURATION_BANDS = ['<=1min', '1-2min', '2-5min', '>5min'] as const;

/** Aggregates are kept this long after the last call they count: three years and a month, then they expire. */
export const STATS_RETENTION_DAYS = 1127;
const DAY_MS = 86_400_000;

/** A set of counters: one 15-minute interval, one day, or any sum of them (a plain array: far cheaper to make than a typed one). */
export type Counters = number[];

export function emptyCounters(): Counters {
  return new Array<number>(FIELDS).fill(0);
}

export function addInto(total: Counters, part: Counters): void {
  for (let i = 0; i < FIELDS; i++) total[i]! += part[i]!;
}

/** Counter record `index` of a string Redis returned (missing bytes are zeros). */
export function readRecord(buf: Buffer | null, index: number, into = emptyCounters()): Counters {
  const base = index * RECORD_BYTES;
  if (!buf || buf.length <= base) return into;
  for (let f = 0; f < FIELDS; f++) {
    const at = base + (f < COUNTS ? f * 2 : COUNTS * 2 + (f - COUNTS) * 4);
    const width = f < COUNTS ? 2 : 4;
    if (at + width > buf.length) break;
    into[f] = f < COUNTS ? buf.readUInt16BE(at) : buf.readUInt32BE(at);
  }
  return into;
}

/** The bytes of `records` in the Redis layout (the inverse of readRecord). */
export function encodeRecords(records: Counters[]): Buffer {
  const buf = Buffer.alloc(records.length * RECORD_BYTES);
  records.forEach((c, index) => {
    for (let f = 0; f < FIELDS; f++) {
      const at = index * RECORD_BYTES + (f < COUNTS ? f * 2 : COUNTS * 2 + (f - COUNTS) * 4);
      if (f < COUNTS) buf.writeUInt16BE(Math.min(c[f]!, 0xffff), at);
      else buf.writeUInt32BE(Math.min(c[f]!, 0xffffffff), at);
    }
  });
  return buf;
}

/** The London day number (days since 1970-01-01 of the London date) of an instant. */
export function londonDayNumber(ms: number): number {
  return Math.floor((ms + londonOffsetMs(ms)) / DAY_MS);
}

export function dayNumberOf(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / DAY_MS;
}

export function dateOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function intervalKey(prefix: string, practice: string, day: number): string {
  return `${prefix}stats:q:${practice}:${day}`;
}

/** A finished day's 15-minute counters, deflated. */
export function compactIntervalKey(prefix: string, practice: string, day: number): string {
  return `${prefix}stats:qz:${practice}:${day}`;
}

export function dayBlockKey(prefix: string, practice: string, day: number): string {
  return `${prefix}stats:d:${practice}:${Math.floor(day / DAYS_PER_BLOCK)}`;
}

/**
 * London's UTC offset over the two days up to `ms`, as Lua needs it to place a call (or a day's
 * calls) in London time: [offset before, instant of the change, offset after]. Without a clock
 * change in the window the instant is 0.
 */
export function londonZone(ms: number): [number, number, number] {
  let lo = ms - 2 * DAY_MS;
  const before = londonOffsetMs(lo);
  const after = londonOffsetMs(ms);
  if (before === after) return [after, 0, after];
  let hi = ms;
  while (hi - lo > 1000) {
    const mid = Math.floor((lo + hi) / 2);
    if (londonOffsetMs(mid) === before) lo = mid;
    else hi = mid;
  }
  return [before, hi, after];
}

/** The statistics arguments endCall takes after its own: the London zone and the aggregates' lifetime. */
export function statsArgv(now: number): number[] {
  return [...londonZone(now), STATS_RETENTION_DAYS * DAY_MS];
}
