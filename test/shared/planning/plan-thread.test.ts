import t from 'tap';
import { lognormalPatience } from '../../../shared/planning/patience.js';
import type { DemandModel } from '../../../shared/planning/model.js';
import { intervalStart, planDay, targetFor } from '../../../shared/planning/plan.js';
import { PlanThread } from '../../../shared/planning/plan-thread.js';

const intervals = Array.from({ length: 96 }, (_, i) => {
  const calls = i === 32 ? 60 : i === 33 ? 20 : 0;
  return { interval: i, start: intervalStart(i), open: i >= 32 && i < 34, calls, arrivalsPerSecond: calls / 900, handleSeconds: 150 };
});
const model: DemandModel = { weekday: 'mon', weeks: 4, history: [], historyBasis: 'enough', intervals, talkSeconds: 135, talkBasis: 'observed', handlePhases: 3, wrapUpSeconds: 15, patienceSeconds: 400, patienceCurve: lognormalPatience(300, 0.6), patienceBasis: 'observed', abandons: 50, answered: 300, callbackUptake: null, notes: [] };

t.test('plans on a thread of their own are the plans worked out here', async (t) => {
  const thread = new PlanThread();
  t.teardown(() => thread.close());
  const target = targetFor(120);
  const roster = { staff: Array.from({ length: 96 }, (_, i) => (i === 32 ? 5 : i === 33 ? 6 : 0)), source: 'given' as const };
  // Two at once: they queue on the one thread and each comes back to its own caller.
  const [needed, whatIf] = await Promise.all([thread.plan(model, target), thread.plan(model, target, roster)]);
  t.same(needed, planDay(model, target));
  t.same(whatIf, planDay(model, target, roster));
  t.not(needed.intervals[0]!.staffNeeded, 0, 'a real plan, with people at 08:00');
});

t.test('bad input is still a RangeError (the route answers 400), and a thread that dies fails what it held', async (t) => {
  const thread = new PlanThread();
  t.teardown(() => thread.close());
  await t.rejects(thread.plan({ ...model, intervals: [{ ...intervals[32]!, handleSeconds: -1 }] }, targetFor(120)), RangeError);
  const held = thread.plan(model, targetFor(120));
  await thread.close();
  await t.rejects(held, /the planner thread stopped/);
  t.same(await thread.plan(model, targetFor(120)), planDay(model, targetFor(120)), 'the next plan starts another thread');
});
