import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { RedisClient } from '../redis.js';
import type { Clock } from '../../../shared/clock.js';
import { CallbackScheduler } from '../../../shared/callbacks/scheduler.js';
import { CallFlow } from '../../../shared/callflow/flow.js';
import type { LiveCallControl } from '../../../shared/callflow/ports.js';
import type { Directory } from '../../../shared/directory/directory.js';
import type { AuditLog } from '../../../shared/audit/audit.js';
import type { CallerAdjustments } from '../../../shared/patients/lookup.js';
import { LiveWaitModel } from '../../../shared/planning/live-wait.js';
import type { RecordingControl } from '../../../shared/recording/control.js';
import { Recordings } from '../../../shared/recording/recordings.js';
import { RetentionScheduler } from '../../../shared/recording/retention.js';
import { CallQueue } from '../../../shared/queue/queue.js';
import { StatsStore } from '../../../shared/stats/store.js';
import type { RedisOutageLog } from '../../../shared/redis-outage-log.js';

declare module 'fastify' {
  interface FastifyInstance {
    redis: RedisClient;
    queue: CallQueue;
    flow: CallFlow;
    clock: Clock;
    directory: () => Directory;
    redisOutage: RedisOutageLog;
    recordings: Recordings;
  }
}

export interface CallFlowPluginOptions {
  redis: RedisClient;
  keyPrefix: string;
  clock: Clock;
  directory: () => Directory;
  liveCalls: Record<string, LiveCallControl>;
  sweepIntervalMs: number;
  redisOutage: RedisOutageLog;
  callers?: CallerAdjustments;
  recordingControls: Record<string, RecordingControl>;
  /** How often recordings past retention are looked for (RECORDING_RETENTION_INTERVAL_MS). */
  retentionIntervalMs: number;
  audit: AuditLog;
}

function byKind<T>(controls: Record<string, T>, what: string): (kind: string) => T {
  return (kind) => {
    const control = controls[kind];
    if (!control) throw new Error(`no ${what} for provider ${kind}`);
    return control;
  };
}

/** The queue, the call flow, the call-back scheduler and the sweep timer; Redis is closed when the app closes. */
export default fp(async function callflow(app: FastifyInstance, opts: CallFlowPluginOptions) {
  const queue = new CallQueue(opts.redis, opts.keyPrefix);
  const scheduler = new CallbackScheduler(opts.redis, opts.keyPrefix, opts.clock, app.log, opts.redisOutage);
  const waits = new LiveWaitModel({ store: new StatsStore(opts.redis, opts.directory, opts.keyPrefix), queue, directory: opts.directory, clock: opts.clock, log: app.log });
  const recordings = new Recordings({ redis: opts.redis, keyPrefix: opts.keyPrefix, clock: opts.clock, directory: opts.directory, controls: byKind(opts.recordingControls, 'recording control'), audit: opts.audit, log: app.log });
  const retention = new RetentionScheduler(opts.redis, opts.keyPrefix, opts.retentionIntervalMs, app.log, opts.redisOutage);
  const flow = new CallFlow({
    recordings,
    scheduler,
    queue,
    waits,
    clock: opts.clock,
    directory: opts.directory,
    log: app.log,
    callers: opts.callers,
    liveCalls: byKind(opts.liveCalls, 'live-call control'),
  });
  app.decorate<RedisClient>('redis', opts.redis);
  app.decorate('queue', queue);
  app.decorate('flow', flow);
  app.decorate('clock', opts.clock);
  app.decorate('directory', opts.directory);
  app.decorate('redisOutage', opts.redisOutage);
  app.decorate('recordings', recordings);

  // The sweep running now, if any: shutdown waits for it, so that a pairing it claims is connected.
  let sweeping: Promise<void> | undefined;
  let sweep: NodeJS.Timeout | undefined;
  // Work that rings phones (call-back jobs, the sweep's pairings) starts only once this process
  // listens: a phone answered before then would fetch its instructions from nobody.
  app.addHook('onListen', async () => {
    scheduler.start((job) => flow.callbacks.onJob(job));
    // Not waited for: with Redis away at start the schedule is made once it is back.
    void retention.start(() => recordings.deleteDue()).catch((err: unknown) => app.log.error({ err }, 'recording retention could not be scheduled; it is tried again at the next start'));
    // The interval is clock time, like every other duration, so a compressed simulation sweeps as often per simulated minute.
    sweep = setInterval(() => {
      if (sweeping || opts.redis.status !== 'ready') return;
      sweeping = flow.sweep().catch((err: unknown) => app.log.warn({ err }, 'sweep failed')).finally(() => (sweeping = undefined));
    }, opts.clock.realDelay(opts.sweepIntervalMs));
    sweep.unref();
  });

  app.addHook('onClose', async () => {
    clearInterval(sweep);
    await sweeping;
    await scheduler.close();
    await retention.close();
    await flow.settle();
    await waits.settle();
    await opts.redis.quit().catch(() => opts.redis.disconnect());
  });
}, { name: 'callflow' });
