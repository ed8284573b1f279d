import { fork, type ChildProcess } from 'node:child_process';
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { projectRoot } from '../shared/paths.js';
import type { CallerCounts, CallerPlan, CallerResults } from './callers.js';

type FromWorker = { type: 'ready'; url: string } | { type: 'counts'; counts: CallerCounts } | { type: 'results'; results: CallerResults };

interface Worker {
  child: ChildProcess;
  url: string;
  counts: CallerCounts;
}

/**
 * The simulator spread over worker processes (simulator-worker.ts), each with its own emulator
 * for a share of the PCNs, so that on a small machine the service saturates before the load
 * generator. The service has one Calls API base: this process forwards each Calls API request to
 * the worker whose emulator holds that account (the path names it).
 */
export class SpreadCallers {
  private readonly workers: Worker[] = [];
  private readonly accountOwner = new Map<string, string>();
  // Bounded: a swamped 2,000-practice run opened sockets until this process ran out of descriptors.
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 256 });
  private proxy?: Server;

  constructor(private readonly count: number) {}

  get pids(): number[] {
    return this.workers.map((w) => w.child.pid!);
  }

  async start(): Promise<string> {
    for (let i = 0; i < this.count; i++) {
      const child = fork(join(projectRoot(), 'dist/loadtest/simulator-worker.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      const url = await new Promise<string>((resolve, reject) => {
        child.once('exit', (code) => reject(new Error(`simulator worker exited ${code}`)));
        child.once('message', (m: FromWorker) => m.type === 'ready' && resolve(m.url));
      });
      const worker: Worker = { child, url, counts: { waiting: 0, talking: 0, busy: false } };
      child.on('message', (m: FromWorker) => m.type === 'counts' && (worker.counts = m.counts));
      this.workers.push(worker);
    }
    this.proxy = createServer((req, res) => {
      const account = /\/Accounts\/([^/]+)\//.exec(req.url ?? '')?.[1];
      const target = account && this.accountOwner.get(account);
      if (!target) return void res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 20404, message: 'unknown account', status: 404 }));
      const forward = request(target + req.url, { method: req.method, headers: req.headers, agent: this.agent }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forward.on('error', () => !res.headersSent && res.writeHead(502).end());
      // The service gave up on the request (its time-out): the forwarded one goes too, socket and all.
      res.on('close', () => !res.writableFinished && forward.destroy());
      req.pipe(forward);
    });
    await new Promise<void>((resolve) => this.proxy!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.proxy.address() as AddressInfo).port}`;
  }

  /** Deals the plan's practices out by PCN (`perPcn` practices each), each worker with its own seed. */
  begin(plan: CallerPlan, perPcn: number): void {
    this.workers.forEach((w, i) => {
      const practices = plan.practices.filter((_, j) => Math.floor(j / perPcn) % this.workers.length === i);
      for (const { practice } of practices) this.accountOwner.set(practice.accountSid, w.url);
      w.counts = { waiting: 0, talking: 0, busy: true };
      w.child.send({ type: 'begin', plan: { ...plan, practices, seed: plan.seed + 7919 * i, side: i } });
    });
  }

  counts(): CallerCounts {
    const all = this.workers.map((w) => w.counts);
    return { waiting: sum(all.map((c) => c.waiting)), talking: sum(all.map((c) => c.talking)), busy: all.some((c) => c.busy) };
  }

  /** Every worker's results, each worker's event-loop delay kept apart (`perWorker`). */
  async stop(): Promise<CallerResults & { perWorker: { pid: number; eventLoop: { p99: number; max: number } }[] }> {
    const each = await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<CallerResults>((resolve) => {
            w.child.on('message', (m: FromWorker) => m.type === 'results' && resolve(m.results));
            w.child.send({ type: 'stop' });
          }),
      ),
    );
    const updates = new Map<number, number>();
    for (const r of each) for (const [status, n] of r.liveCallUpdates) updates.set(status, (updates.get(status) ?? 0) + n);
    return {
      attempts: each.flatMap((r) => r.attempts),
      webhooks: each.flatMap((r) => r.webhooks).sort((a, b) => a.at - b.at),
      missedRings: each.flatMap((r) => r.missedRings).sort((a, b) => a.at - b.at),
      liveCallUpdates: [...updates],
      eventLoop: { p99: Math.max(...each.map((r) => r.eventLoop.p99)), max: Math.max(...each.map((r) => r.eventLoop.max)) },
      perWorker: each.map((r, i) => ({ pid: this.workers[i]!.child.pid!, eventLoop: r.eventLoop })),
    };
  }

  async close(): Promise<void> {
    const exited = this.workers.filter((w) => w.child.exitCode === null).map((w) => new Promise((r) => w.child.once('exit', r)));
    for (const w of this.workers) w.child.disconnect();
    this.agent.destroy();
    this.proxy?.closeAllConnections();
    await new Promise<void>((resolve) => this.proxy?.close(() => resolve()) ?? resolve());
    await Promise.all(exited);
  }
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
