import { Queue, Worker, type Job } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { Clock } from '../clock.js';
import type { Log } from '../log.js';
import type { RedisOutageLog } from '../redis-outage-log.js';

/**
 * Work to do at a time: retry an unanswered call-back, open or close a booked call-back's window,
 * or (practices that flag call-backs at closing) end one not made by closing time.
 */
export interface CallbackJob {
  type: 'retry' | 'open' | 'close' | 'closing';
  practice: string;
  callbackId: string;
}

const QUEUE = 'callbacks';

/**
 * A BullMQ queue of the service's, on connections of its own (watched for outages, named `what`),
 * its keys under one hash tag (`prefix`) so that it works on Redis Cluster, and its worker.
 */
export class BullQueue {
  protected readonly queue: Queue;
  protected worker?: Worker;
  protected readonly connections: (Redis | Cluster)[] = [];

  constructor(
    private readonly redis: Redis | Cluster,
    private readonly prefix: string,
    private readonly name: string,
    private readonly what: string,
    private readonly redisOutage: RedisOutageLog,
  ) {
    this.queue = new Queue(name, { connection: this.connection(), prefix });
    this.queue.on('error', (err) => this.redisOutage.error(err, `${what} queue`, false));
  }

  private connection(blocking: { maxRetriesPerRequest?: null } = {}): Redis | Cluster {
    const conn = bullConnection(this.redis, blocking);
    this.redisOutage.watch(conn, `${this.what} ${this.connections.length + 1}`);
    this.connections.push(conn);
    return conn;
  }

  protected startWorker(process: (job: Job) => Promise<void>, concurrency: number): void {
    this.worker = new Worker(this.name, process, { connection: this.connection({ maxRetriesPerRequest: null }), prefix: this.prefix, concurrency });
    this.worker.on('error', (err) => this.redisOutage.error(err, `${this.what} worker`, false));
  }

  /** Closes the worker and the queue without waiting on an unreachable Redis (two seconds each), then their connections. */
  async close(): Promise<void> {
    const { worker } = this;
    // A connection closed while still starting drops its listeners, then reports the failed start
    // as an 'error' nobody handles (bullmq RedisConnection): let the worker finish starting first.
    await bounded(worker?.waitUntilReady() ?? Promise.resolve());
    // BullMQ's stalled-job check sleeps its interval (30 s) after each check before it looks whether
    // the worker is closing: a close during a check still waiting on Redis kept the process alive
    // that long. With the interval at a millisecond, that last sleep ends at once.
    if (worker) worker.opts.stalledInterval = 1;
    // Forced, so that the worker stops its own timers (lock renewal, stalled-job checks) and its
    // blocking connection without waiting for Redis: a graceful close waits for Redis, and one that
    // never finished left those running, keeping the process alive for ever. A job cut short is
    // run again once its lock lapses, and every handler is idempotent.
    await bounded(Promise.all([worker?.close(true), this.queue.close()]));
    // BullMQ leaves connections it was given open.
    for (const conn of this.connections) conn.disconnect();
  }
}

/**
 * Delayed call-back work on BullMQ. Job ids are derived from what they do (`retry-<id>-<attempt>`,
 * `open-<id>`, `close-<id>`), so the same work can never be scheduled twice; every process runs a
 * worker, BullMQ gives each job to one of them, and a job whose worker died is run again — the
 * handlers are idempotent (each is one Lua script that moves only the expected state).
 * Keys share one hash tag so the queue works on Redis Cluster.
 */
export class CallbackScheduler extends BullQueue {
  constructor(
    redis: Redis | Cluster,
    keyPrefix: string,
    private readonly clock: Clock,
    private readonly log: Log,
    redisOutage: RedisOutageLog,
  ) {
    super(redis, `${keyPrefix}{callbacks}`, QUEUE, 'call-back', redisOutage);
  }

  async schedule(job: CallbackJob, at: number, jobId: string): Promise<void> {
    const delay = Math.max(0, Math.round(this.clock.realDelay(at - this.clock.now())));
    await this.queue.add(job.type, job, { jobId, delay, attempts: 5, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: { age: 7 * 86_400 }, removeOnFail: { age: 30 * 86_400 } });
  }

  start(handle: (job: CallbackJob) => Promise<void>): void {
    this.startWorker(async (job: Job<CallbackJob>) => handle(job.data), 8);
    this.worker!.on('failed', (job, err) => this.log.warn({ err, jobId: job?.id }, 'call-back job failed'));
  }
}

/**
 * A connection of BullMQ's own, like `redis`; errors are logged by the watcher (the connection
 * retries) rather than thrown. Not on the webhook path: BullMQ's blocking reads wait far longer than
 * the service's per-command timeout, and its commands may queue while Redis is briefly away.
 */
function bullConnection(redis: Redis | Cluster, blocking: { maxRetriesPerRequest?: null } = {}): Redis | Cluster {
  const options = { ...blocking, commandTimeout: undefined, enableOfflineQueue: true };
  const cluster = redis.isCluster ? (redis as Cluster) : undefined;
  return cluster ? cluster.duplicate(undefined, { redisOptions: { ...cluster.options.redisOptions, ...options } }) : (redis as Redis).duplicate(options);
}

/** Waits for `work` at most two seconds; what it does after, failing included, no longer matters (the connections are going). */
export function bounded(work: Promise<unknown>): Promise<unknown> {
  return Promise.race([work.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
}
