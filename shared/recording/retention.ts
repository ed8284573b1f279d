import type { Cluster, Redis } from 'ioredis';
import { bounded, BullQueue } from '../callbacks/scheduler.js';
import type { Log } from '../log.js';
import type { RedisOutageLog } from '../redis-outage-log.js';

const QUEUE = 'recording-retention';
const SCHEDULER = 'delete-due-recordings';

/**
 * Enforces recording retention on BullMQ: one job scheduler, kept in Redis (so it outlives every
 * process, and a Redis restart with AOF), makes one job every `everyMs`; one process's worker runs it
 * (`Recordings.deleteDue`). A recording's deletion time lives in its shard's `recdue`, by the
 * service clock; each due recording is claimed in Lua before its deletion, so whichever processes
 * run, it is deleted once, and one whose deleter died is taken again after an hour.
 */
export class RetentionScheduler extends BullQueue {
  private closed = false;
  /** The start under way: closing waits for it, since BullMQ never settles a command on a connection closed under it. */
  private starting: Promise<void> = Promise.resolve();

  constructor(
    redis: Redis | Cluster,
    keyPrefix: string,
    private readonly everyMs: number,
    private readonly log: Log,
    redisOutage: RedisOutageLog,
  ) {
    super(redis, `${keyPrefix}{recordings}`, QUEUE, 'recording retention', redisOutage);
  }

  start(deleteDue: () => Promise<number>): Promise<void> {
    this.startWorker(async () => {
      const deleted = await deleteDue();
      if (deleted > 0) this.log.info({ deleted }, 'recordings past retention deleted');
    }, 1);
    this.worker!.on('failed', (_job, err) => this.log.warn({ err }, 'recording retention run failed; the next run tries again'));
    this.starting = this.schedule();
    return this.starting;
  }

  private async schedule(): Promise<void> {
    // Connected first: BullMQ's job scheduler awaits the connection where nothing can catch its
    // failure, so a close while Redis is away would leave an unhandled rejection.
    await this.queue.waitUntilReady();
    if (this.closed) return;
    // The same id from every process: one schedule, its interval the latest configured. A new
    // schedule's first run is at the next whole interval (BullMQ would run it at once, while the
    // process may still be starting); an existing one keeps its times.
    const every = this.everyMs;
    await this.queue.upsertJobScheduler(SCHEDULER, { every, startDate: Math.ceil(Date.now() / every) * every }, { name: SCHEDULER, opts: { removeOnComplete: 100, removeOnFail: 100 } });
  }

  override async close(): Promise<void> {
    this.closed = true;
    await bounded(this.starting);
    // A run under way is let finish (its deletions are each one request), so that it does not
    // outlive the connections it uses; a forced close follows if it takes too long.
    if (this.worker) await bounded(this.worker.close());
    await super.close();
  }
}
