import type { CallbackWindow, Practice } from '../directory/types.js';
import { londonMidnight, londonWallClock } from '../london-time.js';

export interface BookableWindow {
  start: number;
  end: number;
  /** As a caller hears it: "this afternoon between 2 pm and 4 pm". */
  label: string;
}

const DAY = 86_400_000;

/**
 * The call-back windows a caller can choose now: the practice's windows that have not yet started
 * today, then those of the next working day (Monday to Friday), at most `limit` in all.
 */
export function bookableWindows(practice: Practice, now: number, limit = 3): BookableWindow[] {
  const today = londonWallClock(now).date;
  const next = nextWorkingDay(today);
  const nextName = next === nextDate(today) ? 'tomorrow' : `on ${weekday(next)}`;
  const windows = (date: string, dayName: string) =>
    practice.callbackWindows.map((w) => ({ ...onDay(date, w), label: `${dayName} ${partOfDay(w.start)} ${between(w)}` }));
  return [...windows(today, 'this').filter((w) => w.start > now), ...windows(next, nextName)].slice(0, limit);
}

function onDay(date: string, w: CallbackWindow): { start: number; end: number } {
  const midnight = londonMidnight(date);
  return { start: atTime(midnight, w.start), end: atTime(midnight, w.end) };
}

/** The instant of a London wall-clock time on the day that begins at `midnight`. */
function atTime(midnight: number, hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  const guess = midnight + (h * 60 + m) * 60_000;
  // Across a clock change the day's offset moves; correct by what the wall clock reads.
  const read = londonWallClock(guess);
  return guess - ((read.hour - h) * 60 + (read.minute - m)) * 60_000;
}

function nextDate(date: string): string {
  return londonWallClock(londonMidnight(date) + DAY + 3 * 3600_000).date;
}

function nextWorkingDay(date: string): string {
  let d = nextDate(date);
  while ([0, 6].includes(new Date(`${d}T12:00:00Z`).getUTCDay())) d = nextDate(d);
  return d;
}

function weekday(date: string): string {
  return new Date(`${date}T12:00:00Z`).toLocaleDateString('en-GB', { weekday: 'long', timeZone: 'UTC' });
}

function partOfDay(hhmm: string): string {
  const h = Number(hhmm.slice(0, 2));
  return h < 12 ? 'morning' : h < 17 ? 'afternoon' : 'evening';
}

function between(w: CallbackWindow): string {
  return `between ${spokenTime(w.start)} and ${spokenTime(w.end)}`;
}

/** "14:30" → "2:30 pm", "12:00" → "12 noon". */
export function spokenTime(hhmm: string): string {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  if (h === 12 && m === 0) return '12 noon';
  const hour12 = h % 12 === 0 ? 12 : h % 12;
  return `${hour12}${m ? `:${String(m).padStart(2, '0')}` : ''} ${h < 12 ? 'am' : 'pm'}`;
}
