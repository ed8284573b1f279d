import type { Clock } from '../clock.js';
import type { Directory } from '../directory/directory.js';
import type { Practice } from '../directory/types.js';
import type { WaitEstimate } from '../callflow/estimate.js';
import type { WaitEstimator } from '../callflow/ports.js';
import type { Log } from '../log.js';
import { londonWallClock } from '../london-time.js';
import type { CallQueue, QueueView } from '../queue/queue.js';
import { addInto, dateOf, emptyCounters, FIELD, londonDayNumber, type Counters } from '../stats/layout.js';
import type { StatsStore } from '../stats/store.js';
import { pastDays, PLANNING_DEFAULTS, weekdayOfDay } from './model.js';
import { observedRoster } from './observed.js';
import { exponentialPatience, hazardOfAhead, patienceFromCounters, type PatienceCurve } from './patience.js';
import type { Roster } from './plan.js';

/**
 * The wait a caller hears, from the planner's model (Erlang A, shared/planning/queueing.ts) rather
 * than "position × handle time ÷ staff": callers ahead of you hang up, so the queue moves faster
 * than the people answering alone would move it.
 *
 * In Erlang A's waiting chain (Garnett, Mandelbaum & Reiman 2002; Mandelbaum & Zeltyn 2005, §2)
 * a caller with j others ahead moves up at rate nμ + jθ: one of n busy people finishes (μ = 1 /
 * handle time) or one of the j ahead hangs up (θ = 1 / mean patience). Being answered from place k
 * (k − 1 ahead) takes k such steps, so the expected wait of a caller who holds on is
 *
 *   E[W_k] = Σ_{j=0}^{k−1} 1 / (nμ + jθ)
 *
 * The last step, from the head of the queue, is the call in progress finishing: as the estimate
 * always has, that call is taken to be half done on average (calls vary less than the exponential
 * the chain assumes), so it counts ½ / (nμ). With θ = 0 (nobody hangs up) the sum is
 * (k − ½) / (nμ), the plain estimate. A call-back holding a place waits the same way (its own
 * patience is not in the sum), but the call-backs ahead of anyone do not hang up: with a share
 * `callbackShare` of those ahead call-backs, only (1 − share)·j of the j ahead can, so θ is scaled by it.
 * People due to sign in: `staffFactor(t)` scales the people answering t seconds from now.
 * Patience that is not exponential (a curve, shared/planning/patience.ts): j·θ becomes the hang-up
 * rate of the j ahead t seconds from now, Σ_{i=1..j} h(t + (i − ½)/λ): the i-th ahead joined i
 * arrivals before this caller (`joinRate` λ, places per second; Whitt's M/M/n+M(n) rates, as the
 * planner uses). Without λ, as if they had waited no longer than this caller. modelWait takes
 * both from the caller's own team queue as it stands: the call-backs among those ahead, and
 * λ = (callers ahead, call-backs not counted) / (seconds since the longest-waiting of them was queued).
 */
export function expectedWait(position: number, servers: number, handleSeconds: number, patience: number | PatienceCurve, callbackShare = 0, staffFactor: (elapsedSeconds: number) => number = () => 1, joinRate = Infinity): number {
  const curve = typeof patience === 'number' ? exponentialPatience(patience) : patience;
  // Call-backs holding places ahead never hang up: only the callers among those ahead do.
  const hangUps = (elapsed: number, ahead: number) => (1 - callbackShare) * hazardOfAhead(curve, elapsed, ahead, joinRate);
  const rate = (elapsed: number) => (servers * staffFactor(elapsed)) / handleSeconds;
  if (position < 1) return 0;
  // From the back: the j ahead move up one at a time, then the call in progress ends (half of one, on average).
  let seconds = 0;
  for (let j = position - 1; j >= 1; j--) seconds += 1 / (rate(seconds) + hangUps(seconds, j));
  return seconds + 0.5 / rate(seconds);
}

/** Below this many calls handled by the team, a figure is given but hedged. */
export const CONFIDENT_AFTER_SAMPLES = 5;

export interface Patience {
  /** Mean seconds callers wait before hanging up; Infinity while too few have hung up to say. */
  seconds: number;
  /** Its shape, by how long callers had waited (the life table of the wait buckets), once as many have hung up. */
  curve?: PatienceCurve;
  abandons: number;
  /** Per team, the people on its calls in each quarter hour of the same weekday last week (shared/planning/observed.ts). */
  rosters?: Map<string, Roster>;
}

/** Seconds everyone waited and how many hung up, over counter sets (intervals of days). */
export interface Exposure {
  waited: number;
  abandons: number;
}

export function exposureOf(intervals: readonly (readonly number[])[]): Exposure {
  let waited = 0;
  let abandons = 0;
  for (const c of intervals) {
    waited += c[FIELD.missedWaitSum]! + c[FIELD.answeredWaitSum]!;
    abandons += c[FIELD.missed]!;
  }
  return { waited, abandons };
}

/**
 * Callers' patience as the planner learns it (exponential, censored by the answered): every second
 * anyone waited, over the number who hung up. Too few hang-ups and there is no basis: Infinity, so
 * the estimate assumes nobody ahead hangs up (the longest honest figure) rather than a default that
 * could promise too short a wait.
 */
export function patienceFrom(...parts: Exposure[]): Patience {
  const waited = parts.reduce((s, p) => s + p.waited, 0);
  const abandons = parts.reduce((s, p) => s + p.abandons, 0);
  return { seconds: abandons >= PLANNING_DEFAULTS.minAbandons && waited > 0 ? waited / abandons : Infinity, abandons };
}

/**
 * The estimate for a view, given the practice's patience. A team's first calls ever (a new
 * practice, or a new team) say nothing about time until there have been as many as people
 * answering: the calls finished first are the short ones, so the average would promise too short a wait.
 * After that, hedged until CONFIDENT_AFTER_SAMPLES calls. (The team's average is kept from day
 * to day, so this is a first-morning matter.)
 */
export function modelWait(view: QueueView, patience: Patience, now?: number): WaitEstimate {
  if (view.position < 1 || view.staffOn < 1 || view.handleSeconds === undefined || view.handleSamples < view.staffOn) return { basis: 'none' };
  // Those ahead in the caller's own team queue: its call-backs (a practice's other queues' are not
  // ahead of this caller), and how fast the callers among them joined: since the longest-waiting one.
  const ahead = view.position - 1;
  const callbackShare = ahead > 0 ? Math.min(1, view.callbacksAhead / ahead) : 0;
  const callersAhead = ahead - view.callbacksAhead;
  const joinRate = now !== undefined && view.aheadSince !== undefined && callersAhead > 0 ? callersAhead / Math.max(1, (now - view.aheadSince) / 1000) : Infinity;
  const roster = patience.rosters?.get(view.team);
  const seconds = expectedWait(view.position, view.staffOn, view.handleSeconds, patience.curve ?? patience.seconds, callbackShare, roster && now !== undefined ? dueToSignIn(roster, now) : undefined, joinRate);
  return { basis: view.handleSamples < CONFIDENT_AFTER_SAMPLES ? 'hedged' : 'observed', seconds };
}

/**
 * People due to sign in: where last week had more people on the team's calls in a later quarter
 * hour than in this one, as many more in proportion (only more: last week's figure is a lower bound,
 * counting only people who took a call, so a dip in it is no sign of people leaving).
 */
export function dueToSignIn(roster: Roster, now: number): (elapsedSeconds: number) => number {
  const w = londonWallClock(now);
  const quarter = w.hour * 4 + Math.floor(w.minute / 15);
  const into = (w.minute % 15) * 60 + w.second;
  const here = roster[quarter] ?? 0;
  return (elapsed) => {
    const later = roster[Math.min(roster.length - 1, quarter + Math.floor((into + elapsed) / 900))] ?? 0;
    return here > 0 && later > here ? later / here : 1;
  };
}

/** How often (clock time) a practice's patience is read again while its callers are waiting. */
export const REFRESH_MS = 60_000;

interface Cached {
  patience: Patience;
  /** The same weekday of the last weeks (read once a London day), and the day it was read for. */
  history?: { day: number; exposure: Exposure; total: Counters; rosters: Map<string, Roster> };
  /** When it was last read (clock ms); a read under way. */
  at: number;
  reading?: Promise<void>;
}

/**
 * The WaitEstimator port (shared/callflow/ports.ts): each practice's patience held in memory and
 * read again in the background at most every REFRESH_MS while its callers ask, so the wait loop's
 * one round trip stays one. Learnt from the same weekday of the last weeks (bank holidays left
 * out) plus today so far; last week's people per quarter hour from its call records.
 */
export class LiveWaitModel implements WaitEstimator {
  private readonly cache = new Map<string, Cached>();

  constructor(
    private readonly deps: { store: StatsStore; queue: CallQueue; directory: () => Directory; clock: Clock; log: Log },
    private readonly weeks = PLANNING_DEFAULTS.weeks,
  ) {}

  estimate(practice: Practice, view: QueueView): WaitEstimate {
    const now = this.deps.clock.now();
    let cached = this.cache.get(practice.ods);
    if (!cached) this.cache.set(practice.ods, (cached = { patience: patienceFrom(), at: -Infinity }));
    if (!cached.reading && now - cached.at >= REFRESH_MS) {
      const entry = cached;
      entry.at = now;
      entry.reading = this.read(practice, entry, now)
        .catch((err: unknown) => this.deps.log.warn({ err, practice: practice.ods }, 'wait model: could not read the practice’s counters; keeping the last'))
        .finally(() => (entry.reading = undefined));
    }
    return modelWait(view, cached.patience, now);
  }

  /** Resolves when reads under way have finished (for shutdown and tests). */
  async settle(): Promise<void> {
    await Promise.all([...this.cache.values()].map((c) => c.reading));
  }

  private async read(practice: Practice, entry: Cached, now: number): Promise<void> {
    const today = londonDayNumber(now);
    if (entry.history?.day !== today) {
      const bankHolidays = this.deps.directory().bankHolidays;
      const days = pastDays(weekdayOfDay(today), this.weeks, now).filter((day) => !bankHolidays.has(dateOf(day)));
      const read = await Promise.all(days.map((day) => this.deps.store.intervals(practice, day)));
      const teams = practice.teams.map((t) => `${practice.ods}.${t.id}`);
      const rosters = await Promise.all(teams.map((team) => observedRoster(this.deps.queue, this.deps.directory(), [practice], weekdayOfDay(today), now, [team])));
      const total = emptyCounters();
      for (const c of read.flat()) addInto(total, c);
      entry.history = { day: today, exposure: exposureOf(read.flat()), total, rosters: new Map(teams.map((team, i) => [team, rosters[i]!.staff])) };
    }
    const todaySoFar = await this.deps.store.intervals(practice, today);
    const patience = patienceFrom(entry.history.exposure, exposureOf(todaySoFar));
    const curve = Number.isFinite(patience.seconds) ? patienceFromCounters([entry.history.total, ...todaySoFar], PLANNING_DEFAULTS.minAbandons) : undefined;
    entry.patience = { ...patience, ...(curve && { curve }), rosters: entry.history.rosters };
  }
}
