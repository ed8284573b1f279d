import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { Config } from './config.js';

export type RedisClient = Redis | Cluster;

/**
 * The service's Redis connection: a Redis Cluster when REDIS_CLUSTER_NODES names seed nodes, else
 * the single Redis at REDIS_URL. Either way a command fails within REDIS_COMMAND_TIMEOUT_MS rather
 * than wait for a reconnect, so a webhook can still answer (hold and retry) well inside the
 * provider's ~15 s timeout.
 */
export function connectRedis(config: Pick<Config, 'redisUrl' | 'redisClusterNodes' | 'redisCommandTimeoutMs'>): RedisClient {
  const failFast: RedisOptions = {
    commandTimeout: config.redisCommandTimeoutMs,
    connectTimeout: config.redisCommandTimeoutMs,
    maxRetriesPerRequest: 1,
    // Reconnect quickly and keep trying: Redis coming back must be noticed within a second or two.
    retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
    // Commands issued in the same tick by concurrent webhooks share one write (measured in loadtest/).
    enableAutoPipelining: true,
  };
  if (config.redisClusterNodes.length === 0) return new Redis(config.redisUrl, failFast);
  return new Cluster(config.redisClusterNodes, {
    redisOptions: failFast,
    enableAutoPipelining: true,
    // While the cluster is unreachable commands fail at once instead of queueing.
    enableOfflineQueue: false,
    clusterRetryStrategy: (attempt) => Math.min(attempt * 100, 1000),
    slotsRefreshTimeout: config.redisCommandTimeoutMs,
  });
}

/** Resolves when the connection is ready, or after `ms` (the service starts anyway; /readyz tells). */
export function readyWithin(redis: RedisClient, ms: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => done(false), ms);
    const done = (ok: boolean) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      resolve(ok);
    };
    const onReady = () => done(true);
    redis.on('ready', onReady);
  });
}

/** True for the errors ioredis raises when Redis cannot be reached (as opposed to a bad command). */
export function isRedisUnavailable(err: Error): boolean {
  return (
    err.name === 'MaxRetriesPerRequestError' ||
    err.name === 'ClusterAllFailedError' ||
    /Connection is closed|Command timed out|enableOfflineQueue|Cluster isn't ready|Failed to refresh slots|ECONNREFUSED|ECONNRESET|CLUSTERDOWN/.test(err.message)
  );
}
