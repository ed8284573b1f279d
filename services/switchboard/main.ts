import { DirectoryError } from '../../shared/directory/load.js';
import { DirectorySource } from '../../shared/directory/source.js';
import { createLogger } from '../../shared/log.js';
import { RedisOutageLog } from '../../shared/redis-outage-log.js';
import { buildApp } from './app.js';
import { ConfigError, configFromEnv } from './config.js';
import { connectRedis, isRedisUnavailable, readyWithin } from './redis.js';

/** `npm start`: read the environment and the directory, refuse to start on either being wrong. */
async function main() {
  let config;
  let source;
  try {
    config = configFromEnv();
    source = new DirectorySource(config.directoryFile);
    const onJambonz = source.current().practices.filter((p) => p.provider.kind === 'jambonz').map((p) => p.ods);
    if (onJambonz.length > 0 && !config.jambonzApiBase) throw new ConfigError(`JAMBONZ_API_BASE must be set: practices ${onJambonz.join(', ')} are on jambonz`);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof DirectoryError) {
      process.stderr.write(`switchboard: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const redis = connectRedis(config);
  const redisOutage = new RedisOutageLog(logger, isRedisUnavailable);
  redisOutage.watch(redis, 'service');
  if (!(await readyWithin(redis, 5000))) logger.warn('redis is not reachable yet; starting anyway (/readyz says so until it is)');
  const app = await buildApp({ config, redis, directory: source.current, reloadDirectory: () => source.reload(), logger, redisOutage });
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    // The one start-up failure an operator meets often: say it in one line, not a stack trace.
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    process.stderr.write(`switchboard: port ${config.port} on ${config.host} is already in use: stop what is using it, or set PORT to another port\n`);
    process.exit(1);
  }
  logger.info({ practices: source.current().practices.length, directory: config.directoryFile, publicUrl: config.publicUrl, redis: config.redisClusterNodes.length > 0 ? 'cluster' : 'single' }, 'switchboard ready');

  // `kill -HUP`: re-read the directory; a file with errors is refused and the old one stays live.
  process.on('SIGHUP', () => {
    try {
      const next = source.reload();
      logger.info({ practices: next.practices.length, directory: config.directoryFile }, 'directory reloaded');
    } catch (err) {
      if (!(err instanceof DirectoryError)) throw err;
      logger.error({ problems: err.problems, directory: config.directoryFile }, 'directory reload refused; the previous directory is still in force');
    }
  });

  // Graceful stop, within 10 s: /readyz fails at once so load balancers stop sending here, requests
  // that still arrive during SHUTDOWN_DRAIN_MS are served, then the listener closes, in-flight
  // webhooks and live-call updates finish, and Redis is closed. Other instances take over the rest.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, drainMs: config.shutdownDrainMs }, 'draining before shutdown');
    const force = setTimeout(() => {
      logger.error('shutdown took over 10 s; exiting anyway');
      process.exit(1);
    }, 10_000);
    force.unref();
    app.drain();
    setTimeout(() => {
      app.close().then(
        () => {
          logger.info('shut down cleanly');
          process.exit(0);
        },
        () => process.exit(1),
      );
    }, config.shutdownDrainMs);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

void main();
