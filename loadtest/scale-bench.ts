import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, startPrivateRedis, startPrivateRedisCluster, stopChild } from '../scripts/redis.mjs';
import { startNode, waitingCallers } from './bench-setup.js';
import { capCpu } from './cpu-cap.js';
import { scenarioDirectory } from './directory.js';
import { generateLoad, type LoadResult } from './generator.js';
import { cpuMsOf } from './machine.js';
import { quantile } from './random.js';
import { loadScenario } from './scenario.js';

/**
 * `npm run bench:scale`: does throughput grow with service processes? Each process is capped at the
 * same share of a core (`--cores`, a cgroup each: cpu-cap.ts), so on a small machine N processes
 * fit beside Redis and the load generator, and N of them should carry N times one's wait-loop
 * traffic, on one Redis or (`--cluster`) on a Redis Cluster. Each process gets `--connections` of
 * the generator's (the same traffic each, as a load balancer would share a growing load; fewer
 * requests in flight per process would cost each more, see loadtest/README.md); each round reports the total and each
 * process's req/s, the CPU each process used (at its cap when it is the limit), Redis's and the
 * generator's own CPU, and the scaling: req/s with N ÷ (N × req/s with one). `--profile DIR`: each
 * service process writes a V8 CPU profile there (summarise with profile-summary.js).
 */
const { values } = parseArgs({ options: { processes: { type: 'string', default: '1,2,3' }, cores: { type: 'string', default: '0.3' }, cluster: { type: 'boolean', default: false }, runs: { type: 'string', default: '2' }, seconds: { type: 'string', default: '8' }, connections: { type: 'string', default: '16' }, profile: { type: 'string' } } });
const counts = values.processes!.split(',').map(Number);
const cores = Number(values.cores);
const runs = Number(values.runs);
const seconds = Number(values.seconds);
const connections = Number(values.connections);
if (counts.some((n) => !Number.isInteger(n) || n < 1) || !(cores > 0) || !(runs >= 1) || !(seconds > 0) || !(connections >= 1)) {
  console.error('usage: npm run bench:scale -- [--processes 1,2,3] [--cores 0.3] [--cluster] [--runs 2] [--seconds 8] [--connections 16] [--profile DIR]');
  process.exit(2);
}
const WAITING_CALLS = 200;
/** Signed for one public address, as behind a load balancer: any process may answer any webhook. */
const PUBLIC_URL = 'https://switchboard.bench.example';


const { yaml, practices } = scenarioDirectory(loadScenario('monday-8am-icb'));
const dir = mkdtempSync(join(tmpdir(), 'switchboard-scale-'));
writeFileSync(join(dir, 'directory.yaml'), yaml);
const redisNodes = values.cluster ? (await startPrivateRedisCluster({ dir })).nodes.map((n) => ({ address: `${n.host}:${n.port}`, child: n.child as ChildProcess })) : [await startPrivateRedis({ dir })].map((r) => ({ address: r.url.slice('redis://'.length), child: r.child as ChildProcess }));
const redisEnv: Record<string, string> = values.cluster ? { REDIS_CLUSTER_NODES: redisNodes.map((n) => n.address).join(',') } : { REDIS_URL: `redis://${redisNodes[0]!.address}` };
const services: { child: ChildProcess; url: string; uncap: () => void }[] = [];
/** The services first (a Redis that vanishes under them sends their clients reconnecting), then Redis. */
const stop = async () => {
  await Promise.all(
    services.map(async (s) => {
      await stopChild(s.child, 'SIGTERM');
      s.uncap();
    }),
  );
  for (const n of redisNodes) n.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
};
process.on('SIGINT', () => void stop().finally(() => process.exit(130)));

try {
  // As many processes as the largest round, all capped from the start; a round sends load to its first N.
  for (let i = 0; i < Math.max(...counts); i++) {
    const port = await freePort();
    const child = await startNode('dist/services/switchboard/main.js', [], { ...redisEnv, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL, DIRECTORY_FILE: join(dir, 'directory.yaml'), LOG_LEVEL: 'info', TWILIO_API_BASE: 'http://127.0.0.1:9' }, port, values.profile ? ['--cpu-prof', `--cpu-prof-dir=${values.profile}`] : []);
    services.push({ child, url: `http://127.0.0.1:${port}`, uncap: () => {} });
    services[i]!.uncap = capCpu(child.pid!, cores);
  }
  const requests = await waitingCallers(services[0]!.url, PUBLIC_URL, practices, WAITING_CALLS);
  console.log(`npm run bench:scale: service processes ${counts.join(', ')}, each capped at ${cores} of a core, on ${values.cluster ? `a Redis Cluster of ${redisNodes.length} masters` : 'one Redis'}; ${runs} runs of ${seconds} s, ${connections} connections to each process, ${WAITING_CALLS} callers in the wait loop; ${cpus().length} × ${cpus()[0]?.model}, Node ${process.versions.node}`);

  /** One closed-loop round against the first `n` processes. */
  const round = async (n: number) => {
    const targets = services.slice(0, n);
    const before = { services: targets.map((s) => cpuMsOf(s.child.pid!)), redis: redisNodes.map((r) => cpuMsOf(r.child.pid!)), generator: cpuMsOf('self'), at: performance.now() };
    const results: LoadResult[] = await Promise.all(targets.map((s) => generateLoad(s.url, requests, { seconds, connections })));
    const wallMs = performance.now() - before.at;
    const failures = results.reduce((sum, r) => sum + r.failures, 0);
    if (failures) throw new Error(`${n} processes: ${failures} requests failed or were not answered 200`);
    const share = (ms: number) => ms / wallMs;
    return {
      n,
      total: results.reduce((sum, r) => sum + r.requestsPerSecond, 0),
      each: results.map((r) => r.requestsPerSecond),
      p99: Math.max(...results.map((r) => r.p99)),
      serviceCores: targets.map((s, i) => share(cpuMsOf(s.child.pid!) - before.services[i]!)),
      redisCores: redisNodes.reduce((sum, r, i) => sum + share(cpuMsOf(r.child.pid!) - before.redis[i]!), 0),
      generatorCores: share(cpuMsOf('self') - before.generator),
      load: loadavg()[0]!,
    };
  };
  // Warm-up (JIT, connection pools, Lua script caches) until a round's throughput settles: a capped
  // process compiles slowly, its compiler threads sharing its cap.
  for (let last = 0, i = 0; i < 12; i++) {
    const { total } = await round(Math.max(...counts));
    if (Math.abs(total - last) < 0.05 * total) break;
    last = total;
  }
  const rounds: Awaited<ReturnType<typeof round>>[] = [];
  const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
  for (let run = 1; run <= runs; run++) {
    for (const n of counts) {
      const r = await round(n);
      rounds.push(r);
      console.log(`run ${run}, ${n} process${n > 1 ? 'es' : ''}: ${Math.round(r.total)} req/s (each ${r.each.map(Math.round).join(' / ')}), p99 ${r.p99} ms · service CPU ${r.serviceCores.map(pct).join(' / ')} of a core · Redis ${pct(r.redisCores)} · generator ${pct(r.generatorCores)} · load average ${r.load.toFixed(1)}`);
    }
  }
  const median = (n: number, pick: (r: (typeof rounds)[number]) => number) => quantile(rounds.filter((r) => r.n === n).map(pick), 0.5);
  const one = counts.includes(1) ? median(1, (r) => r.total) : undefined;
  console.log(`\nmedians of ${runs} runs (load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')}):`);
  console.log('| processes | req/s | per process | scaling (÷ N × one) | p99 | service CPU, each | Redis CPU | generator CPU |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const n of counts) {
    const total = median(n, (r) => r.total);
    const scaling = one ? `${(100 * (total / (n * one))).toFixed(0)}%` : '—';
    console.log(`| ${n} | ${Math.round(total)} | ${Math.round(total / n)} | ${scaling} | ${median(n, (r) => r.p99)} ms | ${pct(median(n, (r) => quantile(r.serviceCores, 0.5)))} | ${pct(median(n, (r) => r.redisCores))} | ${pct(median(n, (r) => r.generatorCores))} |`);
  }
} finally {
  await stop();
}
