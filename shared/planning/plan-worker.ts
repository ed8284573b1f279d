import { parentPort } from 'node:worker_threads';
import { planDay } from './plan.js';
import type { PlanJob } from './plan-thread.js';

/** The planner's own thread: plans days as asked (shared/planning/plan-thread.ts), so the service's event loop never waits on one. */
parentPort!.on('message', ({ id, model, target, roster }: PlanJob) => {
  try {
    parentPort!.postMessage({ id, plan: planDay(model, target, roster) });
  } catch (err) {
    const { name, message } = err instanceof Error ? err : { name: 'Error', message: String(err) };
    parentPort!.postMessage({ id, error: { name, message } });
  }
});
