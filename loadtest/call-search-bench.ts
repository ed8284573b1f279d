/**
 * `npm run bench:calls`: what finding a call costs at a busy practice (docs/calls.md).
 *
 * One practice with CALLS_PER_DAY calls a day (default 1,000, a large practice's busy day) for
 * DAYS days (default 30, the default record retention) is played through the real enqueue and
 * endCall scripts into a private redis-server. Then searches as a practice manager makes them are
 * timed (the median of REPEATS), with the time Redis spent in the search script itself (INFO
 * commandstats), per search and per slice of at most RECORDS_PER_SLICE records: no search holds
 * Redis longer than one slice at a time.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { CallSearch, planSearch, RECORDS_PER_SLICE } from '../shared/calls/search.js';
import { parseDirectory } from '../shared/directory/load.js';
import { londonMidnight } from '../shared/london-time.js';
import { projectRoot } from '../shared/paths.js';
import { CallQueue } from '../shared/queue/queue.js';

const CALLS_PER_DAY = Number(process.env.CALLS_PER_DAY ?? 1000);
const DAYS = Number(process.env.DAYS ?? 30);
const REPEATS = Number(process.env.REPEATS ?? 7);
const DAY_MS = 86_400_000;
const fmt = (n: number, digits = 1) => n.toLocaleString('en-GB', { maximumFractionDigits: digits });

type RedisHelpers = typeof import('../scripts/redis.mjs');
const { startPrivateRedis } = (await import(pathToFileURL(join(projectRoot(), 'scripts/redis.mjs')).href)) as RedisHelpers;

const directory = parseDirectory(
  `icb: { code: QH8, name: Bench ICB, region: Y61 }
pcns: [{ code: U00001, name: Bench PCN }]
practices:
  - { ods: F80001, name: Bench Surgery, pcn: U00001, numbers: ["+441375100001"], provider: { kind: twilio, accountSid: AC00000000000000000000000000000001, authToken: bench-secret }, callRecordRetentionDays: ${DAYS + 1}, teams: [{ id: reception, name: Reception }, { id: prescriptions, name: Prescriptions }] }
staff:
  - { id: s1, name: Sam One, practice: F80001, endpoint: "sip:s1@bench.example", teams: [reception] }
`,
  'bench',
);
const practice = directory.practice('F80001')!;
const SHARD = 'U00001';

function seeded(seed: number) {
  return () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

/** A day of calls from 08:00 for ten and a half hours: 80% reception, a random UK mobile number each; a third hang up waiting. */
async function playDay(queue: CallQueue, date: string, rnd: () => number): Promise<void> {
  const start = londonMidnight(date) + 8 * 3_600_000;
  const batch: Promise<unknown>[] = [];
  for (let i = 0; i < CALLS_PER_DAY; i++) {
    const arrive = start + Math.floor(rnd() * 10.5 * 3_600_000);
    const callId = `twilio:CA${date}-${i}`;
    const team = rnd() < 0.8 ? 'F80001.reception' : 'F80001.prescriptions';
    const from = `+447${String(Math.floor(rnd() * 1e9)).padStart(9, '0')}`;
    batch.push(
      queue.enqueue(SHARD, { callId, team, practice: 'F80001', from, provider: 'twilio', providerCallId: callId }, arrive).then(() =>
        queue.endCall(SHARD, callId, 'F80001', (DAYS + 1) * DAY_MS, 0, arrive + Math.floor(rnd() * 900) * 1000),
      ),
    );
    if (batch.length === 200) await Promise.all(batch.splice(0));
  }
  await Promise.all(batch);
}

async function scriptStats(redis: Redis): Promise<{ calls: number; usec: number }> {
  const info = await redis.info('commandstats');
  let calls = 0;
  let usec = 0;
  for (const m of info.matchAll(/cmdstat_(?:evalsha|eval):calls=(\d+),usec=(\d+)/g)) {
    calls += Number(m[1]);
    usec += Number(m[2]);
  }
  return { calls, usec };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const server = await startPrivateRedis();
  const redis = new Redis(server.url);
  try {
    const queue = new CallQueue(redis);
    const rnd = seeded(20);
    const lastDay = '2026-06-30';
    const dates = Array.from({ length: DAYS }, (_, i) => new Date(Date.parse(`${lastDay}T12:00:00Z`) - (DAYS - 1 - i) * DAY_MS).toISOString().slice(0, 10));
    const before = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]);
    const started = performance.now();
    for (const date of dates) await playDay(queue, date, rnd);
    const records = DAYS * CALLS_PER_DAY;
    const load = () => import('node:os').then((os) => fmt(os.loadavg()[0]!, 1));
    const after = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]);
    console.log(`${fmt(records, 0)} call records (${fmt(CALLS_PER_DAY, 0)} a day × ${DAYS} days) played in ${fmt((performance.now() - started) / 1000)} s; ${fmt((after - before) / records, 0)} bytes each in Redis (the records and their index, which the search reads and adds nothing to)`);

    const search = new CallSearch(redis, 'sb:', () => directory);
    const now = londonMidnight(lastDay) + 19 * 3_600_000;
    // A caller of a week ago, whose number's end the manager was given (read here from the record: the search gives only three digits).
    const sample = (await search.run(planSearch(directory, practice, { from: dates[DAYS - 8] }, now)))[10]!;
    const last4 = (await redis.hget(`sb:{${SHARD}}:cdr:${sample.callId}`, 'from'))!.slice(-4);
    const cases: [string, object][] = [
      ['today, every call', { from: lastDay }],
      ['a past day, every call', { from: dates[DAYS - 8] }],
      ['a past day, 08:00–09:00, reception', { from: dates[DAYS - 8], fromTime: '08:00', toTime: '09:00', team: 'reception' }],
      ['a past day, last 3 digits', { from: dates[DAYS - 8], digits: last4.slice(1) }],
      [`${Math.min(DAYS, 31)} days, last 4 digits`, { from: dates[Math.max(0, DAYS - 31)], to: lastDay, digits: last4 }],
      [`${Math.min(DAYS, 31)} days, every call`, { from: dates[Math.max(0, DAYS - 31)], to: lastDay }],
    ];
    console.log(`\nOn this machine (${(await import('node:os')).cpus().length} cores, load average ${await load()} as the searches began):`);
    console.log(`\n| search | calls found | records read | slices | median time | Redis time (all slices) | Redis per slice (mean) | Redis per record read |`);
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const [name, query] of cases) {
      const plan = planSearch(directory, practice, query, now);
      const times: number[] = [];
      let found = 0;
      await redis.config('RESETSTAT');
      for (let i = 0; i < REPEATS; i++) {
        const t0 = performance.now();
        found = (await search.run(plan)).length;
        times.push(performance.now() - t0);
      }
      const { calls, usec } = await scriptStats(redis);
      const endFrom = Math.max(plan.windows[0]![0], plan.keptSince);
      const read = await redis.zcount(`sb:{${SHARD}}:cdrs:F80001`, endFrom, `(${plan.windows[plan.windows.length - 1]![1] + DAY_MS}`);
      const slices = calls / REPEATS;
      console.log(`| ${name} | ${fmt(found, 0)} | ${fmt(read, 0)} | ${fmt(slices, 0)} | ${fmt(median(times))} ms | ${fmt(usec / 1000 / REPEATS)} ms | ${fmt(usec / 1000 / calls, 2)} ms | ${fmt(usec / REPEATS / read, 1)} µs |`);
    }
  } finally {
    redis.disconnect();
    server.child.kill('SIGKILL');
  }
}

await main();
