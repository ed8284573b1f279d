import type { Directory } from '../directory/directory.js';
import type { Practice, WeekDay } from '../directory/types.js';
import { isOpenAt, opensOn } from '../callflow/hours.js';
import { dateOf, FIELD, INTERVALS_PER_DAY, londonDayNumber, type Counters } from '../stats/layout.js';
import type { StatsStore } from '../stats/store.js';
import { learntAnswerDelay, MIN_ANSWER_GAPS } from './answer-delay.js';
import type { ArrivalShape } from './arrival-shape.js';
import { patienceFromCounters, type PatienceCurve } from './patience.js';
import { talkSpread } from './talk-spread.js';

/**
 * A practice's (or several practices') demand and service, learnt from its own statistics
 * counters (shared/stats: per London 15-minute interval, kept three years) for one weekday over
 * the last N weeks. No call record is read, so the model is there long after records expire
 * (what only the records tell, how calls come within a quarter hour and how long a phone rings
 * before it is picked up, is added from them where they are kept: shared/planning/report.ts).
 */

export const WEEKDAYS: readonly WeekDay[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
export const INTERVAL_SECONDS = 900;
export const DAY_PLURALS: Record<WeekDay, string> = { mon: 'Mondays', tue: 'Tuesdays', wed: 'Wednesdays', thu: 'Thursdays', fri: 'Fridays', sat: 'Saturdays', sun: 'Sundays' };

/** What the model assumes where a practice's history says too little (docs/planning.md). */
export const PLANNING_DEFAULTS = {
  weeks: 4,
  maxWeeks: 52,
  /** Fewer days of history than this and the model says its history is short. */
  enoughDays: 3,
  /** Mean talk time when fewer than `minAnswered` calls were answered. */
  talkSeconds: 180,
  minAnswered: 20,
  /** An interval's own talk time counts as this many calls at the day's mean (shrinks noisy intervals towards the day). */
  talkPriorCalls: 20,
  /** Mean patience when fewer than `minAbandons` callers hung up while waiting. */
  patienceSeconds: 240,
  minAbandons: 10,
} as const;

export type Basis = 'observed' | 'default';

export interface IntervalDemand {
  /** 0–95: the London 15-minute interval of the day. */
  interval: number;
  /** "08:00" */
  start: string;
  /** Within the practice's opening hours (any practice's, for several). */
  open: boolean;
  /** Calls reaching the queue in this interval on an average day (answered + missed + call-back requested). */
  calls: number;
  arrivalsPerSecond: number;
  /** Talk + answer delay (where learnt) + wrap-up, seconds. */
  handleSeconds: number;
}

export interface PracticeHistory {
  practice: string;
  daysUsed: string[];
  daysLeftOut: { date: string; reason: string }[];
}

export interface DemandModel {
  weekday: WeekDay;
  weeks: number;
  history: PracticeHistory[];
  /** 'none': no usable day at all; 'short': fewer than enoughDays for some practice. */
  historyBasis: 'none' | 'short' | 'enough';
  intervals: IntervalDemand[];
  talkSeconds: number;
  talkBasis: Basis;
  /** How alike calls are: the Erlang order of the handle time's spread (shared/planning/talk-spread.ts). */
  handlePhases: number;
  wrapUpSeconds: number;
  /** From a person free to their picking up a waiting caller, seconds, learnt from the call records (shared/planning/answer-delay.ts; `withAnswerDelay`); none: not learnt, taken as 0. */
  answerDelaySeconds?: number;
  /** Mean time callers wait before hanging up (exponential, censored by the answered). */
  patienceSeconds: number;
  patienceBasis: Basis;
  /** Its shape (hang-ups by how long callers had waited: shared/planning/patience.ts), where enough callers hung up; else exponential. */
  patienceCurve?: PatienceCurve;
  /** How calls arrive within each quarter hour, learnt from the call records (shared/planning/arrival-shape.ts); none: evenly. */
  arrivalShape?: ArrivalShape;
  abandons: number;
  answered: number;
  callbackUptake: number | null;
  /** Plain sentences on what was assumed and why. */
  notes: string[];
}

const DAY_MS = 86_400_000;
const hhmm = (interval: number) => `${String(Math.floor(interval / 4)).padStart(2, '0')}:${String((interval % 4) * 15).padStart(2, '0')}`;
export const weekdayOfDay = (day: number) => WEEKDAYS[(new Date(day * DAY_MS).getUTCDay() + 6) % 7]!;
export const queued = (c: Counters) => c[FIELD.answered]! + c[FIELD.missed]! + c[FIELD.callBackRequested]!;

export function parseWeekday(raw: string): WeekDay {
  const day = raw.toLowerCase().slice(0, 3) as WeekDay;
  if (!WEEKDAYS.includes(day)) throw new RangeError(`weekday ${raw} is not one of ${WEEKDAYS.join(', ')}`);
  return day;
}

/** The London day numbers of the last `weeks` `weekday`s before today. */
export function pastDays(weekday: WeekDay, weeks: number, now: number): number[] {
  const today = londonDayNumber(now);
  let day = today - 1;
  while (weekdayOfDay(day) !== weekday) day--;
  return Array.from({ length: weeks }, (_, i) => day - 7 * i);
}

/** Is the interval inside the practice's hours on that weekday? Without hours, any interval with calls is. */
function openAt(practice: Practice, weekday: WeekDay, interval: number): boolean | undefined {
  if (!practice.hours) return undefined;
  return isOpenAt(practice.hours, { date: '', minute: interval * 15, day: weekday }, new Set());
}

export interface LearnOptions {
  weekday: WeekDay;
  weeks?: number;
  now: number;
}

/** Learns the model of `practices` together (one practice, or a PCN's practices served as one team). */
export async function learnDemand(store: StatsStore, directory: Directory, practices: readonly Practice[], options: LearnOptions): Promise<DemandModel> {
  const weeks = options.weeks ?? PLANNING_DEFAULTS.weeks;
  if (!Number.isInteger(weeks) || weeks < 1 || weeks > PLANNING_DEFAULTS.maxWeeks) throw new RangeError(`weeks must be a whole number from 1 to ${PLANNING_DEFAULTS.maxWeeks}, not ${weeks}`);
  const days = pastDays(options.weekday, weeks, options.now);
  const mean = Array.from({ length: INTERVALS_PER_DAY }, () => 0);
  const talk = Array.from({ length: INTERVALS_PER_DAY }, () => ({ seconds: 0, answered: 0 }));
  const totals = { answered: 0, talk: 0, missed: 0, waited: 0, queued: 0, callbacks: 0 };
  const history: PracticeHistory[] = [];
  let wrapUpWeighted = 0;
  const allUsed: Counters[] = [];

  for (const practice of practices) {
    const read = await Promise.all(days.map((day) => store.intervals(practice, day)));
    const used: Counters[][] = [];
    const record: PracticeHistory = { practice: practice.ods, daysUsed: [], daysLeftOut: [] };
    days.forEach((day, i) => {
      const date = dateOf(day);
      const reason = directory.bankHolidays.has(date) ? 'bank holiday' : !opensOn(practice.hours, date, directory.bankHolidays) ? 'closed by its hours' : read[i]!.every((c) => queued(c) === 0) ? 'no calls queued (closed, or before Switchboard)' : undefined;
      if (reason) record.daysLeftOut.push({ date, reason });
      else {
        record.daysUsed.push(date);
        used.push(read[i]!);
      }
    });
    history.push(record);
    for (const intervals of used) {
      allUsed.push(...intervals);
      intervals.forEach((c, i) => {
        mean[i]! += queued(c) / used.length;
        talk[i]!.seconds += c[FIELD.talkSum]!;
        talk[i]!.answered += c[FIELD.answered]!;
        totals.answered += c[FIELD.answered]!;
        totals.talk += c[FIELD.talkSum]!;
        totals.missed += c[FIELD.missed]!;
        // Every caller's wait is an observation of their patience: complete for those who hung up, cut short (censored) by an answer for the rest.
        totals.waited += c[FIELD.missedWaitSum]! + c[FIELD.answeredWaitSum]!;
        totals.queued += queued(c);
        totals.callbacks += c[FIELD.callBackRequested]!;
        wrapUpWeighted += c[FIELD.answered]! * practice.wrapUpSeconds;
      });
    }
  }

  const notes: string[] = [];
  const usedDays = history.map((h) => h.daysUsed.length);
  const historyBasis = usedDays.every((n) => n === 0) ? 'none' : usedDays.some((n) => n < PLANNING_DEFAULTS.enoughDays) ? 'short' : 'enough';
  if (historyBasis === 'none') notes.push(`No ${DAY_PLURALS[options.weekday]} in the last ${weeks} weeks had calls to learn from: there is no demand to plan for yet.`);
  else if (historyBasis === 'short') notes.push(`Fewer than ${PLANNING_DEFAULTS.enoughDays} ${DAY_PLURALS[options.weekday]} of history for ${history.filter((h) => h.daysUsed.length < PLANNING_DEFAULTS.enoughDays).map((h) => h.practice).join(', ')}: the demand is uncertain.`);

  const talkBasis: Basis = totals.answered >= PLANNING_DEFAULTS.minAnswered ? 'observed' : 'default';
  const talkSeconds = talkBasis === 'observed' ? totals.talk / totals.answered : PLANNING_DEFAULTS.talkSeconds;
  if (talkBasis === 'default') notes.push(`Fewer than ${PLANNING_DEFAULTS.minAnswered} answered calls: calls are assumed to last ${PLANNING_DEFAULTS.talkSeconds} seconds.`);
  const wrapUpSeconds = totals.answered > 0 ? wrapUpWeighted / totals.answered : practices.reduce((s, p) => s + p.wrapUpSeconds, 0) / Math.max(1, practices.length);

  // Exponential patience, maximum likelihood with censoring: rate = hang-ups ÷ total time everyone waited.
  const patienceBasis: Basis = totals.missed >= PLANNING_DEFAULTS.minAbandons && totals.waited > 0 ? 'observed' : 'default';
  const patienceSeconds = patienceBasis === 'observed' ? totals.waited / totals.missed : PLANNING_DEFAULTS.patienceSeconds;
  if (patienceBasis === 'default') notes.push(`Fewer than ${PLANNING_DEFAULTS.minAbandons} callers hung up while waiting: callers are assumed to wait ${PLANNING_DEFAULTS.patienceSeconds} seconds on average before hanging up.`);

  const spread = talkSpread(allUsed, wrapUpSeconds);
  const prior = PLANNING_DEFAULTS.talkPriorCalls;
  const intervals = mean.map((calls, i): IntervalDemand => {
    const ownTalk = talkBasis === 'observed' ? (talk[i]!.seconds + prior * talkSeconds) / (talk[i]!.answered + prior) : talkSeconds;
    const open = practices.some((p) => openAt(p, options.weekday, i) ?? calls > 0);
    return { interval: i, start: hhmm(i), open, calls, arrivalsPerSecond: calls / INTERVAL_SECONDS, handleSeconds: ownTalk + wrapUpSeconds };
  });
  return {
    weekday: options.weekday,
    weeks,
    history,
    historyBasis,
    intervals,
    talkSeconds,
    talkBasis,
    handlePhases: spread.handlePhases,
    wrapUpSeconds,
    patienceSeconds,
    patienceBasis,
    patienceCurve: patienceBasis === 'observed' ? patienceFromCounters(allUsed, PLANNING_DEFAULTS.minAbandons) : undefined,
    abandons: totals.missed,
    answered: totals.answered,
    callbackUptake: totals.queued > 0 ? totals.callbacks / totals.queued : null,
    notes,
  };
}

/**
 * The model with the answer delay the call records show (shared/planning/answer-delay.ts): each
 * quarter hour's handle time grows by it. Too few answers from a waiting queue to tell: none, and
 * a note says so.
 */
export function withAnswerDelay(model: DemandModel, gaps: readonly number[]): DemandModel {
  const delay = learntAnswerDelay(gaps);
  if (delay === undefined) return { ...model, notes: [...model.notes, `Fewer than ${MIN_ANSWER_GAPS} calls in the call records were picked up from a waiting queue: the seconds a phone rings before it is answered are taken as none.`] };
  return { ...model, answerDelaySeconds: delay, intervals: model.intervals.map((d) => ({ ...d, handleSeconds: d.handleSeconds + delay })), notes: [...model.notes] };
}
