import type { Directory } from '../directory/directory.js';
import type { Practice, Staff, WallboardThresholds } from '../directory/types.js';
import { maskNumber } from '../log.js';
import { londonDayBounds } from '../london-time.js';
import { suppressDayMetrics, type ShownDayMetrics } from '../metrics/suppress.js';
import { dayMetrics, type DayMetrics } from '../metrics/today.js';
import type { CallbackRecord, CallQueue } from '../queue/queue.js';
import { isSmallNumber } from '../stats/measures.js';
import { answeredBy, callbacksDue, rollingServiceLevel, type CallbackDue, type ServiceLevel } from './figures.js';
import type { Scope, View } from './scope.js';

/** How many waiting callers a screen lists (the count is always exact). */
export const MAX_CALLER_ROWS = 50;
/** How many of the call-backs still to be made a screen lists. */
export const MAX_CALLBACK_ROWS = 10;

export type StaffStatus = 'available' | 'ringing' | 'on-call' | 'wrap-up' | 'away' | 'offline';

export interface CurrentCall {
  caller: string;
  team: string;
  /** Seconds the caller waited before this member of staff's phone rang or was answered. */
  waitedSeconds: number;
  /** Since when they have been talking (ms), while ringing null. */
  answeredAt: number | null;
  /** Whether this is a call-back we are making. */
  callBack: boolean;
}

export interface StaffRow {
  id: string;
  name: string;
  /** Their practice's ODS code (a PCN screen says whose they are). */
  practice: string;
  status: StaffStatus;
  /** Their own choice (available, away, offline), which holds for when a call and its wrap-up are over. */
  presence: 'available' | 'away' | 'offline';
  /** When the current status began (ms); null if not recorded. */
  since: number | null;
  /** Calls they answered today that have ended. */
  answeredToday: number;
  call: CurrentCall | null;
}

export interface CallerRow {
  position: number;
  caller: string;
  team: string;
  /** The practice the caller rang (ODS). */
  practice: string;
  queuedAt: number;
}

/** One queue of the scope: a practice's team, or a PCN's shared team (practice null). */
export interface TeamRow {
  key: string;
  name: string;
  practice: string | null;
  waiting: number;
  longestWaitingSince: number | null;
  /** Staff serving the team who are available and free now. */
  available: number;
}

/** A call-back that could not reach the caller, for staff to act on (ring again, or mark dealt with). */
export interface FailedCallback {
  id: string;
  caller: string;
  team: string;
  requestedAt: number;
  attempts: number;
  reason: string;
}

/**
 * What a live screen shows. Each top-level field is a section: after the first full snapshot a
 * screen is sent only the sections that changed.
 */
export interface Snapshot {
  scope: { key: string; kind: Scope['kind']; name: string; view: View; practices: string[]; practiceNames: Record<string, string> };
  thresholds: WallboardThresholds;
  teams: TeamRow[];
  /** % answered within target over the last 30 minutes (today's is in `today`). */
  serviceLevel: ServiceLevel;
  live: {
    waiting: number;
    /** When the longest-waiting caller joined the queue (ms); screens count up from it. */
    longestWaitingSince: number | null;
    talking: number;
    callbacks: { waiting: number; inProgress: number; failed: number };
  };
  staffCounts: Record<'available' | 'onCall' | 'wrapUp' | 'away' | 'offline', number>;
  today: DayMetrics & { date: string };
  /** Rows only for screens that may see callers; absent for ICB users. */
  callers?: CallerRow[];
  staff?: StaffRow[];
  failedCallbacks?: FailedCallback[];
  /** Call-backs still to be made, in the order they will be (the first MAX_CALLBACK_ROWS). */
  callbacksDue?: CallbackDue[];
}

/** Today's call records of one practice, fetched once and then only the newly ended ones. */
class DayRecords {
  private from = -1;
  private since = 0;
  readonly rows = new Map<string, Record<string, string>>();

  async refresh(queue: CallQueue, shard: string, ods: string, day: { from: number; to: number }): Promise<void> {
    if (day.from !== this.from) {
      this.from = day.from;
      this.since = day.from;
      this.rows.clear();
    }
    for (const r of await queue.records(shard, ods, this.since, day.to)) {
      this.rows.set(r.callId!, r);
      this.since = Math.max(this.since, Number(r.endedAt));
    }
  }
}

/** Reads a scope's live state from Redis. One instance per process; it keeps today's records cached. */
export class SnapshotReader {
  private readonly records = new Map<string, DayRecords>();

  constructor(
    private readonly queue: CallQueue,
    private readonly directory: () => Directory,
  ) {}

  async read(scope: Scope, now: number): Promise<Snapshot> {
    const directory = this.directory();
    const teams = new Set(scope.teams);
    const staff = directory.data.staff.filter((s) => scope.practices.some((p) => p.ods === s.practice) && directory.staffTeamKeys(s).some((t) => teams.has(t)));
    const [callers, states, callbacks] = await Promise.all([this.callers(scope, now), this.staffStates(scope.shard, staff, now), this.callbacks(scope, teams, now)]);
    const { today, records } = await this.today(scope, teams, now, callbacks);
    const answered = answeredBy(records);
    const staffRows: StaffRow[] = states.map((row) => ({ ...row, answeredToday: answered.get(row.id) ?? 0 }));
    const inState = (...states: string[]) => callbacks.filter((c) => states.includes(c.state));
    const failed = inState('failed');
    const counts = { available: 0, onCall: 0, wrapUp: 0, away: 0, offline: 0 };
    for (const row of staffRows) {
      if (row.status === 'ringing' || row.status === 'on-call') counts.onCall++;
      else if (row.status === 'wrap-up') counts.wrapUp++;
      else counts[row.status]++;
    }
    return {
      scope: { key: scope.key, kind: scope.kind, name: scope.name, view: 'rows', practices: scope.practices.map((p) => p.ods), practiceNames: Object.fromEntries(scope.practices.map((p) => [p.ods, p.name])) },
      thresholds: strictest(scope.practices),
      teams: scope.teams.map((key) => {
        const ref = directory.teamByKey(key);
        const serving = staff.map((s, i) => [s, staffRows[i]!] as const).filter(([s]) => directory.staffTeamKeys(s).includes(key));
        const queue = callers.perTeam.get(key);
        return {
          key,
          name: ref?.team.name ?? key,
          practice: ref?.practice?.ods ?? null,
          waiting: queue?.count ?? 0,
          longestWaitingSince: queue?.oldest ?? null,
          available: serving.filter(([, r]) => r.status === 'available').length,
        };
      }),
      serviceLevel: rollingServiceLevel(records, now, today.targetSeconds, scope.kind === 'team' ? teams : undefined),
      live: {
        waiting: callers.count,
        longestWaitingSince: callers.rows.length === 0 ? null : Math.min(...callers.rows.map((r) => r.queuedAt)),
        talking: staffRows.filter((r) => r.status === 'on-call').length,
        callbacks: { waiting: inState('queued', 'booked', 'retry-wait').length, inProgress: inState('connecting', 'talking', 'talked').length, failed: failed.length },
      },
      staffCounts: counts,
      today,
      callers: callers.rows.slice(0, MAX_CALLER_ROWS),
      staff: staffRows,
      failedCallbacks: failed.map((c) => ({ id: c.id, caller: maskNumber(c.number), team: c.team, requestedAt: c.requestedAt, attempts: c.attempts, reason: c.failure ?? 'not-answered' })),
      callbacksDue: callbacksDue(callbacks, MAX_CALLBACK_ROWS),
    };
  }

  /** The scope's call-backs of the last week (a failed one stays listed until staff deal with it). */
  private async callbacks(scope: Scope, teams: ReadonlySet<string>, now: number): Promise<CallbackRecord[]> {
    const lists = await Promise.all(scope.practices.map((p) => this.queue.callbacks(scope.shard, p.ods, now - 8 * 86_400_000, now + 1)));
    return lists.flat().filter((c) => teams.has(c.team));
  }

  private async callers(scope: Scope, now: number): Promise<{ count: number; rows: CallerRow[]; perTeam: Map<string, { count: number; oldest: number | null }> }> {
    const p = this.queue.prefix(scope.shard);
    const redis = this.queue.redis;
    const perTeam = await Promise.all(
      scope.teams.map(async (team) => {
        const [count, ids] = await Promise.all([redis.zcard(`${p}q:${team}`), redis.zrange(`${p}q:${team}`, 0, MAX_CALLER_ROWS - 1)]);
        return { team, count, ids };
      }),
    );
    const ids = perTeam.flatMap((t) => t.ids);
    const rows: CallerRow[] = [];
    const queuedAtOf = new Map<string, number>();
    if (ids.length > 0) {
      const pipeline = redis.pipeline();
      // A call-back in the queue holds its number as `number`, a caller on the line as `from`.
      for (const id of ids) pipeline.hmget(`${p}call:${id}`, 'from', 'team', 'queuedAt', 'seq', 'number', 'practice');
      const replies = (await pipeline.exec()) ?? [];
      const withSeq = replies
        .map(([, v]) => v as (string | null)[])
        .map(([from, team, queuedAt, seq, number, practice], i) => ({ id: ids[i]!, caller: maskNumber(from || number), team: team ?? '', practice: practice ?? '', queuedAt: Number(queuedAt ?? now), seq: Number(seq ?? 0) }));
      for (const c of withSeq) queuedAtOf.set(c.id, c.queuedAt);
      // Queue order across the scope's teams is arrival order: the shard's sequence number.
      withSeq.sort((a, b) => a.seq - b.seq);
      withSeq.forEach(({ caller, team, practice, queuedAt }, i) => rows.push({ position: i + 1, caller, team, practice, queuedAt }));
    }
    // A team's longest wait: the earliest of its listed callers (priority callers sort first, so scan them all).
    const teams = new Map(perTeam.map((t) => [t.team, { count: t.count, oldest: t.ids.length === 0 ? null : Math.min(...t.ids.map((id) => queuedAtOf.get(id) ?? now)) }]));
    return { count: perTeam.reduce((n, t) => n + t.count, 0), rows, perTeam: teams };
  }

  private async staffStates(shard: string, staff: Staff[], now: number): Promise<Omit<StaffRow, 'answeredToday'>[]> {
    if (staff.length === 0) return [];
    const p = this.queue.prefix(shard);
    const redis = this.queue.redis;
    const pipeline = redis.pipeline();
    for (const s of staff) pipeline.hmget(`${p}staff:${s.id}`, 'presence', 'activity', 'call', 'presenceSince', 'activitySince');
    const states = ((await pipeline.exec()) ?? []).map(([, v]) => v as (string | null)[]);
    const calls = await Promise.all(states.map(([, , callId]) => (callId ? redis.hmget(`${p}call:${callId}`, 'from', 'team', 'queuedAt', 'answeredAt', 'number', 'kind') : null)));
    return staff.map((s, i) => {
      const [presence, activity, , presenceSince, activitySince] = states[i]!;
      const busy = activity === 'ringing' || activity === 'on-call' || activity === 'wrap-up';
      const status: StaffStatus = busy ? activity : ((presence as StaffStatus | null) ?? 'offline');
      // Ringing, talking and wrap-up began with the activity; available, away and offline with the later of the two.
      const sinces = (busy ? [activitySince] : [presenceSince, activitySince]).filter((v): v is string => Boolean(v)).map(Number);
      const c = calls[i];
      const answeredAt = c?.[3] ? Number(c[3]) : null;
      const call: CurrentCall | null =
        c && (status === 'ringing' || status === 'on-call')
          ? { caller: maskNumber(c[0] || c[4]), team: c[1] ?? '', waitedSeconds: Math.max(0, Math.round(((answeredAt ?? now) - Number(c[2] ?? now)) / 1000)), answeredAt, callBack: c[5] === 'callback' }
          : null;
      return { id: s.id, name: s.name, practice: s.practice, status, presence: (presence as StaffRow['presence'] | null) ?? 'offline', since: sinces.length === 0 ? null : Math.max(...sinces), call };
    });
  }

  private async today(scope: Scope, teams: ReadonlySet<string>, now: number, callbacks: readonly CallbackRecord[]): Promise<{ today: DayMetrics & { date: string }; records: Record<string, string>[] }> {
    const day = londonDayBounds(undefined, now);
    const rows: Record<string, string>[] = [];
    for (const practice of scope.practices) {
      let cache = this.records.get(practice.ods);
      if (!cache) this.records.set(practice.ods, (cache = new DayRecords()));
      await cache.refresh(this.queue, scope.shard, practice.ods, day);
      rows.push(...cache.rows.values());
    }
    // A PCN's figures use the strictest target of its practices, as its thresholds do.
    const target = Math.min(...scope.practices.map((p) => p.answerTargetSeconds));
    return { today: { date: day.date, ...dayMetrics(rows, day, target, scope.kind === 'team' ? teams : undefined, callbacks) }, records: rows };
  }
}

/** A PCN's screen turns amber or red as soon as any of its practices would (for a share answered within target: the highest figures). */
function strictest(practices: Practice[]): WallboardThresholds {
  const min = (k: keyof WallboardThresholds) => Math.min(...practices.map((p) => p.wallboard[k]));
  const max = (k: keyof WallboardThresholds) => Math.max(...practices.map((p) => p.wallboard[k]));
  return {
    longestWaitAmberSeconds: min('longestWaitAmberSeconds'),
    longestWaitRedSeconds: min('longestWaitRedSeconds'),
    waitingAmber: min('waitingAmber'),
    waitingRed: min('waitingRed'),
    withinTargetAmberPercent: max('withinTargetAmberPercent'),
    withinTargetRedPercent: max('withinTargetRedPercent'),
    abandonedAmberPercent: min('abandonedAmberPercent'),
    abandonedRedPercent: min('abandonedRedPercent'),
  };
}

/** What a screen that may not see callers is sent: the figures, never a row; today's and the service level's small numbers suppressed as in /v1/stats. */
export function figuresOnly(snapshot: Snapshot, suppressBelow = 0): Omit<Snapshot, 'today' | 'serviceLevel'> & { today: ShownDayMetrics & { date: string }; serviceLevel: ShownServiceLevel } {
  const { callers: _callers, staff: _staff, failedCallbacks: _failed, callbacksDue: _due, ...figures } = snapshot;
  return { ...figures, scope: { ...figures.scope, view: 'figures' }, today: suppressedToday(snapshot.today, suppressBelow), serviceLevel: suppressedServiceLevel(snapshot.serviceLevel, suppressBelow) };
}

export function suppressedToday(today: Snapshot['today'], suppressBelow: number): ShownDayMetrics & { date: string } {
  return { ...suppressDayMetrics(today, suppressBelow), date: today.date };
}

export type ShownServiceLevel = Omit<ServiceLevel, 'answered' | 'withinTarget' | 'percent'> & { answered: number | '*'; withinTarget: number | '*'; percent: number | null | '*' };

/** The rolling service level under the same small-number rule: built on the calls answered, so all of it goes with them. */
export function suppressedServiceLevel(level: ServiceLevel, suppressBelow: number): ShownServiceLevel {
  if (!isSmallNumber(level.answered, suppressBelow)) return level;
  return { ...level, answered: '*', withinTarget: '*', percent: '*' };
}
