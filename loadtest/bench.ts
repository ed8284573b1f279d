import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import twilio from 'twilio';
import { freePort, startPrivateRedis } from '../scripts/redis.mjs';
import { projectRoot } from '../shared/paths.js';
import { scenarioDirectory } from './directory.js';
import { generateLoad, type LoadRequest, type LoadResult } from './generator.js';
import { quantile } from './random.js';
import { loadScenario } from './scenario.js';

/**
 * `npm run bench`: the service's wait loop against the ceiling of a bare Fastify route, on this
 * machine with one load generator (generator.ts). Each run measures both routes' sustained maximum
 * and then the service's p99 at 70% of its own maximum; the medians of the runs are printed.
 */
const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '50' }, 'log-level': { type: 'string', default: 'info' }, profile: { type: 'string' } } });
const runs = Number(values.runs);
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const WAITING_CALLS = 200;

async function startNode(script: string, args: string[], env: Record<string, string>, port: number, nodeFlags: string[] = []): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...nodeFlags, join(projectRoot(), script), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 400; i++) {
    if (child.exitCode !== null) throw new Error(`${script} exited ${child.exitCode}`);
    const up = await fetch(`http://127.0.0.1:${port}/v1/twilio/wait`, { method: 'POST' }).then(() => true, () => false);
    if (up) return child;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${script} did not come up`);
}

const { yaml, practices } = scenarioDirectory(loadScenario('monday-8am-icb'));
const dir = mkdtempSync(join(tmpdir(), 'switchboard-bench-'));
writeFileSync(join(dir, 'directory.yaml'), yaml);
const redis = await startPrivateRedis({ dir });
const servicePort = await freePort();
const barePort = await freePort();
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

  // 200 callers waiting across the ICB's practices (nobody signed in to answer), each polled by the wait loop.
  const requests: LoadRequest[] = [];
  for (let i = 0; i < WAITING_CALLS; i++) {
    const p = practices[i % practices.length]!;
    const params = { CallSid: `CA${String(i).padStart(32, '0')}`, AccountSid: p.accountSid, From: `+447700${String(i).padStart(6, '0')}`, To: p.number, CallStatus: 'in-progress', Direction: 'inbound', ApiVersion: '2010-04-01' };
    const sign = (path: string) => twilio.getExpectedTwilioSignature(p.authToken, serviceUrl + path, params);
    const headers = (path: string) => ({ 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sign(path) });
    const voice = await fetch(`${serviceUrl}/v1/twilio/voice`, { method: 'POST', headers: headers('/v1/twilio/voice'), body: new URLSearchParams(params) });
    if (voice.status !== 200) throw new Error(`could not queue a caller: ${voice.status} ${await voice.text()}`);
    const path = `/v1/twilio/wait?practice=${p.ods}`;
    requests.push({ path, headers: headers(path), body: new URLSearchParams(params).toString() });
  }
  const load = (url: string, rate?: number): Promise<LoadResult> => generateLoad(url, requests, { seconds, connections, ...(rate ? { rate } : {}) });
  const check = (what: string, r: LoadResult) => {
    if (r.failures) throw new Error(`${what}: ${r.failures} requests failed or were not answered 200`);
  };

  console.log(`npm run bench: ${runs} runs of ${seconds} s per measurement, ${connections} connections, ${WAITING_CALLS} callers in the wait loop, service LOG_LEVEL=${values['log-level']}, ${cpus().length} × ${cpus()[0]?.model}, Node ${process.versions.node}`);
  await load(serviceUrl); // warm-up: JIT, connection pools, Lua script cache
  await load(`http://127.0.0.1:${barePort}`);
  const rows: { bare: number; service: number; ratio: number; at70: number; p99At70: number; p99Max: number }[] = [];
  for (let run = 1; run <= runs; run++) {
    const bare = await load(`http://127.0.0.1:${barePort}`);
    check('bare route', bare);
    const service = await load(serviceUrl);
    check('service', service);
    const at70 = await load(serviceUrl, Math.round(service.requestsPerSecond * 0.7));
    check('service at 70%', at70);
    const row = { bare: bare.requestsPerSecond, service: service.requestsPerSecond, ratio: service.requestsPerSecond / bare.requestsPerSecond, at70: at70.requestsPerSecond, p99At70: at70.p99, p99Max: service.p99 };
    rows.push(row);
    console.log(`run ${run}: bare ${Math.round(row.bare)} req/s · service ${Math.round(row.service)} req/s (p99 ${row.p99Max} ms) · ratio ${(100 * row.ratio).toFixed(1)}% · at 70% (${Math.round(row.at70)} req/s) p99 ${row.p99At70} ms`);
  }
  const median = (pick: (r: (typeof rows)[number]) => number) => quantile(rows.map(pick), 0.5);
  const ratio = median((r) => r.ratio);
  const p99 = median((r) => r.p99At70);
  console.log(`\nmedian of ${runs}: bare route ${Math.round(median((r) => r.bare))} req/s, service wait loop ${Math.round(median((r) => r.service))} req/s`);
  console.log(`ratio ${(100 * ratio).toFixed(1)}% of the bare route (target ≥ 40%: ${ratio >= 0.4 ? 'met' : 'MISSED'})`);
  console.log(`p99 at 70% of the service's maximum: ${p99} ms (target ≤ 25 ms: ${p99 <= 25 ? 'met' : 'MISSED'})`);
} finally {
  stop();
}
