import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { StatsStore } from '../../../shared/stats/store.js';

declare module 'fastify' {
  interface FastifyInstance {
    stats: StatsStore;
  }
}

/** How often call records past their practice's callRecordRetentionDays are deleted. */
const PURGE_INTERVAL_MS = 3_600_000;

/**
 * The statistics store, and the retention purge: at start and hourly, call records older than each
 * practice's callRecordRetentionDays are deleted (the aggregates stay). Records also expire by TTL;
 * the purge makes the deadline hold whatever the clock does and removes what is left of the live call.
 */
export default fp(async function stats(app: FastifyInstance) {
  const store = new StatsStore(app.redis, app.directory, app.queue.keyPrefix);
  app.decorate('stats', store);

  const purge = async () => {
    const now = app.clock.now();
    for (const practice of app.directory().practices) {
      const deleted = await store.purgeRecords(practice, now);
      if (deleted > 0) app.log.info({ practice: practice.ods, deleted }, 'call records past retention deleted');
    }
  };
  const run = () => void purge().catch((err: unknown) => app.log.warn({ err }, 'call record purge failed'));
  app.addHook('onReady', async () => {
    await purge().catch((err: unknown) => app.log.warn({ err }, 'call record purge failed'));
  });
  const timer = setInterval(run, PURGE_INTERVAL_MS);
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));
}, { name: 'stats', dependencies: ['callflow'] });
