import { Redis } from 'ioredis';
import { DirectoryError, loadDirectoryFile } from '../../shared/directory/load.js';
import { createLogger } from '../../shared/log.js';
import { buildApp } from './app.js';
import { ConfigError, configFromEnv } from './config.js';

/** `npm start`: read the environment and the directory, refuse to start on either being wrong. */
async function main() {
  let config;
  let directory;
  try {
    config = configFromEnv();
    directory = loadDirectoryFile(config.directoryFile);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof DirectoryError) {
      process.stderr.write(`switchboard: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  // Auto-pipelining: commands issued in the same tick by concurrent webhooks share one write (measured in loadtest/).
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 2, enableAutoPipelining: true });
  redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
  const app = await buildApp({ config, redis, directory: () => directory, logger });
  await app.listen({ port: config.port, host: config.host });
  logger.info({ practices: directory.practices.length, directory: config.directoryFile, publicUrl: config.publicUrl }, 'switchboard ready');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    app.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

void main();
