import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Cluster, Redis } from 'ioredis';
import type { Directory } from '../directory/directory.js';
import type { Practice } from '../directory/types.js';
import { londonMidnight } from '../london-time.js';
import { runScript } from '../queue/commands/index.js';
import { addInto, compactIntervalKey, dateOf, DAYS_PER_BLOCK, dayBlockKey, encodeRecords, INTERVALS_PER_DAY, intervalKey, londonDayNumber, londonZone, readRecord, STATS_RETENTION_DAYS, type Counters } from './layout.js';

const DAY_MS = 86_400_000;

/**
 * Reads the statistics counters (written as calls end, by endCall's script) and runs the
 * operations on them: rebuild from retained call records, retention purge, the call-back hook.
 */
export class StatsStore {
  constructor(
    readonly redis: Redis | Cluster,
    readonly directory: () => Directory,
    readonly keyPrefix = 'sb:',
  ) {}

  private prefix(practice: Practice): string {
    return `${this.keyPrefix}{${this.directory().shard(practice)}}:`;
  }

  private run(name: string, keys: string[], args: (string | number)[]): Promise<unknown> {
    return runScript(this.redis, name, keys, args);
  }

  /** Day counters of a practice for London days [fromDay, toDay], by day number. */
  async days(practice: Practice, fromDay: number, toDay: number): Promise<Map<number, Counters>> {
    const p = this.prefix(practice);
    const blocks: number[] = [];
    for (let b = Math.floor(fromDay / DAYS_PER_BLOCK); b <= Math.floor(toDay / DAYS_PER_BLOCK); b++) blocks.push(b);
    const bufs = await Promise.all(blocks.map((b) => this.redis.getBuffer(dayBlockKey(p, practice.ods, b * DAYS_PER_BLOCK))));
    const out = new Map<number, Counters>();
    for (let day = fromDay; day <= toDay; day++) {
      out.set(day, readRecord(bufs[Math.floor(day / DAYS_PER_BLOCK) - blocks[0]!] ?? null, day % DAYS_PER_BLOCK));
    }
    return out;
  }

  /** The 96 15-minute interval counters of a practice on a London day (by wall-clock time). */
  async intervals(practice: Practice, day: number): Promise<Counters[]> {
    return (await this.readIntervals(practice, day)).counters;
  }

  /** The day's live counters plus its compressed copy (a late call may add to a compacted day). */
  private async readIntervals(practice: Practice, day: number) {
    const p = this.prefix(practice);
    const [raw, compact] = await Promise.all([this.redis.getBuffer(intervalKey(p, practice.ods, day)), this.redis.getBuffer(compactIntervalKey(p, practice.ods, day))]);
    const inflated = compact ? inflateRawSync(compact) : null;
    const counters = Array.from({ length: INTERVALS_PER_DAY }, (_, i) => {
      const c = readRecord(raw, i);
      if (inflated) addInto(c, readRecord(inflated, i));
      return c;
    });
    return { raw, compact, counters };
  }

  /**
   * Compresses a finished London day's 15-minute counters (7 KB of mostly zeros → a few hundred
   * bytes). Safe with late calls and with several processes: the swap happens only if neither
   * string changed since it was read. Returns true when it compacted something.
   */
  async compactDay(practice: Practice, day: number): Promise<boolean> {
    const { raw, compact, counters } = await this.readIntervals(practice, day);
    if (!raw) return false;
    const p = this.prefix(practice);
    const swapped = await this.run('compactStats', [intervalKey(p, practice.ods, day)], [compactIntervalKey(p, practice.ods, day), raw, compact ?? '', deflateRawSync(encodeRecords(counters)), STATS_RETENTION_DAYS * DAY_MS] as (string | number)[]);
    return swapped === 1;
  }

  /** Compacts the practice's days that are over (from two to `daysBack` days ago). */
  async compactFinishedDays(practice: Practice, now: number, daysBack = 8): Promise<number> {
    const today = londonDayNumber(now);
    let compacted = 0;
    for (let day = today - daysBack; day <= today - 2; day++) if (await this.compactDay(practice, day)) compacted++;
    return compacted;
  }

  /** The first London day whose call records are all still kept (older days cannot be rebuilt). */
  firstRebuildableDay(practice: Practice, now: number): number {
    const cutoff = now - practice.callRecordRetentionDays * DAY_MS;
    return Math.floor(cutoff / DAY_MS) + 2;
  }

  /** Recounts a practice's London day from its call records; returns how many calls it counted. */
  async rebuildDay(practice: Practice, day: number, now: number): Promise<number> {
    if (day < this.firstRebuildableDay(practice, now)) {
      throw new RangeError(`${practice.ods} ${dateOf(day)}: its call records are no longer all kept (callRecordRetentionDays ${practice.callRecordRetentionDays}), so it cannot be rebuilt`);
    }
    const p = this.prefix(practice);
    const from = londonMidnight(dateOf(day));
    const to = londonMidnight(dateOf(day + 1));
    // Records are indexed by end time: a call that arrived late in the day may end after midnight.
    const counted = await this.run('recountStatsDay', [`${p}cdrs:${practice.ods}`], [p, practice.ods, day, from, to + DAY_MS, ...londonZone(to), STATS_RETENTION_DAYS * DAY_MS]);
    return Number(counted);
  }

  /** Deletes call records older than the practice's callRecordRetentionDays; returns how many. */
  async purgeRecords(practice: Practice, now: number): Promise<number> {
    const p = this.prefix(practice);
    return Number(await this.run('purgeRecords', [`${p}cdrs:${practice.ods}`], [p, now - practice.callRecordRetentionDays * DAY_MS]));
  }

  /**
   * The call-back hook (CBT006): a call-back requested on call `callId` (which arrived at
   * `callArrivedAt`) was made and answered `answerSeconds` after the request. Counted once per callId.
   */
  async countCallBackMade(practice: Practice, callId: string, callArrivedAt: number, answerSeconds: number): Promise<boolean> {
    const p = this.prefix(practice);
    const counted = await this.run('countCallBackMade', [`${p}callback-counted:${callId}`], [p, practice.ods, callArrivedAt, Math.round(answerSeconds), ...londonZone(callArrivedAt + DAY_MS), STATS_RETENTION_DAYS * DAY_MS]);
    return counted === 1;
  }
}
