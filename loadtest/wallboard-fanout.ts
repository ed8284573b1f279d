/**
 * Benchmark: 2,000 open wallboard sockets during a morning rush.
 *
 *   npm run build && node dist/loadtest/wallboard-fanout.js [sockets] [callers] [callsPerSecond]
 *
 * Starts a private redis-server and two Switchboard processes (as production runs them: they share
 * Redis and nothing else), opens the sockets against both (a PCN of four practices: each practice
 * screen and the PCN screen), then plays a rush of callers joining the queues through the queue
 * layer itself. Fan-out latency is measured per event and per screen: from just before the
 * event's script is sent to Redis until the screen receives the first message that shows it
 * (waiting count reached). Memory per socket is the growth of the two processes' resident memory
 * from before the sockets opened to after, divided by the number of sockets.
 */
import { SERVICE_NODE_FLAGS } from '../services/switchboard/node-flags.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { CallQueue } from '../shared/queue/queue.js';
import { projectRoot } from '../shared/paths.js';

// scripts/ is not compiled into dist/: load it from the project itself.
const { freePort, startPrivateRedis } = (await import(pathToFileURL(join(projectRoot(), 'scripts/redis.mjs')).href)) as typeof import('../scripts/redis.mjs');

const SOCKETS = Number(process.argv[2] ?? 2000);
const CALLERS = Number(process.argv[3] ?? 400);
const RATE = Number(process.argv[4] ?? 20);
const PRACTICES = ['F10001', 'F10002', 'F10003', 'F10004'];
const PCN = 'U10000';
const TOKEN = 'loadtest-pcn-token';

function directoryYaml(): string {
  const practices = PRACTICES.map(
    (ods, i) => `  - ods: ${ods}
    name: Practice ${i + 1}
    pcn: ${PCN}
    numbers: ["+4413751000${String(i).padStart(2, '0')}"]
    provider: { kind: twilio, accountSid: AC${String(i + 1).padStart(32, '0')}, authToken: loadtest-secret-${i} }
    teams: [{ id: reception, name: Reception }]`,
  );
  const staff = PRACTICES.flatMap((ods, i) => Array.from({ length: 8 }, (_, s) => `  - { id: s${i}-${s}, name: Staff ${i}-${s}, practice: ${ods}, endpoint: "sip:s${i}-${s}@example.org", teams: [reception] }`));
  return `icb: { code: QH8, name: Load test ICB }
pcns: [{ code: ${PCN}, name: Load test PCN }]
practices:
${practices.join('\n')}
staff:
${staff.join('\n')}
access:
  - { token: ${TOKEN}, role: pcn, pcn: ${PCN} }
`;
}

async function startService(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, join(projectRoot(), 'dist/services/switchboard/main.js')], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    if (await fetch(`${url}/healthz`).then((r) => r.ok, () => false)) return { url, child };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('switchboard did not start');
}

const rssKb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
const pctl = (sorted: number[], p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

interface Screen {
  scope: string;
  /** receive time of the first message showing each waiting count */
  seen: Map<number, number>;
  messages: number;
}

async function openScreen(url: string, scope: Record<string, string>): Promise<Screen> {
  const res = await fetch(`${url}/v1/live/tickets`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
  const { ticket } = (await res.json()) as { ticket: string };
  const screen: Screen = { scope: Object.values(scope)[0]!, seen: new Map(), messages: 0 };
  const ws = new WebSocket(`${url.replace('http', 'ws')}/v1/live`);
  await new Promise<void>((resolve, reject) => {
    ws.on('message', (data) => {
      const now = performance.timeOrigin + performance.now();
      const m = JSON.parse(String(data)) as { type: string; snapshot?: { live: { waiting: number } }; sections?: { live?: { waiting: number } } };
      if (m.type === 'ready') ws.send(JSON.stringify({ type: 'subscribe', scope }));
      const live = m.snapshot?.live ?? m.sections?.live;
      if (m.type === 'snapshot') resolve();
      if (m.type === 'update') screen.messages++;
      if (live && !screen.seen.has(live.waiting)) screen.seen.set(live.waiting, now);
    });
    ws.on('open', () => ws.send(JSON.stringify({ type: 'auth', ticket })));
    ws.on('error', reject);
  });
  return screen;
}

async function main() {
  const redisServer = await startPrivateRedis();
  const file = join(mkdtempSync(join(tmpdir(), 'switchboard-bench-')), 'directory.yaml');
  writeFileSync(file, directoryYaml());
  const env = { REDIS_URL: redisServer.url, DIRECTORY_FILE: file, SWEEP_INTERVAL_MS: '1000' };
  const services = await Promise.all([startService(env), startService(env)]);
  await new Promise((r) => setTimeout(r, 500));
  const rssBefore = services.map((s) => rssKb(s.child.pid!));

  const scopes: Record<string, string>[] = [...PRACTICES.map((practice) => ({ practice })), { pcn: PCN }];
  const screens: Screen[] = [];
  const openStart = Date.now();
  for (let i = 0; i < SOCKETS; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, SOCKETS - i) }, (_, j) => openScreen(services[(i + j) % 2]!.url, scopes[(i + j) % scopes.length]!).then((s) => screens.push(s))));
  }
  const openMs = Date.now() - openStart;
  await new Promise((r) => setTimeout(r, 1000));
  const rssAfter = services.map((s) => rssKb(s.child.pid!));

  // The rush: callers join the four practices' queues in turn, at RATE per second.
  const redis = new Redis(redisServer.url);
  const queue = new CallQueue(redis, 'sb:');
  const sentAt: { practice: string; waitingInPractice: number; waitingInPcn: number; at: number }[] = [];
  const perPractice = new Map(PRACTICES.map((p) => [p, 0]));
  const rushStart = Date.now();
  for (let i = 0; i < CALLERS; i++) {
    const practice = PRACTICES[i % PRACTICES.length]!;
    perPractice.set(practice, perPractice.get(practice)! + 1);
    const at = performance.timeOrigin + performance.now();
    sentAt.push({ practice, waitingInPractice: perPractice.get(practice)!, waitingInPcn: i + 1, at });
    await queue.enqueue(PCN, { callId: `bench:${i}`, team: `${practice}.reception`, practice, from: `+447700${String(900000 + i)}`, provider: 'bench', providerCallId: String(i) }, Date.now());
    const next = rushStart + ((i + 1) * 1000) / RATE;
    await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
  }
  await new Promise((r) => setTimeout(r, 2000));

  const latencies: number[] = [];
  let missed = 0;
  for (const screen of screens) {
    for (const e of sentAt) {
      if (screen.scope !== PCN && screen.scope !== e.practice) continue;
      const target = screen.scope === PCN ? e.waitingInPcn : e.waitingInPractice;
      // The first message showing this many waiting, or more (a coalesced message covers several events).
      let first = Infinity;
      for (const [waiting, t] of screen.seen) if (waiting >= target && t < first) first = t;
      if (first === Infinity) missed++;
      else latencies.push(first - e.at);
    }
  }
  latencies.sort((a, b) => a - b);
  const messages = screens.reduce((n, s) => n + s.messages, 0);
  const rushSeconds = (CALLERS / RATE);
  const growthKb = rssAfter.reduce((a, b) => a + b, 0) - rssBefore.reduce((a, b) => a + b, 0);

  console.log('\nWallboard fan-out benchmark');
  console.log(`  sockets open:              ${screens.length} (two service processes, ${scopes.length} scopes; opened in ${openMs} ms)`);
  console.log(`  rush:                      ${CALLERS} callers joining over ${rushSeconds.toFixed(0)} s (${RATE}/s)`);
  console.log(`  event → screen latency:    p50 ${pctl(latencies, 50).toFixed(0)} ms, p99 ${pctl(latencies, 99).toFixed(0)} ms, max ${latencies.at(-1)?.toFixed(0)} ms over ${latencies.length} event×screen pairs; ${missed} never seen`);
  console.log(`  messages per screen:       ${(messages / screens.length / rushSeconds).toFixed(2)} per second during the rush (coalesced; events per practice screen: ${(RATE / PRACTICES.length).toFixed(1)}/s, per PCN screen ${RATE}/s)`);
  console.log(`  memory per socket:         ${(growthKb / screens.length).toFixed(1)} KB resident (processes grew ${(growthKb / 1024).toFixed(1)} MB for ${screens.length} sockets)`);

  redis.disconnect();
  for (const s of services) s.child.kill('SIGKILL');
  redisServer.child.kill('SIGKILL');
  process.exit(missed === 0 ? 0 : 1);
}

await main();
