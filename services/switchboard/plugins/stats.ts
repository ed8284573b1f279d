import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { StatsStore } from '../../../shared/stats/store.js';

declare module 'fastify' {
  interface FastifyInstance {
    stats: StatsStore;
  }
}

/** How often housekeeping runs. */
const HOUSEKEEPING_INTERVAL_MS = 3_600_000;

/**
 * The statistics store, and housekeeping at start and hourly: call records older than each
 * practice's callRecordRetentionDays are deleted (the aggregates stay; records also expire by TTL,
 * the purge makes the deadline hold whatever the clock does and removes what is left of the live
 * call), and finished days' 15-minute counters are compressed.
 */
export default fp(async function stats(app: FastifyInstance) {
  const store = new StatsStore(app.redis, app.directory, app.queue.keyPrefix);
  app.decorate('stats', store);

  const housekeeping = async () => {
    const now = app.clock.now();
    for (const practice of app.directory().practices) {
      const deleted = await store.purgeRecords(practice, now);
      if (deleted > 0) app.log.info({ practice: practice.ods, deleted }, 'call records past retention deleted');
      await store.compactFinishedDays(practice, now);
    }
  };
  const run = () => housekeeping().catch((err: unknown) => app.log.warn({ err }, 'statistics housekeeping failed'));
  app.addHook('onReady', run);
  const timer = setInterval(run, HOUSEKEEPING_INTERVAL_MS);
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));
}, { name: 'stats', dependencies: ['callflow'] });
