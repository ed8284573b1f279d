/** Dates and times in Europe/London, the time every practice keeps (clock changes included). */

const parts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

const HOUR_MS = 3_600_000;
/** London's offset from UTC by UTC hour. Clocks change only on the hour (01:00 UTC), so each hour has one offset. */
const offsetByHour = new Map<number, number>();

/** Asking Intl is slow (webhooks read the time often): once per hour of time asked about, then from the cache. */
function offsetOfHour(ms: number): number {
  const hour = Math.floor(ms / HOUR_MS);
  let offset = offsetByHour.get(hour);
  if (offset === undefined) {
    const p = Object.fromEntries(parts.formatToParts(new Date(hour * HOUR_MS)).map((x) => [x.type, Number(x.value)]));
    offset = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - hour * HOUR_MS;
    if (offsetByHour.size >= 10_000) offsetByHour.clear();
    offsetByHour.set(hour, offset);
  }
  return offset;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The London wall-clock reading of an instant. */
export function londonWallClock(ms: number): { date: string; hour: number; minute: number; second: number } {
  const w = new Date(ms + offsetOfHour(ms));
  return { date: `${w.getUTCFullYear()}-${pad(w.getUTCMonth() + 1)}-${pad(w.getUTCDate())}`, hour: w.getUTCHours(), minute: w.getUTCMinutes(), second: w.getUTCSeconds() };
}

/** Milliseconds London is ahead of UTC at an instant (0 in winter, 3,600,000 in summer). */
export function londonOffsetMs(ms: number): number {
  const w = londonWallClock(ms);
  const [y, m, d] = w.date.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d, w.hour, w.minute, w.second) - Math.floor(ms / 1000) * 1000;
}

/** The instant a London date (YYYY-MM-DD) begins. Clocks change at 01:00 UTC, never at midnight. */
export function londonMidnight(date: string): number {
  return londonInstant(date, 0);
}

export function isValidDate(date: string): boolean {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d));
  return /^\d{4}-\d{2}-\d{2}$/.test(date) && t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/** [from, to) of a London day, today by default. */
export function londonDayBounds(date: string | undefined, nowMs: number): { date: string; from: number; to: number } {
  const day = date ?? londonWallClock(nowMs).date;
  if (!isValidDate(day)) throw Object.assign(new Error(`${day} is not a calendar date (YYYY-MM-DD)`), { statusCode: 400 });
  const from = londonMidnight(day);
  const next = new Date(from + 36 * 3600_000); // safely inside the next day, even on a 25-hour day
  return { date: day, from, to: londonMidnight(londonWallClock(next.getTime()).date) };
}

/**
 * The instant of a London wall-clock time on a date (minutes after midnight, 0–1440): a time the
 * clocks skip (01:30 in spring) is read an hour later; one they repeat (01:30 in autumn), its second.
 */
export function londonInstant(date: string, minutes: number): number {
  if (minutes >= 1440) return londonMidnight(londonWallClock(londonMidnight(date) + 36 * 3600_000).date);
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d) + minutes * 60_000;
  return wall - londonOffsetMs(wall - londonOffsetMs(wall));
}
