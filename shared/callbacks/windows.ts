import type { CallbackWindow, Practice } from '../directory/types.js';
import { opensOn } from '../callflow/hours.js';
import { londonMidnight, londonWallClock } from '../london-time.js';
import type { Closure } from '../queue/closures.js';

export interface BookableWindow {
  start: number;
  end: number;
  /** As a caller hears it: "this afternoon between 2 pm and 4 pm". */
  label: string;
}

/** What closes a practice on a day: bank holidays in force and ad-hoc closures of it (or of the call-back's team). */
export interface Closed {
  bankHolidays: ReadonlySet<string>;
  closures: readonly Closure[];
}

const DAY = 86_400_000;
/** How far ahead the next working day is looked for: within the week a weekday name is unambiguous. */
const LOOK_AHEAD_DAYS = 6;

/**
 * The call-back windows a caller can choose now: the practice's windows that have not yet started
 * today, then those of the next working day, at most `limit` in all. A working day is one the
 * practice opens by its hours (without hours: Monday to Friday), not a bank holiday unless its
 * hours open on them; a window overlapping an ad-hoc closure is not offered, and a day whose every
 * window is closed is not a working day.
 */
export function bookableWindows(practice: Practice, now: number, closed: Closed, limit = 3): BookableWindow[] {
  const windowsOn = (date: string) => {
    if (!opensOn(practice.hours, date, closed.bankHolidays)) return [];
    return practice.callbackWindows
      .map((w) => ({ ...onDay(date, w), w }))
      .filter((x) => x.start > now && !closed.closures.some((c) => c.from < x.end && x.start < c.to));
  };
  const labelled = (windows: ReturnType<typeof windowsOn>, dayName: string) =>
    windows.map(({ start, end, w }) => ({ start, end, label: `${dayName} ${partOfDay(w.start)} ${between(w)}` }));
  const today = londonWallClock(now).date;
  let next = today;
  let later: ReturnType<typeof windowsOn> = [];
  for (let i = 0; i < LOOK_AHEAD_DAYS && later.length === 0; i++) later = windowsOn((next = nextDate(next)));
  const nextName = next === nextDate(today) ? 'tomorrow' : `on ${weekday(next)}`;
  return [...labelled(windowsOn(today), 'this'), ...labelled(later, nextName)].slice(0, limit);
}

function onDay(date: string, w: CallbackWindow): { start: number; end: number } {
  const midnight = londonMidnight(date);
  return { start: atTime(midnight, w.start), end: atTime(midnight, w.end) };
}

/** The instant of a London wall-clock time on the day that begins at `midnight`. */
export function atTime(midnight: number, hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  const guess = midnight + (h * 60 + m) * 60_000;
  // Across a clock change the day's offset moves; correct by what the wall clock reads ("24:00" reads 00:00).
  const read = londonWallClock(guess);
  return guess - ((read.hour - (h % 24)) * 60 + (read.minute - m)) * 60_000;
}

function nextDate(date: string): string {
  return londonWallClock(londonMidnight(date) + DAY + 3 * 3600_000).date;
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
  if (h % 24 === 0 && m === 0) return 'midnight';
  const hour12 = h % 12 === 0 ? 12 : h % 12;
  return `${hour12}${m ? `:${String(m).padStart(2, '0')}` : ''} ${h < 12 ? 'am' : 'pm'}`;
}
