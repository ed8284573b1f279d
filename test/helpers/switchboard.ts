import { Writable } from 'node:stream';
import type { Test } from 'tap';
import { pino } from 'pino';
import { buildApp } from '../../services/switchboard/app.js';
import { configFromEnv } from '../../services/switchboard/config.js';
import type { Clock } from '../../shared/clock.js';
import { connectRedis, readyWithin } from '../../services/switchboard/redis.js';
import type { Directory } from '../../shared/directory/directory.js';
import { loggerOptions } from '../../shared/log.js';
import { freePort } from '../../scripts/redis.mjs';
import type { FakeTwilio } from '../fakes/twilio.js';

export interface SwitchboardOptions {
  /** A single Redis; or give REDIS_CLUSTER_NODES in `env` for a cluster. */
  redisUrl?: string;
  directory: Directory;
  twilio?: FakeTwilio;
  env?: Record<string, string>;
  clock?: Clock;
  /** Given to the app as the directory file's reload (POST /v1/directory/reload). */
  reloadDirectory?: () => Directory;
}

/** A clock that runs at real speed from `startIso`, and can be moved on. */
export function movableClock(startIso: string) {
  let offset = Date.parse(startIso) - Date.now();
  return {
    now: () => Date.now() + offset,
    realDelay: (ms: number) => ms,
    /** Jump to a moment (ISO), or on by `ms`. */
    set: (iso: string) => (offset = Date.parse(iso) - Date.now()),
    advance: (ms: number) => (offset += ms),
  };
}

/**
 * Switchboard running in this process on a real port, against a real Redis, with its numbers
 * pointed at the fake Twilio. Log lines are kept in `logs` (redaction applied, as in production).
 */
export async function startSwitchboard(t: Test, opts: SwitchboardOptions) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = configFromEnv({
    PORT: String(port),
    PUBLIC_URL: url,
    ...(opts.redisUrl ? { REDIS_URL: opts.redisUrl } : {}),
    TWILIO_API_BASE: opts.twilio?.url || 'http://127.0.0.1:9',
    SWEEP_INTERVAL_MS: '200',
    ...opts.env,
  });
  const logs: string[] = [];
  const sink = new Writable({ write: (chunk, _enc, done) => (logs.push(String(chunk)), done()) });
  const logger = pino({ ...loggerOptions('info') }, sink);
  const redis = connectRedis(config);
  await readyWithin(redis, 5000);
  let directory = opts.directory;
  const app = await buildApp({ config, redis, directory: () => directory, logger, clock: opts.clock, reloadDirectory: opts.reloadDirectory && (() => (directory = opts.reloadDirectory!())) });
  await app.listen({ port, host: '127.0.0.1' });
  if (opts.twilio) pointNumbersAt(opts.twilio, directory, url);
  t.teardown(() => app.close());

  const api = async (method: string, path: string, token?: string, body?: unknown) => {
    const res = await fetch(url + path, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  return { app, url, logs, api, redis, setDirectory: (d: Directory) => (directory = d) };
}

/** As a practice would configure its Twilio numbers: voice and status webhooks to Switchboard. */
export function pointNumbersAt(twilio: FakeTwilio, directory: Directory, baseUrl: string) {
  for (const p of directory.practices) {
    if (p.provider.kind !== 'twilio') continue;
    for (const n of p.numbers) {
      twilio.addNumber(n, { accountSid: p.provider.accountSid, authToken: p.provider.authToken, voiceUrl: `${baseUrl}/v1/twilio/voice`, statusCallback: `${baseUrl}/v1/twilio/status` });
    }
  }
}
