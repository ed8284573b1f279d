import Fastify, { type FastifyBaseLogger, type FastifyInstance, type LogLevel } from 'fastify';
import formbody from '@fastify/formbody';
import { isRedisUnavailable, type RedisClient } from './redis.js';
import { RedisAuditLog } from '../../shared/audit/audit.js';
import { createClock, type Clock } from '../../shared/clock.js';
import type { Directory } from '../../shared/directory/directory.js';
import { CallerLookups } from '../../shared/patients/callers.js';
import { FhirPatientLookup } from '../../shared/patients/fhir.js';
import { lazyChild } from '../../shared/log.js';
import { RedisOutageLog } from '../../shared/redis-outage-log.js';
import { JambonzRecordings } from '../../shared/providers/jambonz/recordings.js';
import { JambonzLiveCalls } from '../../shared/providers/jambonz/rest.js';
import { TwilioRecordings } from '../../shared/providers/twilio/recordings.js';
import { TwilioLiveCalls } from '../../shared/providers/twilio/rest.js';
import type { Config } from './config.js';
import audit from './plugins/audit.js';
import auth from './plugins/auth.js';
import authFailures from './plugins/auth-failures.js';
import availability from './plugins/availability.js';
import callflow from './plugins/callflow.js';
import errors from './plugins/errors.js';
import live from './plugins/live.js';
import metrics from './plugins/metrics.js';
import openapi from './plugins/openapi.js';
import patients from './plugins/patients.js';
import planner from './plugins/planner.js';
import auditRoutes from './routes/audit.js';
import signIn from './plugins/signin.js';
import callbackRoutes from './routes/callbacks.js';
import callSearchRoutes from './routes/calls.js';
import health from './routes/health.js';
import closureRoutes from './routes/closures.js';
import directoryRoutes from './routes/directory.js';
import liveRoutes from './routes/live.js';
import patientRoutes from './routes/patients.js';
import recordingRoutes from './routes/recordings.js';
import pages from './routes/pages.js';
import planRoutes from './routes/plan.js';
import practiceRoutes from './routes/practices.js';
import reportRoutes from './routes/reports.js';
import signInRoutes from './routes/signin.js';
import staffRoutes from './routes/staff.js';
import jambonzRoutes from './routes/jambonz.js';
import statsRoutes from './routes/stats.js';
import twilioRoutes from './routes/twilio.js';

export interface AppOptions {
  config: Config;
  redis: RedisClient;
  /** The directory in force; a function so that a reload takes effect on the next request. */
  directory: () => Directory;
  /** Re-reads the directory file (POST /v1/directory/reload); throws DirectoryError when it is not valid. */
  reloadDirectory?: () => Directory;
  logger: FastifyBaseLogger;
  clock?: Clock;
  /** Where every Redis connection's errors are said, a few lines per outage (main.ts passes its own). */
  redisOutage?: RedisOutageLog;
}

/** The Switchboard HTTP service: infrastructure as plugins, thin routes, one error handler. */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const { config } = opts;
  const app = Fastify({
    loggerInstance: opts.logger,
    trustProxy: config.trustProxy,
    return503OnClosing: false,
    // A client that never finishes its request is answered 408 and dropped; Node checks every second,
    // and enforces the request timeout only when the headers' own timeout is no longer than it.
    requestTimeout: config.requestTimeoutMs,
    http: { connectionsCheckingInterval: 1000, headersTimeout: Math.min(60_000, config.requestTimeoutMs) },
    // A field of two types (a what-if's roster: "observed" or a list of spans) is one `type: [...]`,
    // not a oneOf, whose branches Ajv would coerce the value within before checking it.
    ajv: { customOptions: { allowUnionTypes: true } },
  });
  await app.register(errors);
  await app.register(formbody);
  const auditLog = new RedisAuditLog(opts.redis, config.keyPrefix, config.auditRetentionDays);
  const callers = new CallerLookups({ lookup: new FhirPatientLookup(), redis: opts.redis, keyPrefix: config.keyPrefix, directory: opts.directory, audit: auditLog, log: app.log });
  await app.register(callflow, {
    redis: opts.redis,
    keyPrefix: config.keyPrefix,
    clock: opts.clock ?? createClock(config.clockSpeed, Date.now(), config.clockStart),
    directory: opts.directory,
    sweepIntervalMs: config.sweepIntervalMs,
    redisOutage: opts.redisOutage ?? new RedisOutageLog(opts.logger, isRedisUnavailable),
    liveCalls: { twilio: new TwilioLiveCalls(config.twilioApiBase, config.publicUrl), jambonz: new JambonzLiveCalls(config.jambonzApiBase, config.publicUrl) },
    callers,
    recordingControls: { twilio: new TwilioRecordings(config.twilioApiBase), jambonz: new JambonzRecordings(config.jambonzApiBase) },
    retentionIntervalMs: config.recordingRetentionIntervalMs,
    audit: auditLog,
  });
  await app.register(authFailures, { limit: config.authFailureLimit, windowSeconds: config.authFailureWindowSeconds });
  await app.register(audit, { log: auditLog });
  await app.register(signIn, { publicUrl: config.publicUrl });
  await app.register(auth, { publicUrl: config.publicUrl });
  await app.register(availability);
  await app.register(openapi, { publicUrl: config.publicUrl });
  await app.register(metrics);
  await app.register(patients, { callers });
  await app.register(health);
  // Webhooks are most of the traffic (a wait loop per caller): their per-request lines only at debug/trace.
  // Each webhook's logger is a child of one logger at that level, made once: a level of its own on
  // every request's child makes pino rebuild its methods per request (a measurable share of a webhook's CPU),
  // and the child itself is made only when a line is logged.
  const webhookLog = opts.logger.child({}, { level: (config.logLevel === 'info' ? 'warn' : config.logLevel) as LogLevel });
  await app.register(async (webhooks) => {
    webhooks.setChildLoggerFactory((_logger, bindings) => lazyChild(webhookLog, bindings));
    await webhooks.register(twilioRoutes, { prefix: '/v1/twilio', publicUrl: config.publicUrl });
    await webhooks.register(jambonzRoutes, { prefix: '/v1/jambonz', publicUrl: config.publicUrl });
  });
  await app.register(staffRoutes);
  await app.register(practiceRoutes);
  await app.register(callSearchRoutes);
  await app.register(closureRoutes);
  await app.register(directoryRoutes, { reload: opts.reloadDirectory });
  await app.register(statsRoutes, { suppressBelow: config.statsSuppressBelow });
  await app.register(planner);
  await app.register(planRoutes);
  await app.register(reportRoutes);
  await app.register(live, { coalesceMs: config.liveCoalesceMs, suppressBelow: config.statsSuppressBelow });
  await app.register(liveRoutes, { suppressBelow: config.statsSuppressBelow });
  await app.register(pages);
  await app.register(signInRoutes, { publicUrl: config.publicUrl });
  await app.register(callbackRoutes);
  await app.register(auditRoutes);
  await app.register(patientRoutes);
  await app.register(recordingRoutes);
  return app;
}
