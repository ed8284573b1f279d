import { Queue, Worker } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import { bullConnection, closeBull } from '../callbacks/scheduler.js';
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
export class RetentionScheduler {
  private readonly queue: Queue;
  private worker?: Worker;
  private readonly connections: (Redis | Cluster)[] = [];

  constructor(
    private readonly redis: Redis | Cluster,
    keyPrefix: string,
    private readonly everyMs: number,
    private readonly log: Log,
    private readonly redisOutage: RedisOutageLog,
  ) {
    this.prefix = `${keyPrefix}{recordings}`;
    this.queue = new Queue(QUEUE, { connection: this.connection(), prefix: this.prefix });
    this.queue.on('error', (err) => this.redisOutage.error(err, 'recording retention queue', false));
  }

  private readonly prefix: string;
  private closed = false;

  private connection(blocking: { maxRetriesPerRequest?: null } = {}): Redis | Cluster {
    const conn = bullConnection(this.redis, blocking);
    this.redisOutage.watch(conn, `recording retention ${this.connections.length + 1}`);
    this.connections.push(conn);
    return conn;
  }

  start(deleteDue: () => Promise<number>): Promise<void> {
    this.starting = this.schedule(deleteDue);
    return this.starting;
  }

  /** The start under way: closing waits for it, since BullMQ never settles a command on a connection closed under it. */
  private starting: Promise<void> = Promise.resolve();

  private async schedule(deleteDue: () => Promise<number>): Promise<void> {
    // The same id from every process: one schedule, its interval the latest configured.
    await this.queue.upsertJobScheduler(SCHEDULER, { every: this.everyMs }, { name: SCHEDULER, opts: { removeOnComplete: 100, removeOnFail: 100 } });
    if (this.closed) return;
    this.worker = new Worker(QUEUE, async () => {
      const deleted = await deleteDue();
      if (deleted > 0) this.log.info({ deleted }, 'recordings past retention deleted');
    }, { connection: this.connection({ maxRetriesPerRequest: null }), prefix: this.prefix, concurrency: 1 });
    this.worker.on('failed', (_job, err) => this.log.warn({ err }, 'recording retention run failed; the next run tries again'));
    this.worker.on('error', (err) => this.redisOutage.error(err, 'recording retention worker', false));
  }

  async close(): Promise<void> {
    this.closed = true;
    const within = (work: Promise<unknown>) => Promise.race([work.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    await within(this.starting);
    // A run under way is let finish (its deletions are each one request), so that it does not
    // outlive the connections it uses; a forced close follows if it takes too long.
    if (this.worker) await within(this.worker.close());
    await closeBull(this.worker, this.queue, this.connections);
  }
}
