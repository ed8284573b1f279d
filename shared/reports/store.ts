import type { Cluster, Redis } from 'ioredis';
import type { Directory } from '../directory/directory.js';
import type { Practice, Staff } from '../directory/types.js';
import { addInto, DAY_MS, dayKey, empty, HOUR_MS, readHour, STAFF, TEAM, type Counters, type RecordSpec } from './layout.js';

/** The state field a member of staff's open stretch adds to (the staff hash's miState). */
const STATE_FIELD: Record<string, number> = { available: STAFF.availableMs, onCall: STAFF.onCallMs, wrapUp: STAFF.wrapUpMs, away: STAFF.awayMs };

/** Hourly counters by hour start (ms). */
export type Hours = Map<number, Counters>;

/**
 * Reads the management-information counters (counted by the queue scripts as calls end and staff
 * change state) for hours of London days, adding the stretch each member of staff is in now, which
 * is counted only when it ends.
 */
export class ReportsStore {
  constructor(
    readonly redis: Redis | Cluster,
    readonly directory: () => Directory,
    readonly keyPrefix = 'sb:',
  ) {}

  private prefix(practice: Practice): string {
    return `${this.keyPrefix}{${this.directory().shard(practice)}}:`;
  }

  private async read(prefix: string, spec: RecordSpec, id: string, hours: number[]): Promise<Hours> {
    const days = [...new Set(hours.map((h) => Math.floor(h / DAY_MS)))];
    const bufs = new Map(await Promise.all(days.map(async (d) => [d, await this.redis.getBuffer(dayKey(prefix, spec, id, d))] as const)));
    return new Map(hours.map((h) => [h, readHour(bufs.get(Math.floor(h / DAY_MS)) ?? null, Math.floor(h / HOUR_MS) % 24, spec)]));
  }

  /** The open stretches of these members of staff: [state, since, teams]. */
  private async openStretches(prefix: string, staff: Staff[]) {
    return Promise.all(
      staff.map(async (s) => {
        const [state, since, teams] = await this.redis.hmget(`${prefix}staff:${s.id}`, 'miState', 'miSince', 'teams');
        return { id: s.id, field: STATE_FIELD[state ?? ''], since: Number(since), teams: (teams ?? '').split(',') };
      }),
    );
  }

  /** Adds `field` for the time from `since` to `now` that falls in `hours`. */
  private addStretch(hours: Hours, field: number, since: number, now: number): void {
    for (const [h, c] of hours) {
      const ms = Math.min(h + HOUR_MS, now) - Math.max(h, since);
      if (ms > 0) c[field]! += ms;
    }
  }

  /** Each member of staff's counters for `hours` (of their practice), as of `now`. */
  async staffHours(practice: Practice, staff: Staff[], hours: number[], now: number): Promise<Map<string, Hours>> {
    const prefix = this.prefix(practice);
    const [counted, open] = await Promise.all([Promise.all(staff.map((s) => this.read(prefix, STAFF.record, s.id, hours))), this.openStretches(prefix, staff)]);
    return new Map(
      staff.map((s, i) => {
        const o = open[i]!;
        if (o.field !== undefined) this.addStretch(counted[i]!, o.field, o.since, now);
        return [s.id, counted[i]!];
      }),
    );
  }

  /** Each team's counters for `hours`, staff time signed in including the stretches open now. */
  async teamHours(practice: Practice, teamKeys: string[], hours: number[], now: number): Promise<Map<string, Hours>> {
    const directory = this.directory();
    const prefix = this.prefix(practice);
    const shardStaff = directory.data.staff.filter((s) => directory.shard(directory.staffPractice(s)) === directory.shard(practice));
    const [counted, open] = await Promise.all([Promise.all(teamKeys.map((k) => this.read(prefix, TEAM.record, k, hours))), this.openStretches(prefix, shardStaff)]);
    return new Map(
      teamKeys.map((key, i) => {
        for (const o of open) if (o.field !== undefined && o.teams.includes(key)) this.addStretch(counted[i]!, TEAM.signedInMs, o.since, now);
        return [key, counted[i]!];
      }),
    );
  }
}

/** Sums hourly counters into buckets by `label(hourStart)`, in order. */
export function bucketed(hours: Hours, label: (hourStart: number) => string, spec: RecordSpec): Map<string, Counters> {
  const out = new Map<string, Counters>();
  for (const [h, c] of hours) {
    const l = label(h);
    if (!out.has(l)) out.set(l, empty(spec));
    addInto(out.get(l)!, c);
  }
  return out;
}
