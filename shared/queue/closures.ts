import { randomUUID } from 'node:crypto';
import type { CallQueue } from './queue.js';

/** An ad-hoc closure (a training afternoon): the practice, or one of its teams, is closed in [from, to). */
export interface Closure {
  id: string;
  from: number;
  to: number;
  /** A team key; the whole practice when absent. */
  team?: string;
  reason: string;
}

const notEnded = (all: Closure[], now: number) => all.filter((c) => c.to > now).sort((a, b) => a.from - b.from);

/**
 * Ad-hoc closures of a practice, kept in Redis (`closures:<ods>`, a hash of JSON by id) so every
 * process sees a change at once. Plain reads and writes: no decision depends on two keys at once.
 */
export class Closures {
  constructor(private readonly queue: CallQueue) {}

  private key(shard: string, ods: string): string {
    return `${this.queue.prefix(shard)}closures:${ods}`;
  }

  async add(shard: string, ods: string, closure: Omit<Closure, 'id'>): Promise<Closure> {
    const saved = { id: randomUUID(), ...closure };
    await this.queue.redis.hset(this.key(shard, ods), saved.id, JSON.stringify(saved));
    return saved;
  }

  /** Closures that have not ended by `now`, soonest first; ended ones are dropped. */
  async list(shard: string, ods: string, now: number): Promise<Closure[]> {
    const all = Object.values(await this.queue.redis.hgetall(this.key(shard, ods))).map((v) => JSON.parse(v) as Closure);
    const ended = all.filter((c) => c.to <= now).map((c) => c.id);
    if (ended.length > 0) await this.queue.redis.hdel(this.key(shard, ods), ...ended);
    return notEnded(all, now);
  }

  /** Closures as stored (read alongside something else, e.g. by CallQueue.arrive): those not ended by `now`, soonest first. */
  static fromStored(values: string[], now: number): Closure[] {
    return notEnded(values.map((v) => JSON.parse(v) as Closure), now);
  }

  async remove(shard: string, ods: string, id: string): Promise<boolean> {
    return (await this.queue.redis.hdel(this.key(shard, ods), id)) === 1;
  }
}
