import Fastify, { type FastifyBaseLogger, type FastifyInstance, type LogLevel } from 'fastify';
import formbody from '@fastify/formbody';
import type { Redis } from 'ioredis';
import { createClock, type Clock } from '../../shared/clock.js';
import type { Directory } from '../../shared/directory/directory.js';
import { TwilioLiveCalls } from '../../shared/providers/twilio/rest.js';
import type { Config } from './config.js';
import auth from './plugins/auth.js';
import callflow from './plugins/callflow.js';
import errors from './plugins/errors.js';
import health from './routes/health.js';
import practiceRoutes from './routes/practices.js';
import staffRoutes from './routes/staff.js';
import twilioRoutes from './routes/twilio.js';

export interface AppOptions {
  config: Config;
  redis: Redis;
  /** The directory in force; a function so that a reload takes effect on the next request. */
  directory: () => Directory;
  logger: FastifyBaseLogger;
  clock?: Clock;
}

/** The Switchboard HTTP service: infrastructure as plugins, thin routes, one error handler. */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const { config } = opts;
  const app = Fastify({ loggerInstance: opts.logger, trustProxy: true, forceCloseConnections: true });
  await app.register(errors);
  await app.register(formbody);
  await app.register(callflow, {
    redis: opts.redis,
    keyPrefix: config.keyPrefix,
    clock: opts.clock ?? createClock(config.clockSpeed),
    directory: opts.directory,
    sweepIntervalMs: config.sweepIntervalMs,
    liveCalls: { twilio: new TwilioLiveCalls(config.twilioApiBase, config.publicUrl) },
  });
  await app.register(auth);
  await app.register(health);
  // Webhooks are most of the traffic (a wait loop per caller): their per-request lines only at debug/trace.
  await app.register(twilioRoutes, { prefix: '/v1/twilio', publicUrl: config.publicUrl, logLevel: (config.logLevel === 'info' ? 'warn' : config.logLevel) as LogLevel });
  await app.register(staffRoutes);
  await app.register(practiceRoutes);
  return app;
}
