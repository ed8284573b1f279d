import { SERVICE_NODE_FLAGS } from '../services/switchboard/node-flags.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, startPrivateRedis, startPrivateRedisCluster, stopChild } from '../scripts/redis.mjs';
import { londonMidnight, londonWallClock } from '../shared/london-time.js';
import { projectRoot } from '../shared/paths.js';
import { scenarioDirectory, type SimPractice } from './directory.js';
import { CallerSide, inBatches, type CallerResults } from './callers.js';
import type { RouteCpu } from './cpu-by-route.js';
import { countsSince, redisCommandCounts, sampleProcesses, type ProcessUsage } from './machine.js';
import type { Scenario } from './scenario.js';
import { SpreadCallers } from './simulator-workers.js';

export { announcedSeconds } from './callers.js';

/** Overrides for one run, e.g. a real-time slice of the England scenario or a seconds-long smoke run. */
export interface RunOptions {
  speed?: number;
  practices?: number;
  /** Only the first N minutes of the arrival curve. */
  minutes?: number;
  drainMinutes?: number;
  /** Play the same morning this many weeks earlier first (same Redis), so the service has a history to learn from; default 0. */
  historyWeeks?: number;
  /** Extra environment for the service process (e.g. LOG_LEVEL). */
  serviceEnv?: Record<string, string>;
  /** Write the service's V8 CPU profile (.cpuprofile) into this directory. */
  profileDir?: string;
  /** Service processes sharing the one Redis (default 1): each PCN's calls ring in at one of them, any may handle them after. */
  processes?: number;
  /** A private three-master Redis Cluster (REDIS_CLUSTER_NODES) instead of one redis-server. */
  cluster?: boolean;
  /** Worker processes for the simulator (default 0: callers and emulator in this process), each with its own emulator for a share of the PCNs. */
  simulatorWorkers?: number;
  log?: (line: string) => void;
}

/** One call attempt by a simulated caller, as the caller lived it. Times are real ms since the epoch. */
export interface CallerAttempt {
  practice: string;
  from: string;
  attempt: number;
  placedAt: number;
  sid?: string;
  /** The service could not take the call: the caller heard an engaged tone or an error. */
  engaged: boolean;
  bridgedAt?: number;
  /** The caller ran out of patience and hung up. */
  abandoned: boolean;
  /** Still waiting when the run stopped (hung up by the simulator). */
  cutOff: boolean;
  endedAt?: number;
  /** The first wait the caller was told, in seconds (undefined when none was given), when, and the place in the queue told with it. */
  announcedWait?: { seconds: number; at: number; position?: number };
  /** What the caller pressed at the menu, if there was one. */
  menuChoice?: string;
  /** The caller took a call-back: kept their place and hung up (told to expect a call in `promisedSeconds`). */
  callbackRequested?: { at: number; promisedSeconds?: number };
  errors: string[];
  /** The last thing the caller heard (to diagnose a lost call). */
  lastHeard?: string;
  /** The service's call record for this call, once read back. */
  record?: Record<string, unknown>;
}

export interface RunResult {
  scenario: Scenario;
  speed: number;
  practices: number;
  arrivalMinutes: number;
  startedAt: number;
  arrivalsEndAt: number;
  /** When the simulator stopped the run and hung up whoever was left (webhooks after it are teardown). */
  stoppedAt: number;
  endedAt: number;
  attempts: CallerAttempt[];
  /** Per simulated minute from opening: callers waiting and staff signed in. */
  queue: { minute: number; waiting: number; talking: number }[];
  webhooks: { route: string; status: number; ms: number; at: number }[];
  liveCallUpdates: Map<number, number>;
  redisCommands: Map<string, number>;
  processes: ProcessUsage[];
  serviceErrors: string[];
  /** Calls whose record could not be found or disagrees with what the caller lived. */
  unaccounted: string[];
  /** Rings of staff phones nobody answered (the service sets that person away until the roster signs them in again): when the ring started, and whose phone. */
  missedRings: { at: number; endpoint: string }[];
  /** Every call-back the service holds at the end of the run, as its API lists them. */
  callbacks: CallbackOutcome[];
  /** The service's own webhook latency histogram when the run stopped: cumulative share of webhooks within each bound (seconds). */
  serviceLatency: { le: number; share: number }[];
  /** The service's CPU between the run's start and stop, split by route (loadtest/cpu-by-route.ts), all processes together. */
  cpuByRoute: RouteCpu[];
  /** Event-loop delay (ms) over the run, of the service (from its /metrics) and of the simulator: a stalled process delays every webhook it handles. */
  eventLoop: { service: { p99: number; max: number }; simulator: { p99: number; max: number } };
  /** With simulator workers: each worker's event-loop delay (ms) over the run (its CPU is in `processes`). */
  simulatorWorkers: { pid: number; eventLoop: { p99: number; max: number } }[];
  /** The history mornings played first (`historyWeeks`), oldest first: their callers, for what a planner may learn before the measured morning. */
  history?: HistoryMorning[];
}

/** A morning of history: when it started (ms, the simulator's clock), at what speed, and its callers' attempts with their records. */
export interface HistoryMorning {
  startedAt: number;
  speed: number;
  attempts: CallerAttempt[];
}

/** A call-back as GET /v1/practices/:ods/callbacks shows it. */
export interface CallbackOutcome {
  id: string;
  status: string;
  /** The team that makes it ("<practice>.reception", "<pcn>.medicines"). */
  team: string;
  attempts: number;
  requestedAt: string;
  answeredAt: string | null;
  originCallId: string | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The run's services and Redis servers: killed however the simulator ends, a crash included, so none is left behind. */
const children = new Set<ChildProcess>();
process.once('exit', () => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));
const owned = <T extends ChildProcess>(child: T): T => {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
};

async function startService(env: Record<string, string>, port: number, nodeFlags: string[]): Promise<{ child: ChildProcess; output: string[] }> {
  const output: string[] = [];
  const child = owned(spawn(process.execPath, [...nodeFlags, join(projectRoot(), 'dist/services/switchboard/main.js')], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
  const keep = (d: Buffer) => {
    for (const line of String(d).split('\n')) if (line && output.length < 10_000) output.push(line);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  for (let i = 0; i < 400; i++) {
    if (child.exitCode !== null) throw new Error(`switchboard exited ${child.exitCode}: ${output.join('\n')}`);
    if (await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false)) return { child, output };
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error(`switchboard did not come up: ${output.join('\n')}`);
}

/**
 * Plays a scenario against a real Switchboard process and a private Redis, on 127.0.0.1 only:
 * callers ring in on the scenario's curve through the provider emulator, wait, give up and redial;
 * staff sign in by roster, answer (or not) and talk. Afterwards every call is checked against the
 * service's own call records.
 */
export async function runScenario(scenario: Scenario, opts: RunOptions = {}): Promise<RunResult> {
  const { yaml } = scenarioDirectory(scenario, opts.practices);
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-load-'));
  const directoryFile = join(dir, 'directory.yaml');
  writeFileSync(directoryFile, yaml);
  const redisNodes = opts.cluster ? (await startPrivateRedisCluster({ dir })).nodes.map((n) => ({ url: `redis://${n.host}:${n.port}`, child: n.child })) : [await startPrivateRedis({ dir })];
  for (const n of redisNodes) owned(n.child);
  const redisEnv: Record<string, string> = opts.cluster ? { REDIS_CLUSTER_NODES: redisNodes.map((n) => n.url.slice('redis://'.length)).join(',') } : { REDIS_URL: redisNodes[0]!.url };
  // One connection per node: INFO commandstats is per node.
  const nodeClients = redisNodes.map((n) => new Redis(n.url, { maxRetriesPerRequest: 1 }));
  const store: Store = { dir, redisEnv, redisNodes, nodeClients, directoryFile };
  try {
    // Past weeks first, into the same Redis, each on a clock set that many weeks back: the service
    // learns from them as from a practice's own history. Every morning then opens at 08:00 London
    // today (less the weeks), so last week's quarter hours are this week's.
    const weeks = opts.historyWeeks ?? 0;
    const eight = weeks > 0 ? londonMidnight(londonWallClock(Date.now()).date) + 8 * 3_600_000 : undefined;
    const history: HistoryMorning[] = [];
    for (let week = weeks; week >= 1; week--) {
      (opts.log ?? (() => undefined))(`history: the same morning ${week} week(s) earlier`);
      const past = await play(scenario, { ...opts, log: undefined, profileDir: undefined }, store, eight! - week * WEEK_MS, week);
      history.push({ startedAt: past.startedAt, speed: past.speed, attempts: past.attempts });
    }
    return { ...(await play(scenario, opts, store, eight)), history };
  } finally {
    for (const c of nodeClients) c.disconnect();
    await Promise.all(redisNodes.map((n) => stopChild(n.child)));
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The Redis a run's mornings share (one server or a cluster's nodes), and the run's folder and directory file. */
interface Store {
  dir: string;
  redisEnv: Record<string, string>;
  redisNodes: { url: string; child: ChildProcess }[];
  nodeClients: Redis[];
  directoryFile: string;
}

const WEEK_MS = 7 * 86_400_000;

/** One morning against a fresh service process on `redis`; `clockStart`: the service's clock starts there (a past week), `seedOffset` draws that week's own callers. */
async function play(scenario: Scenario, opts: RunOptions, store: Store, clockStart?: number, seedOffset = 0): Promise<RunResult> {
  const log = opts.log ?? (() => undefined);
  const speed = opts.speed ?? scenario.speed;
  const timeScale = 1000 / speed; // real ms per simulated second
  const arrivalMinutes = Math.min(opts.minutes ?? scenario.arrivalMinutes, scenario.arrivalMinutes);
  const drainMinutes = opts.drainMinutes ?? scenario.drainMinutes;
  const { practices } = scenarioDirectory(scenario, opts.practices);
  const { redisNodes, nodeClients, directoryFile } = store;
  // The callers and the provider emulator: in this process, or spread over worker processes.
  const spread = (opts.simulatorWorkers ?? 0) > 0 ? new SpreadCallers(opts.simulatorWorkers!) : undefined;
  const local = spread ? undefined : new CallerSide();
  const callers = (spread ?? local)!;
  const apiBase = await callers.start();
  const nodeFlags = [...SERVICE_NODE_FLAGS, '--import', join(projectRoot(), 'dist/loadtest/cpu-by-route.js'), ...(opts.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.profileDir}`] : [])];
  const cpuFiles: string[] = [];
  const services: { child: ChildProcess; output: string[]; url: string }[] = [];
  // The service's clock reads `since` when it starts (at about `serviceUpAt`), then runs at `speed`.
  const since = clockStart ?? Date.now();
  const serviceUpAt = Date.now();
  try {
    for (let i = 0; i < (opts.processes ?? 1); i++) {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      cpuFiles.push(join(store.dir, `cpu-by-route-${seedOffset}-${i}.json`));
      const env = { PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: url, ...store.redisEnv, DIRECTORY_FILE: directoryFile, TWILIO_API_BASE: apiBase, CLOCK_SPEED: String(speed), LOG_LEVEL: 'warn', LOADTEST_CPU_BY_ROUTE: cpuFiles[i]!, ...(clockStart === undefined ? {} : { CLOCK_START: new Date(clockStart).toISOString() }), ...opts.serviceEnv };
      services.push({ ...(await startService(env, port, nodeFlags)), url });
    }
    // The staff, practice and records APIs are asked of the first process; any would do.
    const url = services[0]!.url;
    const signal = () => services.forEach((s) => s.child.kill('SIGUSR2'));
    log(`${scenario.name}: ${practices.length} practice(s), ${arrivalMinutes} min of arrivals at ${speed}x, service pid(s) ${services.map((s) => s.child.pid).join(', ')}${spread ? `, simulator worker pid(s) ${spread.pids.join(', ')}` : ''}`);

    // Staff rosters: who is signed in from each minute after opening.
    const presenceErrors: string[] = [];
    const presence = async (practice: SimPractice, staffId: string, state: 'available' | 'offline') => {
      // A service too busy to accept the request is a finding of the run, not the end of it.
      const status = await fetch(`${url}/v1/staff/${staffId}/presence`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${practice.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ state }),
      }).then((res) => String(res.status), (err: Error) => err.message);
      if (status !== '200') presenceErrors.push(`presence ${staffId}: ${status}`);
    };
    const setPresence = async (practice: SimPractice, signedIn: number) => {
      await Promise.all(practice.staff.map((s, i) => presence(practice, s.id, i < signedIn ? 'available' : 'offline')));
    };

    // Staff sign in before the lines open, as they do at 8am; the clock of the run starts after.
    const roster = [...scenario.practices.roster].sort((a, b) => a.fromMinute - b.fromMinute);
    await inBatches(practices, 50, async (p) => {
      await setPresence(p, roster[0]!.staff);
      await Promise.all(p.teamStaff.map((s) => presence(p, s.id, 'available')));
    });
    const before = await redisCommandCounts(nodeClients);
    const simulatorProcesses = spread ? [{ name: 'simulator (callers; Calls API forwarding)', pid: 'self' as const }, ...spread.pids.map((pid, i) => ({ name: `simulator worker ${i + 1} (load generator + provider emulator)`, pid }))] : [{ name: 'simulator (load generator + provider emulator)', pid: 'self' as const }];
    const sampler = sampleProcesses([...services.map((s, i) => ({ name: services.length > 1 ? `switchboard ${i + 1}` : 'switchboard', pid: s.child.pid! })), ...redisNodes.map((n, i) => ({ name: redisNodes.length > 1 ? `redis-server ${i + 1}` : 'redis-server', pid: n.child.pid! })), ...simulatorProcesses]);
    await readServiceMetrics(services); // starts the services' event-loop gauges afresh for the run
    signal(); // and their CPU split (cpu-by-route.ts)
    const startedAt = Date.now() + 500;
    const timers = new Set<NodeJS.Timeout>();
    for (const step of roster.slice(1)) {
      if (step.fromMinute < arrivalMinutes + drainMinutes) {
        const t = setTimeout(() => (timers.delete(t), void inBatches(practices, 50, (p) => setPresence(p, step.staff))), Math.max(0, startedAt + step.fromMinute * 60 * timeScale - Date.now()));
        timers.add(t);
      }
    }
    // Each PCN's calls ring in at one of the service processes.
    const plan = { scenario, practices: practices.map((practice, i) => ({ practice, serviceUrl: services[Math.floor(i / scenario.practices.perPcn) % services.length]!.url })), seed: scenario.seed + seedOffset, side: 0, timeScale, startedAt, arrivalMinutes };
    if (spread) spread.begin(plan, scenario.practices.perPcn);
    else local!.begin(plan);

    // Queue length each simulated minute, from the callers' side.
    const queue: RunResult['queue'] = [];
    const minuteMs = 60 * timeScale;
    const arrivalsEndAt = startedAt + arrivalMinutes * minuteMs;
    const deadline = arrivalsEndAt + drainMinutes * minuteMs;
    for (let minute = 0; ; minute++) {
      await sleep(Math.max(0, startedAt + minute * minuteMs - Date.now()));
      const { waiting, talking, busy } = callers.counts();
      queue.push({ minute, waiting, talking });
      if (minute % 10 === 0) log(`minute ${minute}: ${waiting} waiting, ${talking} talking`);
      if (Date.now() >= deadline) break;
      if (Date.now() >= arrivalsEndAt && !busy && timers.size === 0) {
        // Nobody is left to ring back (a service too busy to answer is asked again next minute).
        if ((await readCallbacks(url, practices, since).catch(() => undefined))?.every((c) => !OPEN_CALLBACK.has(c.status))) break;
      }
    }
    const stoppedAt = Date.now();
    const { latency: serviceLatency, eventLoop: serviceLoop } = await readServiceMetrics(services);
    signal();
    for (const t of timers) clearTimeout(t);
    // Whoever is still waiting is hung up: the run is over, not their patience.
    const caller: CallerResults & { perWorker?: RunResult['simulatorWorkers'] } = await callers.stop();
    const { attempts, webhooks, missedRings } = caller;
    if (attempts[0]) attempts[0].errors.push(...presenceErrors);
    const eventLoop = { service: serviceLoop, simulator: caller.eventLoop };
    const endedAt = Date.now();
    const processes = sampler.stop();
    const redisCommands = countsSince(before, await redisCommandCounts(nodeClients));

    // The service's clock: `since` when it started, running at `speed`.
    const unaccounted = await checkRecords(url, practices, attempts, speed, since + (startedAt - serviceUpAt) * speed, endedAt - startedAt, stoppedAt);
    const callbacks = await readCallbacks(url, practices, since);
    // A past week's call-backs still to be made would hold places in the next morning's queues: they are cancelled, as staff would by then.
    if (clockStart !== undefined) {
      await inBatches(callbacks.filter((c) => OPEN_CALLBACK.has(c.status)), 20, async (c) => {
        const practice = practices.find((p) => c.id.startsWith(`${p.ods}-`));
        if (practice) await fetch(`${url}/v1/callbacks/${c.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${practice.token}` } });
      });
    }
    const serviceErrors = services.flatMap((s) => s.output.filter((line) => /"level":(50|60)/.test(line)));
    const cpuByRoute = await readCpuSplits(cpuFiles);
    return { cpuByRoute, scenario, speed, practices: practices.length, arrivalMinutes, startedAt, arrivalsEndAt, stoppedAt, endedAt, attempts, queue, webhooks, liveCallUpdates: new Map(caller.liveCallUpdates), redisCommands, processes, serviceErrors, unaccounted, missedRings, callbacks, serviceLatency, eventLoop, simulatorWorkers: caller.perWorker ?? [] };
  } finally {
    // The next morning's service must not meet this one's still draining; the CPU profile is written as it exits.
    const exited = services.filter((s) => s.child.exitCode === null).map((s) => new Promise((r) => s.child.once('exit', r)));
    for (const s of services) s.child.kill('SIGTERM');
    await callers.close();
    await Promise.all(exited);
  }
}

/** Every process's CPU split (cpu-by-route.ts), added up by route. */
async function readCpuSplits(files: string[]): Promise<RouteCpu[]> {
  const byRoute = new Map<string, RouteCpu>();
  for (const file of files) {
    for (let i = 0; i < 100 && !existsSync(file); i++) await sleep(50);
    if (!existsSync(file)) continue;
    for (const r of JSON.parse(readFileSync(file, 'utf8')) as RouteCpu[]) {
      const sum = byRoute.get(r.route) ?? { route: r.route, count: 0, cpuMs: 0 };
      byRoute.set(r.route, { route: r.route, count: sum.count + r.count, cpuMs: sum.cpuMs + r.cpuMs });
    }
  }
  return [...byRoute.values()];
}

/**
 * The service's own measure of its webhooks (switchboard_webhook_duration_seconds from /metrics,
 * every route together): Fastify's time from reading a request to sending its answer. The
 * emulator's figures include its own delays on a shared machine; these do not. And its event-loop delay.
 */
async function readServiceMetrics(services: { url: string }[]): Promise<{ latency: RunResult['serviceLatency']; eventLoop: { p99: number; max: number } }> {
  const byBound = new Map<number, number>();
  const eventLoop = { p99: 0, max: 0 };
  for (const { url } of services) {
    // Once more if the first try meets a kept-alive connection the busy service had just closed (ECONNRESET).
    const read = () => fetch(`${url}/metrics`).then((r) => r.text());
    const text = await read().catch(read);
    // prom-client's event-loop lag gauges cover the time since they were last read: here, the whole run (the worst process's).
    const gauge = (name: string) => Number(new RegExp(`^switchboard_nodejs_eventloop_lag_${name}_seconds (\\S+)`, 'm').exec(text)?.[1] ?? NaN) * 1000;
    eventLoop.p99 = Math.max(eventLoop.p99, gauge('p99'));
    eventLoop.max = Math.max(eventLoop.max, gauge('max'));
    for (const m of text.matchAll(/^switchboard_webhook_duration_seconds_bucket\{[^}]*le="([^"]+)"[^}]*\} (\d+)/gm)) {
      const le = m[1] === '+Inf' ? Infinity : Number(m[1]);
      byBound.set(le, (byBound.get(le) ?? 0) + Number(m[2]));
    }
  }
  const total = byBound.get(Infinity) ?? 0;
  return { latency: [...byBound].sort((a, b) => a[0] - b[0]).map(([le, n]) => ({ le, share: total ? n / total : 0 })), eventLoop };
}

/** Call-backs still to be made (or being made). */
const OPEN_CALLBACK = new Set(['pending', 'in-progress']);

/** Every practice's call-backs requested since `since` (this morning's, not a past week's), as staff see them (the list covers the last week, so one read is enough). */
async function readCallbacks(url: string, practices: SimPractice[], since: number): Promise<CallbackOutcome[]> {
  const all: CallbackOutcome[] = [];
  await inBatches(practices, 20, async (p) => {
    const res = await fetch(`${url}/v1/practices/${p.ods}/callbacks`, { headers: { authorization: `Bearer ${p.token}` } });
    all.push(...(((await res.json()) as { callbacks?: CallbackOutcome[] }).callbacks ?? []).filter((c) => Date.parse(c.requestedAt) >= since));
  });
  return all;
}

/** When a caller was put through, against the moment the run stopped and began hanging up whoever was left: which side of it a mismatch fell on. */
const whenPutThrough = (a: CallerAttempt, stoppedAt: number) => {
  if (a.bridgedAt === undefined) return '';
  const ms = a.bridgedAt - stoppedAt;
  return ms >= 0 ? ` ${ms} ms after the run stopped (teardown was hanging up whoever was left)` : ` ${-ms} ms before the run stopped`;
};

/**
 * Reads every practice's call records back through the practice API and matches them to the
 * calls placed: each call must have exactly one record whose outcome is what the caller lived.
 */
async function checkRecords(url: string, practices: SimPractice[], attempts: CallerAttempt[], speed: number, clockAtStart: number, realMs: number, stoppedAt: number): Promise<string[]> {
  // Every London day the run covered on the service's clock.
  const dates = [...new Set([clockAtStart, clockAtStart + realMs * speed].map((ms) => londonWallClock(ms).date))];
  const records = new Map<string, Record<string, unknown>>();
  await inBatches(practices, 20, async (p) => {
    for (const date of dates) {
      const res = await fetch(`${url}/v1/practices/${p.ods}/calls?date=${date}`, { headers: { authorization: `Bearer ${p.token}` } });
      const body = (await res.json()) as { calls?: Record<string, unknown>[] };
      for (const r of body.calls ?? []) records.set(String(r.callId), r);
    }
  });
  const problems: string[] = [];
  for (const a of attempts) {
    if (!a.sid) continue; // never reached the service
    const record = records.get(`twilio:${a.sid}`);
    a.record = record;
    if (!record) problems.push(`${a.sid}: no call record`);
    else if ((record.outcome === 'answered') !== (a.bridgedAt !== undefined)) problems.push(`${a.sid}: record says ${String(record.outcome)}, caller was ${a.bridgedAt ? '' : 'not '}put through${whenPutThrough(a, stoppedAt)}`);
  }
  if (records.size !== attempts.filter((a) => a.sid).length) problems.push(`${records.size} records for ${attempts.filter((a) => a.sid).length} calls`);
  return problems;
}
