/**
 * `npm run bench:stats`: what the statistics history costs and how fast it answers.
 *
 * 1. One practice-year of calls (250 a day: 60% answered, 25% missed, 15% ended in the IVR) is played
 *    through the real endCall script into a private redis-server (AOF on).
 * 2. Bytes per practice-year: Redis memory of the counters, and the AOF after a rewrite.
 * 3. The year is copied to an ICB of PRACTICES practices; GET /v1/stats for the ICB-wide year at
 *    daily granularity (and a month at 15 minutes, and the month's CBT extract) is timed over HTTP.
 * 4. The same year in PostgreSQL (if psql reaches PG_URL): a row per practice-interval and per
 *    practice-day with the same 32 counters, its size and the same ICB-year query.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { buildApp } from '../services/switchboard/app.js';
import { configFromEnv } from '../services/switchboard/config.js';
import { parseDirectory } from '../shared/directory/load.js';
import { londonMidnight } from '../shared/london-time.js';
import { CallQueue } from '../shared/queue/queue.js';
import { dateOf, dayNumberOf, FIELDS, INTERVALS_PER_DAY, readRecord } from '../shared/stats/layout.js';
import { projectRoot } from '../shared/paths.js';
import { StatsStore } from '../shared/stats/store.js';

const PRACTICES = Number(process.env.PRACTICES ?? 150);
const CALLS_PER_DAY = Number(process.env.CALLS_PER_DAY ?? 250);
const YEAR = 2025;
const PG_URL = process.env.PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const fmt = (n: number) => n.toLocaleString('en-GB', { maximumFractionDigits: 1 });

type RedisHelpers = typeof import('../scripts/redis.mjs');
const { startPrivateRedis } = (await import(pathToFileURL(join(projectRoot(), 'scripts/redis.mjs')).href)) as RedisHelpers;

function directoryYaml(n: number): string {
  const practices = Array.from({ length: n }, (_, i) => {
    const ods = `F8${String(i).padStart(4, '0')}`;
    return `  - { ods: ${ods}, name: P${i}, pcn: U${String(Math.floor(i / 5)).padStart(5, '0')}, subIcb: 99E, numbers: ["+4413751${String(i).padStart(5, '0')}"], provider: { kind: twilio, accountSid: AC${'0'.repeat(28)}${String(i).padStart(4, '0')}, authToken: secret-${i}-token }, teams: [{ id: reception, name: Reception }] }`;
  });
  const pcns = Array.from({ length: Math.ceil(n / 5) }, (_, i) => `  - { code: U${String(i).padStart(5, '0')}, name: PCN ${i} }`);
  return `icb: { code: QH8, name: Bench ICB, region: Y61 }\npcns:\n${pcns.join('\n')}\npractices:\n${practices.join('\n')}\naccess:\n  - { token: bench-icb-token, role: icb, icb: QH8 }\n`;
}

/** Plays one London day of a practice's calls through the real scripts; each day its own team so days run side by side. */
async function playDay(queue: CallQueue, shard: string, ods: string, date: string, rnd: () => number): Promise<void> {
  const team = `${ods}.d${date}`;
  const start = londonMidnight(date) + 8 * 3_600_000;
  for (let i = 0; i < CALLS_PER_DAY; i++) {
    const arrive = start + Math.floor(rnd() * 10.5 * 3_600_000);
    const callId = `twilio:CA${date}-${i}`;
    const roll = rnd();
    if (roll < 0.15) {
      await queue.endCall(shard, callId, ods, 30 * 86_400_000, 0, arrive);
      continue;
    }
    await queue.enqueue(shard, { callId, team, practice: ods, from: '+447700900000', provider: 'twilio', providerCallId: callId }, arrive);
    const wait = Math.floor(rnd() * 600) * 1000;
    if (roll < 0.4) {
      await queue.endCall(shard, callId, ods, 30 * 86_400_000, 0, arrive + wait);
      continue;
    }
    const staff = `s${date}`;
    await queue.setPresence(shard, staff, 'available', [team], arrive + wait);
    await queue.dispatch(shard, [team], arrive + wait, 60_000);
    await queue.staffAnswered(shard, callId, staff, arrive + wait);
    await queue.endCall(shard, callId, ods, 30 * 86_400_000, 0, arrive + wait + Math.floor(rnd() * 900) * 1000);
    await queue.setPresence(shard, staff, 'offline', [team], arrive + wait + 1);
  }
}

function seeded(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

function dirBytes(dir: string): number {
  return readdirSync(dir, { recursive: true }).reduce((s, f) => {
    const st = statSync(join(dir, String(f)));
    return s + (st.isFile() ? st.size : 0);
  }, 0);
}

async function timed<T>(label: string, runs: number, fn: () => Promise<T>): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  const median = ms[Math.floor(ms.length / 2)]!;
  console.log(`  ${label}: median ${fmt(median)} ms, best ${fmt(ms[0]!)} ms, worst ${fmt(ms.at(-1)!)} ms (${runs} runs)`);
  return median;
}

const server = await startPrivateRedis();
const redis = new Redis(server.url);
try {
  const directory = parseDirectory(directoryYaml(PRACTICES), 'bench');
  const first = directory.practices[0]!;
  const shard = directory.shard(first);
  const queue = new CallQueue(redis, 'sb:');
  const days = Array.from({ length: 365 }, (_, i) => dateOf(dayNumberOf(`${YEAR}-01-01`) + i));
  console.log(`Statistics history benchmark: ${CALLS_PER_DAY} calls a day, one practice-year played through endCall, then ${PRACTICES} practices.`);
  let t0 = performance.now();
  for (let i = 0; i < days.length; i += 32) await Promise.all(days.slice(i, i + 32).map((d, j) => playDay(queue, shard, first.ods, d, seeded(i + j + 1))));
  const played = ((performance.now() - t0) / 1000);
  console.log(`  played ${fmt(CALLS_PER_DAY * 365)} calls in ${fmt(played)} s`);

  // Only the counters stay: the call records and live calls expire (30 days, 1 day).
  for (const pattern of ['sb:*:cdr:*', 'sb:*:call:*', 'sb:*:cdrs:*', 'sb:*:staff:*', 'sb:*:team:*']) {
    const keys = await redis.keys(pattern);
    for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
  }
  await redis.del('sb:{U00000}:seq');
  const store = new StatsStore(redis, () => directory, 'sb:');
  t0 = performance.now();
  for (const date of days) await store.compactDay(first, dayNumberOf(date));
  console.log(`  compressed 365 finished days in ${fmt(performance.now() - t0)} ms`);
  const statsKeys = await redis.keys('sb:*stats:*');
  let memory = 0;
  let strings = 0;
  for (const k of statsKeys) {
    memory += Number(await redis.memory('USAGE', k));
    strings += await redis.strlen(k);
  }
  const rewriteDone = async () => {
    for (let i = 0; i < 300 && /aof_rewrite_in_progress:1|aof_rewrite_scheduled:1/.test(await redis.info('persistence')); i++) await new Promise((r) => setTimeout(r, 100));
  };
  await rewriteDone(); // Redis may have started one of its own
  await redis.bgrewriteaof();
  await new Promise((r) => setTimeout(r, 200));
  await rewriteDone();
  const aof = dirBytes(server.dir);
  console.log('Bytes per practice-year (Redis, counters only):');
  console.log(`  ${statsKeys.length} keys; string payload ${fmt(strings / 1024)} KiB; Redis memory (MEMORY USAGE) ${fmt(memory / 1024)} KiB; AOF after rewrite ${fmt(aof / 1024)} KiB`);
  console.log(`  per ICB of ${PRACTICES} practices: memory ${fmt((memory * PRACTICES) / 2 ** 20)} MiB a year; bounded at ${fmt((memory * PRACTICES * 1127) / 365 / 2 ** 20)} MiB by the 1,127-day expiry`);

  // Copy the practice-year to every practice of the ICB.
  t0 = performance.now();
  for (const p of directory.practices.slice(1)) {
    const pipeline = redis.pipeline();
    for (const k of statsKeys) pipeline.copy(k, k.replace(`{${shard}}`, `{${directory.shard(p)}}`).replace(`:${first.ods}:`, `:${p.ods}:`));
    await pipeline.exec();
  }
  console.log(`  copied to ${PRACTICES} practices in ${fmt((performance.now() - t0) / 1000)} s; used_memory ${fmt(Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]) / 2 ** 20)} MiB`);

  const config = configFromEnv({ REDIS_URL: server.url, LOG_LEVEL: 'silent', STATS_SUPPRESS_BELOW: '5' });
  const appRedis = new Redis(server.url);
  appRedis.on('error', () => undefined); // closed with the app
  const app = await buildApp({ config, redis: appRedis, directory: () => directory, logger: pino({ level: 'silent' }) });
  await app.ready();
  const get = async (url: string) => {
    const res = await app.inject({ method: 'GET', url, headers: { authorization: 'Bearer bench-icb-token' } });
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    return res.body;
  };
  console.log(`Query time over HTTP (ICB of ${PRACTICES} practices):`);
  const year = await timed(`GET /v1/stats ICB-wide year, daily (${fmt((await get(`/v1/stats?scope=icb:QH8&from=${YEAR}-01-01&to=${YEAR}-12-31`)).length / 1024)} KiB JSON)`, 7, () => get(`/v1/stats?scope=icb:QH8&from=${YEAR}-01-01&to=${YEAR}-12-31`));
  await timed('GET /v1/stats ICB-wide year, monthly, CSV', 7, () => get(`/v1/stats?scope=icb:QH8&from=${YEAR}-01-01&to=${YEAR}-12-31&granularity=month&format=csv`));
  await timed('GET /v1/stats ICB-wide month, 15 minutes', 3, () => get(`/v1/stats?scope=icb:QH8&from=${YEAR}-03-01&to=${YEAR}-03-31&granularity=15m`));
  const extract = await get(`/v1/stats/cbt-extract?month=${YEAR}-03`);
  await timed(`GET /v1/stats/cbt-extract ICB month (${fmt(extract.split('\n').length)} rows, ${fmt(extract.length / 2 ** 20)} MiB)`, 3, () => get(`/v1/stats/cbt-extract?month=${YEAR}-03`));
  console.log(`  target: ICB-wide year at daily granularity under 1,000 ms: ${year < 1000 ? 'met' : 'NOT MET'}`);
  await app.close();

  // The same year in PostgreSQL, for the storage decision in docs/ARCHITECTURE.md.
  const psql = (sql: string) => spawnSync('psql', [PG_URL, '-v', 'ON_ERROR_STOP=1', '-qAt', '-f', '-'], { input: sql, encoding: 'utf8' });
  if (psql('select 1').status !== 0) {
    console.log(`PostgreSQL: not reachable at ${PG_URL} (psql); skipped`);
  } else {
    const schema = `stats_bench_${process.pid}`;
    const cols = Array.from({ length: FIELDS }, (_, i) => `c${i} integer not null default 0`).join(', ');
    const rows: string[] = [];
    const dayRows: string[] = [];
    for (const date of days) {
      const day = dayNumberOf(date);
      const intervals = await store.intervals(first, day);
      for (let i = 0; i < INTERVALS_PER_DAY; i++) {
        const c = intervals[i]!;
        if (c[0] !== 0) rows.push(`('${first.ods}','${date}',${i},${[...c].join(',')})`);
      }
      const d = readRecord(await redis.getBuffer(`sb:{${shard}}:stats:d:${first.ods}:${Math.floor(day / 32)}`), day % 32);
      dayRows.push(`('${first.ods}','${date}',${[...d].join(',')})`);
    }
    const ok = psql(`create schema ${schema};
      create table ${schema}.interval (practice text not null, day date not null, slot smallint not null, ${cols}, primary key (practice, day, slot));
      create table ${schema}.daily (practice text not null, day date not null, ${cols}, primary key (practice, day));
      insert into ${schema}.interval values ${rows.join(',')};
      insert into ${schema}.daily values ${dayRows.join(',')};`);
    if (ok.status !== 0) throw new Error(ok.stderr);
    const size = psql(`vacuum analyze ${schema}.interval; vacuum analyze ${schema}.daily; select pg_total_relation_size('${schema}.interval') + pg_total_relation_size('${schema}.daily')`);
    const pgBytes = Number(size.stdout.trim().split('\n').at(-1));
    console.log('PostgreSQL 15, the same practice-year (a row per practice-interval with calls, and per practice-day):');
    console.log(`  ${fmt(rows.length)} interval rows + 365 day rows: ${fmt(pgBytes / 1024)} KiB with primary keys (Redis: ${fmt(memory / 1024)} KiB in memory, ${fmt(aof / 1024)} KiB AOF)`);
    psql(`insert into ${schema}.interval select 'F8' || lpad(p::text, 4, '0'), day, slot, ${Array.from({ length: FIELDS }, (_, i) => `c${i}`).join(',')} from ${schema}.interval, generate_series(1, ${PRACTICES - 1}) p;
      insert into ${schema}.daily select 'F8' || lpad(p::text, 4, '0'), day, ${Array.from({ length: FIELDS }, (_, i) => `c${i}`).join(',')} from ${schema}.daily, generate_series(1, ${PRACTICES - 1}) p;
      vacuum analyze ${schema}.daily;`);
    const query = `select day, ${Array.from({ length: FIELDS }, (_, i) => `sum(c${i})`).join(',')} from ${schema}.daily where practice = any(array(select 'F8' || lpad(p::text, 4, '0') from generate_series(0, ${PRACTICES - 1}) p)) and day between '${YEAR}-01-01' and '${YEAR}-12-31' group by day order by day`;
    await timed(`SQL: ICB-wide year, daily, ${PRACTICES} practices (psql round trip included)`, 5, async () => {
      if (psql(query).status !== 0) throw new Error('query failed');
    });
    const explain = psql(`explain (analyze, timing off) ${query}`).stdout.match(/Execution Time: ([\d.]+) ms/);
    console.log(`  SQL execution time alone: ${explain?.[1] ?? '?'} ms`);
    psql(`drop schema ${schema} cascade`);
  }
} finally {
  redis.disconnect();
  server.child.kill('SIGKILL');
}
