import type { Test } from 'tap';
import { FakeTwilio } from '../fakes/twilio.js';
import { exampleDirectory, PRACTICE_TOKEN, RIVERSIDE } from '../fixtures/directories.js';
import { roundRobin, spawnSwitchboard } from './processes.js';
import { privateRedis } from './redis.js';
import { exampleDirectoryFile } from './rush.js';
import { pointNumbersAt } from './switchboard.js';

type Instance = Awaited<ReturnType<typeof spawnSwitchboard>>;

/** Three service processes behind a round-robin balancer, one Redis, the fake Twilio network. */
export async function threeInstances(t: Test, extraEnv: Record<string, string> = {}) {
  const redis = await privateRedis(t);
  const twilio = await new FakeTwilio().start();
  t.teardown(() => twilio.stop());
  const pool: Instance[] = [];
  const lb = await roundRobin(t, () => pool.map((i) => i.url));
  const env = { REDIS_URL: redis.url, PUBLIC_URL: lb.url, TWILIO_API_BASE: twilio.url, DIRECTORY_FILE: exampleDirectoryFile(), ...extraEnv };
  pool.push(...(await Promise.all([0, 1, 2].map(() => spawnSwitchboard(t, env)))));
  pointNumbersAt(twilio, exampleDirectory(), lb.url);
  const calls = async () => {
    const res = await fetch(`${lb.url}/v1/practices/F81001/calls`, { headers: { authorization: `Bearer ${PRACTICE_TOKEN}` } });
    return ((await res.json()) as { calls: { callId: string; outcome: string }[] }).calls;
  };
  const staffActivity = async (staff: string) => {
    const res = await fetch(`${lb.url}/v1/staff/${staff}`, { headers: { authorization: `Bearer ${PRACTICE_TOKEN}` } });
    return ((await res.json()) as { activity: string }).activity;
  };
  /** A Redis hash of the example PCN, for diagnostics when a test fails. */
  const row = async (key: string) => {
    const { Redis } = await import('ioredis');
    const r = new Redis(redis.url);
    const fields = await r.hgetall(`sb:{U12345}:${key}`);
    r.disconnect();
    return fields;
  };
  return { twilio, pool, lb, env, calls, staffActivity, callState: (sid: string) => row(`call:twilio:${sid}`), staffRow: (id: string) => row(`staff:${id}`), spawn: () => spawnSwitchboard(t, env) };
}

export const placeBurst = (twilio: FakeTwilio, n: number, offset = 0) =>
  Promise.all(Array.from({ length: n }, (_, i) => twilio.placeCall(`+4477009002${String(i + offset).padStart(2, '0')}`, RIVERSIDE)));

