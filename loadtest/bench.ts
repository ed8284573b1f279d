import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, startPrivateRedis } from '../scripts/redis.mjs';
import { scenarioDirectory } from './directory.js';
import { cpuMsOf } from './machine.js';
import { startNode, waitingCallers } from './bench-setup.js';
import { generateLoad, type LoadResult } from './generator.js';
import { quantile } from './random.js';
import { loadScenario } from './scenario.js';

/**
 * `npm run bench`: the service's wait loop against two ceilings on this machine, with one load
 * generator (generator.ts): a bare Fastify route, and the same route plus one ioredis Lua step (the
 * most a webhook needing one Redis round trip could do). Each run measures all three routes'
 * sustained maximum in turn, then the service's p99 at 70% of its own maximum, and the service's
 * CPU per request (process.cpuUsage of the service over its maximum run, which is robust to other
 * load on the machine) and Redis's (the one-Lua-step route and the wait loop share the machine's cores with it); the medians of the runs are printed with the machine's load average.
 */
const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '50' }, 'log-level': { type: 'string', default: 'info' }, profile: { type: 'string' } } });
const runs = Number(values.runs);
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const WAITING_CALLS = 200;
/** A rate every run can hold on a busy machine, for a CPU per request that does not move with throughput. */
const FIXED_RATE = 1000;


const { yaml, practices } = scenarioDirectory(loadScenario('monday-8am-icb'));
const dir = mkdtempSync(join(tmpdir(), 'switchboard-bench-'));
writeFileSync(join(dir, 'directory.yaml'), yaml);
const redis = await startPrivateRedis({ dir });
const servicePort = await freePort();
const barePort = await freePort();
const luaPort = await freePort();
const serviceUrl = `http://127.0.0.1:${servicePort}`;
const processes: ChildProcess[] = [];
// SIGTERM lets the service shut down cleanly (and write its --profile).
const stop = () => {
  for (const p of processes) p.kill('SIGTERM');
  redis.child.kill('SIGKILL');
};
process.on('SIGINT', () => (stop(), process.exit(130)));

try {
  processes.push(await startNode('dist/services/switchboard/main.js', [], { PORT: String(servicePort), HOST: '127.0.0.1', PUBLIC_URL: serviceUrl, REDIS_URL: redis.url, DIRECTORY_FILE: join(dir, 'directory.yaml'), LOG_LEVEL: values['log-level']!, TWILIO_API_BASE: 'http://127.0.0.1:9' }, servicePort, values.profile ? ['--cpu-prof', `--cpu-prof-dir=${values.profile}`] : []));
  processes.push(await startNode('dist/loadtest/bare-route.js', [String(barePort)], {}, barePort));
  processes.push(await startNode('dist/loadtest/bare-route.js', [String(luaPort), redis.url], {}, luaPort));

  // 200 callers waiting across the ICB's practices (nobody signed in to answer), each polled by the wait loop.
  const requests = await waitingCallers(serviceUrl, serviceUrl, practices, WAITING_CALLS);
  const load = (url: string, rate?: number): Promise<LoadResult> => generateLoad(url, requests, { seconds, connections, ...(rate ? { rate } : {}) });
  const check = (what: string, r: LoadResult) => {
    if (r.failures) throw new Error(`${what}: ${r.failures} requests failed or were not answered 200`);
  };

  console.log(`npm run bench: ${runs} runs of ${seconds} s per measurement, ${connections} connections, ${WAITING_CALLS} callers in the wait loop, service LOG_LEVEL=${values['log-level']}, ${cpus().length} × ${cpus()[0]?.model}, Node ${process.versions.node}`);
  await load(serviceUrl); // warm-up: JIT, connection pools, Lua script cache
  await load(`http://127.0.0.1:${barePort}`);
  await load(`http://127.0.0.1:${luaPort}`);
  const rows: { bare: number; lua: number; service: number; ratio: number; cpu: { bare: number; lua: number; service: number; fixed: number }; redisCpu: { lua: number; service: number }; at70: number; p99At70: number; p99Max: number }[] = [];
  const load1 = () => loadavg()[0]!.toFixed(1);
  /** A closed-loop maximum, with the CPU the answering process spent per request (robust to whatever else the machine runs). */
  const measure = async (what: string, url: string, pid: number) => {
    const [before, redisBefore] = [cpuMsOf(pid), cpuMsOf(redisPid)];
    const r = await load(url);
    check(what, r);
    const served = Math.max(1, r.requestsPerSecond * seconds);
    return { ...r, cpuMs: (cpuMsOf(pid) - before) / served, redisCpuMs: (cpuMsOf(redisPid) - redisBefore) / served };
  };
  const [servicePid, barePid, luaPid] = processes.map((p) => p.pid!) as [number, number, number];
  const redisPid = redis.child.pid!;
  for (let run = 1; run <= runs; run++) {
    const bare = await measure('bare route', `http://127.0.0.1:${barePort}`, barePid);
    const lua = await measure('bare route + one Lua step', `http://127.0.0.1:${luaPort}`, luaPid);
    const service = await measure('service', serviceUrl, servicePid);
    const at70 = await load(serviceUrl, Math.round(service.requestsPerSecond * 0.7));
    check('service at 70%', at70);
    // CPU per request depends on load (busier, more requests share each socket write): also at one fixed rate.
    const cpuBefore = cpuMsOf(servicePid);
    const fixed = await load(serviceUrl, FIXED_RATE);
    check(`service at ${FIXED_RATE} req/s`, fixed);
    const cpuAtFixed = (cpuMsOf(servicePid) - cpuBefore) / Math.max(1, fixed.requestsPerSecond * seconds);
    const row = { bare: bare.requestsPerSecond, lua: lua.requestsPerSecond, service: service.requestsPerSecond, ratio: service.requestsPerSecond / bare.requestsPerSecond, cpu: { bare: bare.cpuMs, lua: lua.cpuMs, service: service.cpuMs, fixed: cpuAtFixed }, redisCpu: { lua: lua.redisCpuMs, service: service.redisCpuMs }, at70: at70.requestsPerSecond, p99At70: at70.p99, p99Max: service.p99 };
    rows.push(row);
    const ms = (n: number) => `${n.toFixed(3)} ms CPU`;
    console.log(`run ${run}: bare ${Math.round(row.bare)} req/s (${ms(row.cpu.bare)}) · bare + one Lua step ${Math.round(row.lua)} (${ms(row.cpu.lua)}, Redis ${ms(row.redisCpu.lua)}) · service wait loop ${Math.round(row.service)} (${ms(row.cpu.service)}, Redis ${ms(row.redisCpu.service)}, p99 ${row.p99Max} ms) · ratio ${(100 * row.ratio).toFixed(1)}% · at 70% (${Math.round(row.at70)} req/s) p99 ${row.p99At70} ms · at ${FIXED_RATE} req/s ${ms(row.cpu.fixed)} · load average ${load1()}`);
  }
  const median = (pick: (r: (typeof rows)[number]) => number) => quantile(rows.map(pick), 0.5);
  const ratio = median((r) => r.ratio);
  const cpuRatio = median((r) => r.cpu.bare / r.cpu.service);
  const p99 = median((r) => r.p99At70);
  console.log(`\nmedian of ${runs} (load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')}): bare route ${Math.round(median((r) => r.bare))} req/s, bare + one Lua step ${Math.round(median((r) => r.lua))} req/s, service wait loop ${Math.round(median((r) => r.service))} req/s`);
  console.log(`CPU per request: bare ${median((r) => r.cpu.bare).toFixed(3)} ms, bare + one Lua step ${median((r) => r.cpu.lua).toFixed(3)} ms, service wait loop ${median((r) => r.cpu.service).toFixed(3)} ms (at ${FIXED_RATE} req/s: ${median((r) => r.cpu.fixed).toFixed(3)} ms); Redis's CPU per request: one Lua step ${median((r) => r.redisCpu.lua).toFixed(3)} ms, wait loop ${median((r) => r.redisCpu.service).toFixed(3)} ms`);
  console.log(`wait loop / bare: ${(100 * ratio).toFixed(1)}% by req/s, ${(100 * cpuRatio).toFixed(1)}% by CPU per request (target ≥ 65%: ${ratio >= 0.65 ? 'met' : 'MISSED'} by req/s, ${cpuRatio >= 0.65 ? 'met' : 'MISSED'} by CPU); one Lua step / bare: ${(100 * median((r) => r.lua / r.bare)).toFixed(1)}% by req/s, ${(100 * median((r) => r.cpu.bare / r.cpu.lua)).toFixed(1)}% by CPU`);
  console.log(`p99 at 70% of the service's maximum: ${p99} ms (target ≤ 25 ms: ${p99 <= 25 ? 'met' : 'MISSED'})`);
} finally {
  stop();
}
