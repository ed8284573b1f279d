import { join } from 'node:path';
import { projectRoot } from '../../shared/paths.js';

/** Every environment variable the service reads (docs/configuration.md), checked at start. */
export interface Config {
  port: number;
  host: string;
  redisUrl: string;
  /** Seed nodes of a Redis Cluster; when set, REDIS_URL is not used. */
  redisClusterNodes: { host: string; port: number }[];
  /** How long one Redis command may take before it fails (webhooks must answer well inside the provider's timeout). */
  redisCommandTimeoutMs: number;
  /** After SIGTERM: how long to keep answering while load balancers stop sending here. */
  shutdownDrainMs: number;
  directoryFile: string;
  publicUrl: string;
  twilioApiBase: string;
  /** '' when unset: jambonz is self-hosted, so there is no default (main.ts insists on it when a practice needs it). */
  jambonzApiBase: string;
  keyPrefix: string;
  logLevel: string;
  clockSpeed: number;
  /** Simulation only: the instant (ms) the clock starts at; undefined: now. */
  clockStart?: number;
  sweepIntervalMs: number;
  /** Statistics counts from 1 to this minus one are shown as '*' outside the practice itself; 0: none. */
  statsSuppressBelow: number;
  liveCoalesceMs: number;
  /** How long a client may take to send a whole request (headers and body) before it is answered 408 and dropped. */
  requestTimeoutMs: number;
  /** Failed authentications (bad tokens, bad live tickets) one client address may make per window before it is refused 429. */
  authFailureLimit: number;
  authFailureWindowSeconds: number;
  /** Which peers' X-Forwarded-For is believed (Fastify trustProxy): the client address that failures are counted against. */
  trustProxy: boolean | string;
  /** Days audit-log entries are kept. */
  auditRetentionDays: number;
  /** How often recordings whose retention is over are looked for and deleted at their provider. */
  recordingRetentionIntervalMs: number;
}

export const DEMO_DIRECTORY = join(projectRoot(), 'deploy', 'demo-directory.yaml');

export class ConfigError extends Error {}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const int = (name: string, fallback: number, min: number, max: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) problems.push(`${name}=${raw}: must be a whole number from ${min} to ${max}`);
    return n;
  };
  const url = (name: string, fallback: string, schemes: string[]) => {
    const raw = (env[name] ?? '') || fallback;
    try {
      const u = new URL(raw);
      if (!schemes.includes(u.protocol)) problems.push(`${name}=${raw}: must be a ${schemes.join(' or ')} URL`);
    } catch {
      problems.push(`${name}=${raw}: is not a URL`);
    }
    return raw.replace(/\/+$/, '');
  };
  const port = int('PORT', 3000, 0, 65535);
  const speedRaw = env.CLOCK_SPEED ?? '1';
  const clockSpeed = Number(speedRaw);
  if (!(clockSpeed > 0 && clockSpeed <= 3600)) problems.push(`CLOCK_SPEED=${speedRaw}: must be a number above 0 and at most 3600`);
  const clockStart = env.CLOCK_START === undefined ? undefined : Date.parse(env.CLOCK_START);
  if (clockStart !== undefined && !Number.isFinite(clockStart)) problems.push(`CLOCK_START=${env.CLOCK_START}: must be a date and time such as 2026-11-30T08:00:00Z`);
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) problems.push(`LOG_LEVEL=${logLevel}: must be one of fatal, error, warn, info, debug, trace, silent`);
  const trustRaw = (env.TRUST_PROXY ?? 'true').trim();
  const trustProxy = trustRaw === 'true' ? true : trustRaw === 'false' ? false : trustRaw;
  if (typeof trustProxy === 'string' && !/^[0-9A-Fa-f:.\/]+(,\s*[0-9A-Fa-f:.\/]+)*$/.test(trustProxy)) problems.push(`TRUST_PROXY=${trustRaw}: must be true, false, or the proxies' addresses or CIDRs, comma-separated`);
  const keyPrefix = env.KEY_PREFIX ?? 'sb:';
  if (!/^[A-Za-z0-9:_-]{1,32}$/.test(keyPrefix)) problems.push(`KEY_PREFIX=${keyPrefix}: letters, digits, ':', '_' or '-', at most 32`);
  const clusterRaw = env.REDIS_CLUSTER_NODES ?? '';
  const redisClusterNodes = clusterRaw.split(',').map((s) => s.trim()).filter(Boolean).map((node) => {
    const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(node);
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) problems.push(`REDIS_CLUSTER_NODES: "${node}" must be host:port (a comma-separated list, e.g. redis-0:6379,redis-1:6379)`);
    return { host: (m?.[1] ?? '').replace(/^\[|\]$/g, ''), port: Number(m?.[2] ?? 0) };
  });
  const config: Config = {
    port,
    host: env.HOST ?? '0.0.0.0',
    redisUrl: url('REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']),
    redisClusterNodes,
    redisCommandTimeoutMs: int('REDIS_COMMAND_TIMEOUT_MS', 2000, 100, 10_000),
    shutdownDrainMs: int('SHUTDOWN_DRAIN_MS', 3000, 0, 8000),
    directoryFile: env.DIRECTORY_FILE || DEMO_DIRECTORY,
    publicUrl: url('PUBLIC_URL', `http://localhost:${port}`, ['http:', 'https:']),
    twilioApiBase: url('TWILIO_API_BASE', 'https://api.twilio.com', ['http:', 'https:']),
    jambonzApiBase: env.JAMBONZ_API_BASE ? url('JAMBONZ_API_BASE', '', ['http:', 'https:']) : '',
    keyPrefix,
    logLevel,
    clockSpeed,
    clockStart,
    sweepIntervalMs: int('SWEEP_INTERVAL_MS', 1000, 100, 60_000),
    statsSuppressBelow: int('STATS_SUPPRESS_BELOW', 5, 0, 100),
    liveCoalesceMs: int('LIVE_COALESCE_MS', 250, 0, 5000),
    requestTimeoutMs: int('REQUEST_TIMEOUT_MS', 30_000, 1000, 600_000),
    authFailureLimit: int('AUTH_FAILURE_LIMIT', 20, 1, 10_000),
    authFailureWindowSeconds: int('AUTH_FAILURE_WINDOW_SECONDS', 60, 1, 86_400),
    trustProxy,
    auditRetentionDays: int('AUDIT_RETENTION_DAYS', 2190, 1, 36500),
    recordingRetentionIntervalMs: int('RECORDING_RETENTION_INTERVAL_MS', 3_600_000, 100, 86_400_000),
  };
  if (problems.length > 0) throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  return config;
}
