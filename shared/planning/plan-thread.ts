import { Worker } from 'node:worker_threads';
import type { DemandModel } from './model.js';
import type { Plan, Roster } from './plan.js';
import type { ServiceTarget } from './queueing.js';

/** What `planDay` takes: the model, the target and, for a what-if, the roster. */
export interface PlanJob {
  id: number;
  model: DemandModel;
  target: ServiceTarget;
  roster?: { staff: Roster; source: 'given' | 'observed' };
}

/**
 * Plans days on a thread of their own. A PCN's day is seconds of arithmetic; in the service's own
 * thread those seconds would hold every webhook and wallboard waiting behind them. One thread,
 * started on the first plan and kept (plans queue on it; idle, it does not keep the process
 * alive); `close` ends it with the service.
 */
export class PlanThread {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (plan: Plan) => void; reject: (err: Error) => void }>();

  plan(model: DemandModel, target: ServiceTarget, roster?: PlanJob['roster']): Promise<Plan> {
    const worker = (this.worker ??= this.start());
    const id = this.nextId++;
    // Held open while it has work (a plan awaited keeps the process alive), not while idle.
    worker.ref();
    return new Promise<Plan>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, model, target, roster } satisfies PlanJob);
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private start(): Worker {
    // The compiled worker beside this file (under tap's TypeScript loader, the source: the thread inherits the loader).
    const worker = new Worker(new URL(`./plan-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));
    worker.on('message', ({ id, plan, error }: { id: number; plan?: Plan; error?: { name: string; message: string } }) => {
      const job = this.pending.get(id);
      this.pending.delete(id);
      if (this.pending.size === 0) worker.unref();
      // A planner's RangeError (bad input) stays one, so the route answers 400.
      if (error) job?.reject(error.name === 'RangeError' ? new RangeError(error.message) : new Error(error.message));
      else job?.resolve(plan!);
    });
    // A thread that dies fails what it held; the next plan starts another.
    worker.on('error', (err) => this.failAll(err));
    worker.on('exit', () => {
      if (this.worker === worker) this.worker = undefined;
      this.failAll(new Error('the planner thread stopped'));
    });
    return worker;
  }

  private failAll(err: Error): void {
    for (const job of this.pending.values()) job.reject(err);
    this.pending.clear();
  }
}
