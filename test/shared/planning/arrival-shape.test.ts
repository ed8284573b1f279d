import t from 'tap';
import { countArrivals, dayShape, shapeFromCounts } from '../../../shared/planning/arrival-shape.js';
import type { DemandModel } from '../../../shared/planning/model.js';
import { intervalStart, planDay, targetFor } from '../../../shared/planning/plan.js';

const second = (hhmmss: string) => {
  const [h, m, s] = hhmmss.split(':').map(Number) as [number, number, number];
  return h * 3600 + m * 60 + s;
};

t.test('calls counted into three-minute steps of their quarter hour', async (t) => {
  const counts = countArrivals([0, 179, 180, 899, 900, 1799, -1, 2700], 3);
  t.same(counts, [[2, 1, 0, 0, 1], [1, 0, 0, 0, 1], [0, 0, 0, 0, 0]], 'a step holds [start, start + 180 s); outside the quarters: left out');
});

t.test('the shape learnt from a known set of call records, counted by hand', async (t) => {
  // Two Mondays. 08:00–08:15: 40 calls, 26 of them in its first three minutes, then 6, 4, 2, 2.
  // 09:00–09:15: 25 calls spread evenly (5 a step). 10:00–10:15: 12 calls, all at 10:00 (too few to tell).
  const arrivals: { date: string; secondOfDay: number }[] = [];
  const add = (date: string, from: string, spacing: number, n: number) => {
    for (let i = 0; i < n; i++) arrivals.push({ date, secondOfDay: second(from) + spacing * i });
  };
  for (const date of ['2026-11-23', '2026-11-30']) {
    add(date, '08:00:00', 13, 13); // 0–156 s: the first step
    add(date, '08:03:00', 60, 3); // 180, 240, 300: the second
    add(date, '08:06:00', 90, 2); // 360, 450: the third
    add(date, '08:09:00', 0, 1);
    add(date, '08:12:00', 0, 1);
    add(date, '10:00:00', 0, 6);
  }
  for (const [date, n] of [['2026-11-23', 13], ['2026-11-30', 12]] as const) add(date, '09:00:00', 900 / n, n);
  const learnt = dayShape(arrivals);
  t.equal(learnt.days, 2);
  // 08:00: counts 26, 6, 4, 2, 2 (40); χ² against 8 a step = (18² + 2² + 4² + 6² + 6²)/8 = 52 > 13.28: uneven.
  // Shares pulled towards even by 10 calls: (26 + 2)/50 = 0.56, (6 + 2)/50 = 0.16, 0.12, 0.08, 0.08.
  t.same(learnt.uneven, [32]);
  t.same(learnt.shape[32]!.map((x) => Math.round(x * 1000) / 1000), [0.56, 0.16, 0.12, 0.08, 0.08]);
  t.equal(learnt.shape[36], undefined, '09:00: even calls stay even');
  t.equal(learnt.shape[40], undefined, '10:00: 12 calls are too few to tell: evenly');
  t.same(learnt.short, [40]);
  t.equal(learnt.note, 'Calls come unevenly within the quarter hour 08:00 (56% in its first 3 minutes), as the call records of 2 day(s) show; the plan follows that, 3 minutes at a time. Elsewhere calls are spread evenly through each quarter hour (1 quarter hour(s) had too few calls to tell).');
});

t.test('short history falls back to calls spread evenly, and says so', async (t) => {
  const none = dayShape([]);
  t.ok(none.shape.every((s) => s === undefined));
  t.match(none.note, /No call records for the days used .*evenly/);
  // 19 calls, every one in the first minute: fewer than 20, so no shape however uneven.
  const few = shapeFromCounts([[19, 0, 0, 0, 0]]);
  t.same(few, { shape: [undefined], uneven: [], short: [0] });
  t.match(dayShape(Array.from({ length: 19 }, () => ({ date: '2026-11-30', secondOfDay: second('08:00:05') }))).note, /spread evenly .*1 quarter hour\(s\) had too few calls to tell/);
  // 20 are enough to tell.
  t.same(shapeFromCounts([[20, 0, 0, 0, 0]]).uneven, [0]);
});

t.test('a rush that fades through the quarter hour is seen by its trend before χ² sees it', async (t) => {
  // 66 calls as an 8am burst fading over 8 minutes leaves them, plus some spread evenly: 23, 16, 12, 9, 6.
  // χ² against 13.2 a step = (9.8² + 2.8² + 1.2² + 4.2² + 7.2²)/13.2 = 12.9: under 13.28, no shape by itself.
  // Mean step (16 + 24 + 27 + 24)/66 = 1.38 against 2; U = −0.62/√(2/66) = −3.6: a clear trend.
  const fading = [23, 16, 12, 9, 6];
  t.same(shapeFromCounts([fading], { trendZ: Infinity }).uneven, [], 'χ² alone: evenly');
  const learnt = shapeFromCounts([fading]);
  t.same(learnt.uneven, [0]);
  t.same(learnt.shape[0]!.map((x) => Math.round(x * 1000) / 1000), [0.329, 0.237, 0.184, 0.145, 0.105], '(23 + 2)/76, (16 + 2)/76, …');
  // The same counts in no order (no trend, χ² the same): evenly.
  t.same(shapeFromCounts([[12, 23, 6, 16, 9]]).uneven, []);
});

t.test('the planner follows the shape: the 8am rush waits longer, and 08:15 inherits less of it', async (t) => {
  const intervals = Array.from({ length: 96 }, (_, i) => {
    const calls = i === 32 ? 60 : i === 33 ? 20 : 0;
    return { interval: i, start: intervalStart(i), open: i >= 32 && i < 34, calls, arrivalsPerSecond: calls / 900, handleSeconds: 150 };
  });
  const model: DemandModel = { weekday: 'mon', weeks: 4, history: [], historyBasis: 'enough', intervals, talkSeconds: 135, talkBasis: 'observed', handlePhases: 2, wrapUpSeconds: 15, patienceSeconds: 400, patienceBasis: 'observed', abandons: 50, answered: 300, callbackUptake: null, notes: [] };
  const roster = { staff: Array.from({ length: 96 }, (_, i) => (i === 32 ? 5 : i === 33 ? 6 : 0)), source: 'given' as const };
  const target = targetFor(120);
  const even = planDay(model, target, roster);
  const rush = planDay({ ...model, arrivalShape: intervals.map((_, i) => (i === 32 ? [0.56, 0.16, 0.12, 0.08, 0.08] : undefined)) }, target, roster);
  const [e8, r8] = [even.intervals[0]!, rush.intervals[0]!];
  t.ok(r8.predicted.meanWaitSeconds > e8.predicted.meanWaitSeconds, `08:00: mean wait ${r8.predicted.meanWaitSeconds} s in a rush, ${e8.predicted.meanWaitSeconds} s evenly`);
  t.ok(rush.intervals[1]!.predicted.answeredWithinTargetPct > even.intervals[1]!.predicted.answeredWithinTargetPct, `08:15: ${rush.intervals[1]!.predicted.answeredWithinTargetPct}% in target after the rush, ${even.intervals[1]!.predicted.answeredWithinTargetPct}% evenly`);
  t.equal(rush.intervals[0]!.calls, 60, 'the same calls, only when they come differs');
});
