import t from 'tap';
import { learnDemand, parseWeekday, PLANNING_DEFAULTS, type DemandModel } from '../../../shared/planning/model.js';
import { observedRoster } from '../../../shared/planning/observed.js';
import { changeSentence, parseRoster, planDay, targetFor } from '../../../shared/planning/plan.js';
import { staffingNeeded } from '../../../shared/planning/queueing.js';
import { openingStarts, transientPeriods } from '../../../shared/planning/transient.js';
import { CallQueue } from '../../../shared/queue/queue.js';
import { StatsStore } from '../../../shared/stats/store.js';
import { privateRedis } from '../../helpers/redis.js';
import { at, CallPlayer, playMondayHistory as playHistory, R, statsDirectory } from '../../helpers/stats.js';

t.test('the demand model of a practice, against a hand count of its Mondays', async (t) => {
  const redis = await privateRedis(t);
  const directory = statsDirectory();
  const riverside = directory.practice('F81001')!;
  await playHistory(new CallPlayer(redis.connect()));
  const store = new StatsStore(redis.connect(), () => directory);
  const model = await learnDemand(store, directory, [riverside], { weekday: 'mon', weeks: 4, now: Date.parse('2026-09-06T19:00:00Z') });

  t.same(model.history, [{
    practice: 'F81001',
    daysUsed: ['2026-08-24', '2026-08-17'],
    daysLeftOut: [{ date: '2026-08-31', reason: 'bank holiday' }, { date: '2026-08-10', reason: 'no calls queued (closed, or before Switchboard)' }],
  }]);
  t.equal(model.historyBasis, 'short', 'two Mondays are fewer than three');
  const calls = Object.fromEntries(model.intervals.filter((i) => i.calls > 0).map((i) => [i.start, i.calls]));
  t.same(calls, { '08:00': 4, '08:15': 1, '09:00': 10, '10:00': 4 }, 'calls per average Monday: (4 + 4) ÷ 2, (2 + 0) ÷ 2, 20 ÷ 2, 8 ÷ 2');
  t.equal(model.intervals[36]!.arrivalsPerSecond, 10 / 900);
  // 27 answered calls: 600 + 240 + 3,000 + 360 seconds of talk.
  t.equal(model.answered, 27);
  t.equal(model.talkBasis, 'observed');
  t.ok(Math.abs(model.talkSeconds - 4200 / 27) < 1e-9, `mean talk ${model.talkSeconds.toFixed(1)} s = 4,200 ÷ 27`);
  t.equal(model.wrapUpSeconds, 1);
  t.equal(model.handlePhases, 2, '27 answered calls are too few to learn how alike calls are: Erlang-2, as assumed');
  // 08:00's own talk (600 + 360 s over 5 calls) shrunk towards the day's mean as if 20 calls at it.
  t.ok(Math.abs(model.intervals[32]!.handleSeconds - ((960 + 20 * (4200 / 27)) / 25 + 1)) < 1e-9, '08:00 handle time: talk shrunk to the mean, plus wrap-up');
  // Patience: 11 hung up; everyone waited 60 + 360 + 30 + 90 (hung up) + 60 + 0 + 100 + 80 (answered) = 780 s.
  t.equal(model.abandons, 11);
  t.equal(model.patienceBasis, 'observed');
  t.ok(Math.abs(model.patienceSeconds - 780 / 11) < 1e-9, `patience ${model.patienceSeconds.toFixed(1)} s = 780 ÷ 11`);
  // Its shape by the wait buckets (life table): 36 waited over 0 s; 0–30 s: 24 ended in it (1 hung up), 12 went on: 12·30 + 24·15 = 720 s;
  // 30–60 s: 11 ended (9 hung up), 1 went on: 30 + 11·15 = 195 s; 60–90 s: the one who hung up at 90 s, 15 s. Nobody waited longer: 11/780.
  const rates = model.patienceCurve!.rates;
  t.ok(Math.abs(rates[0]! - 1 / 720) < 1e-12 && Math.abs(rates[1]! - 9 / 195) < 1e-12 && Math.abs(rates[2]! - 1 / 15) < 1e-12, `rates ${rates.slice(0, 3).join(', ')}`);
  t.ok(rates.slice(3).every((r) => Math.abs(r - 11 / 780) < 1e-12), 'no basis past 90 s: the overall rate');
  t.equal(model.callbackUptake, 0, 'nobody asked for a call-back');
  t.same(model.intervals.filter((i) => i.open).map((i) => i.start), ['08:00', '08:15', '09:00', '10:00'], 'no hours in the directory: the intervals with calls are the open ones');

  const quiet = await learnDemand(store, directory, [riverside], { weekday: 'tue', weeks: 2, now: Date.parse('2026-09-06T19:00:00Z') });
  t.equal(quiet.historyBasis, 'none');
  t.equal(quiet.talkBasis, 'default');
  t.equal(quiet.talkSeconds, PLANNING_DEFAULTS.talkSeconds);
  t.equal(quiet.patienceSeconds, PLANNING_DEFAULTS.patienceSeconds);
  t.match(quiet.notes.join(' '), /No Tuesdays in the last 2 weeks/);
  t.match(quiet.notes.join(' '), /assumed to last 180 seconds/);

  const pcn = await learnDemand(store, directory, directory.practices.filter((p) => p.pcn === 'U12345'), { weekday: 'mon', weeks: 4, now: Date.parse('2026-09-06T19:00:00Z') });
  t.equal(pcn.intervals[36]!.calls, 10, 'a PCN adds its practices’ demand (Grays had no calls)');
  t.equal(pcn.historyBasis, 'none' === pcn.historyBasis ? 'none' : 'short');
  t.same(pcn.history.map((h) => h.daysUsed.length), [2, 0]);

  t.throws(() => parseWeekday('funday'), /weekday funday/);
  await t.rejects(learnDemand(store, directory, [riverside], { weekday: 'mon', weeks: 0, now: Date.now() }), /weeks must be/);

  // Last week's roster from the call records: who was on a call (or wrapping up) in each interval.
  const observed = await observedRoster(new CallQueue(redis.connect(), 'sb:'), directory, [riverside], 'mon', Date.parse('2026-08-30T19:00:00Z'));
  t.equal(observed.date, '2026-08-24');
  const busy = Object.fromEntries(observed.staff.flatMap((n, i) => (n ? [[i, n]] : [])));
  t.same(busy, { 32: 3, 33: 2, 36: 20 }, '08:00: three callers answered by three people, 08:15: two, 09:00: twenty (one each)');
});

/** A steady morning: 12 calls a quarter hour 08:00–09:30, 4 from 09:30 to 10:00. */
function steadyModel(): DemandModel {
  const intervals = Array.from({ length: 96 }, (_, i) => {
    const calls = i >= 32 && i < 38 ? 12 : i >= 38 && i < 40 ? 4 : 0;
    return { interval: i, start: `${String(Math.floor(i / 4)).padStart(2, '0')}:${String((i % 4) * 15).padStart(2, '0')}`, open: i >= 32 && i < 40, calls, arrivalsPerSecond: calls / 900, handleSeconds: 180 };
  });
  return { weekday: 'mon', weeks: 4, history: [], historyBasis: 'enough', intervals, talkSeconds: 179, talkBasis: 'observed', handlePhases: 2, wrapUpSeconds: 1, patienceSeconds: 200, patienceBasis: 'observed', abandons: 50, answered: 500, callbackUptake: 0, notes: [] };
}

t.test('the plan: people needed, what a roster achieves, and the smallest change', async (t) => {
  const model = steadyModel();
  const target = targetFor(120);
  const busy = { arrivalsPerSecond: 12 / 900, handleSeconds: 180, patienceSeconds: 200 };
  const quiet = { ...busy, arrivalsPerSecond: 4 / 900 };
  const demandAt = (row: number) => (row < 6 ? busy : quiet);

  const needed = planDay(model, target);
  t.equal(needed.intervals.length, 8, 'the open intervals 08:00–10:00');
  t.ok(needed.intervals.every((i) => i.rostered === i.staffNeeded && i.predicted.meetsTarget), 'the people needed meet the target');
  const path = needed.intervals.map((i) => i.staffNeeded);
  // The fewest: one fewer in any quarter hour (the morning before it as planned, from an empty queue at 08:00) misses it there.
  for (const row of [0, 1, 5, 6]) {
    const periods = path.slice(0, row + 1).map((n, i) => ({ ...demandAt(i), servers: i === row ? n - 1 : n, seconds: 900 }));
    const at = transientPeriods(periods)[row]!.prediction;
    t.notOk(at.serviceLevel(120) >= 0.8 && at.abandonProbability < 0.05, `${needed.intervals[row]!.start}: ${path[row]! - 1} people miss the target`);
  }
  t.same(needed.intervals.map((i) => i.staffNeededErlangC), [...Array(6).fill(staffingNeeded('erlang-c', busy, target)), ...Array(2).fill(staffingNeeded('erlang-c', quiet, target))], 'plain Erlang C’s figure shown beside it');
  t.equal(needed.day.staffHoursNeeded, path.reduce((a, b) => a + b, 0) / 4);

  // One fewer than needed all through the rush: the change is one more person over the run.
  const roster = new Array<number>(96).fill(0);
  path.forEach((n, i) => (roster[32 + i] = i < 6 ? n - 1 : n));
  const plan = planDay(model, target, { staff: roster, source: 'given' });
  t.same(plan.changes.map((c) => c.sentence), ['one more person 08:00–09:30 on Mondays']);
  t.same(plan.spare, []);
  // Its callers still waiting at 08:15 meet 08:15's people; the lines open on an empty queue, so each person's first call starts as their first caller comes.
  const short = transientPeriods([{ ...busy, servers: path[0]! - 1, seconds: 900, nextServers: roster[33], freshStarts: openingStarts(path[0]! - 1, busy.arrivalsPerSecond, busy.handleSeconds) }])[0]!.prediction;
  t.equal(plan.intervals[0]!.predicted.answeredWithinTargetPct, Math.round(short.serviceLevel(120) * 1000) / 10, '08:00 as the chain predicts it from an empty queue');
  t.equal(plan.intervals[0]!.predicted.abandonPct, Math.round(short.abandonProbability * 1000) / 10);
  t.equal(plan.intervals[0]!.predicted.meetsTarget, false);
  t.ok(plan.day.answeredWithinTargetPct! < needed.day.answeredWithinTargetPct!, 'the day as a whole is worse with the short roster');

  const most = Math.max(...path);
  const generous = planDay(model, target, { staff: parseRoster(`08:00-10:00=${most + 2}`), source: 'given' });
  t.same(generous.changes, []);
  t.ok(generous.spare.length > 0 && generous.spare.every((c) => c.change < 0), generous.spare.map((c) => c.sentence).join('; '));
  t.ok(generous.intervals.every((i) => i.predicted.meetsTarget));
});

t.test('people the roster signs out finish the call in hand: the quarter hour after a drop', async (t) => {
  // 40 calls a quarter hour of 180 s (8 Erlangs) on eight people, then three from 08:45.
  const intervals = Array.from({ length: 96 }, (_, i) => {
    const calls = i >= 32 && i < 36 ? 40 : 0;
    return { interval: i, start: `${String(Math.floor(i / 4)).padStart(2, '0')}:${String((i % 4) * 15).padStart(2, '0')}`, open: i >= 32 && i < 36, calls, arrivalsPerSecond: calls / 900, handleSeconds: 180 };
  });
  const model: DemandModel = { weekday: 'mon', weeks: 4, history: [], historyBasis: 'enough', intervals, talkSeconds: 179, talkBasis: 'observed', handlePhases: 2, wrapUpSeconds: 1, patienceSeconds: 400, patienceBasis: 'observed', abandons: 50, answered: 500, callbackUptake: 0, notes: [] };
  const staff = Array.from({ length: 96 }, (_, i) => (i >= 32 && i < 35 ? 8 : i === 35 ? 3 : 0));
  const plan = planDay(model, targetFor(120), { staff, source: 'given' });
  // The same chain handing the leavers' callers back to the queue.
  const demand = { arrivalsPerSecond: 40 / 900, handleSeconds: 180, handlePhases: 2, patienceSeconds: 400, seconds: 900 };
  const handedBack = transientPeriods([8, 8, 8, 3].map((servers, q) => ({ ...demand, servers, nextServers: [8, 8, 3, 0][q], freshStarts: q === 0 ? openingStarts(8, demand.arrivalsPerSecond, 180) : undefined })));
  const pct = (x: number) => Math.round(x * 1000) / 10;
  t.same(plan.intervals.slice(0, 3).map((i) => i.predicted.abandonPct), handedBack.slice(0, 3).map((r) => pct(r.prediction.abandonProbability)), 'before the drop: the same chain');
  const [after, before] = [plan.intervals[3]!.predicted.abandonPct, pct(handedBack[3]!.prediction.abandonProbability)];
  t.ok(after < before - 1, `08:45: ${after}% hang up with the leavers finishing their calls; ${before}% if their callers went back to the queue`);
});

t.test('rosters are read strictly', async (t) => {
  t.same(parseRoster('08:00-08:30=2').slice(31, 35), [0, 2, 2, 0]);
  t.same(parseRoster([{ from: '23:45', to: '24:00', staff: 1 }])[95], 1);
  t.throws(() => parseRoster('08:00-08:20=2'), /quarter hour/);
  t.throws(() => parseRoster('09:00-08:00=2'), /ends before it starts/);
  t.throws(() => parseRoster('08:00-09:00=two'), /whole number/);
  t.throws(() => parseRoster('08:00=2'), /HH:MM-HH:MM/);
  // An error quotes what was typed, not the entry rebuilt from its parts.
  t.throws(() => parseRoster('08:00-09:00=2, =abc'), { message: 'roster entry "=abc" is not HH:MM-HH:MM=<people>' });
  t.throws(() => parseRoster('garbage'), { message: 'roster entry "garbage" is not HH:MM-HH:MM=<people>' });
  // Overlapping spans are refused whichever comes first: the order would otherwise decide.
  t.throws(() => parseRoster('08:00-09:30=2,09:00-10:00=3'), { message: 'roster entries "08:00-09:30=2" and "09:00-10:00=3" overlap: give each quarter hour once' });
  t.throws(() => parseRoster('09:00-10:00=3,08:00-09:30=2'), /overlap/);
  t.throws(() => parseRoster([{ from: '08:00', to: '09:00', staff: 2 }, { from: '08:45', to: '09:15', staff: 1 }]), { message: 'roster entries 08:00-09:00=2 and 08:45-09:15=1 overlap: give each quarter hour once' });
  t.same(parseRoster('08:00-09:00=2,09:00-10:00=3').slice(32, 40), [2, 2, 2, 2, 3, 3, 3, 3], 'spans that meet are not overlapping');
  t.equal(changeSentence(12, '08:00', '08:15', 'fri'), '12 more people 08:00–08:15 on Fridays');
});

t.test('a roster’s what-if: callers still waiting at a quarter hour’s end are answered by the next quarter hour’s people', async (t) => {
  const intervals = Array.from({ length: 96 }, (_, i) => {
    const calls = i === 32 ? 60 : i === 33 ? 20 : 0;
    return { interval: i, start: `${String(Math.floor(i / 4)).padStart(2, '0')}:${String((i % 4) * 15).padStart(2, '0')}`, open: i >= 32 && i < 34, calls, arrivalsPerSecond: calls / 900, handleSeconds: 150 };
  });
  const model: DemandModel = { weekday: 'mon', weeks: 4, history: [], historyBasis: 'enough', intervals, talkSeconds: 135, talkBasis: 'observed', handlePhases: 2, wrapUpSeconds: 15, patienceSeconds: 400, patienceBasis: 'observed', abandons: 50, answered: 300, callbackUptake: null, notes: [] };
  const roster = (at815: number) => ({ staff: Array.from({ length: 96 }, (_, i) => (i === 32 ? 5 : i === 33 ? at815 : 0)), source: 'given' as const });
  const [five, eight] = [planDay(model, targetFor(120), roster(5)), planDay(model, targetFor(120), roster(8))];
  const [a, b] = [five.intervals[0]!.predicted, eight.intervals[0]!.predicted];
  t.ok(b.abandonPct < a.abandonPct, `08:00: ${b.abandonPct}% hang up with eight people from 08:15, ${a.abandonPct}% with five`);
  t.ok(b.answeredWithinTargetPct >= a.answeredWithinTargetPct, `08:00: ${b.answeredWithinTargetPct}% within target, ${a.answeredWithinTargetPct}%`);
  // With five people throughout, 08:00 is the chain's own figure, its callers meeting five people after 08:15 too.
  const [alone] = transientPeriods([{ arrivalsPerSecond: 60 / 900, handleSeconds: 150, patienceSeconds: 400, servers: 5, seconds: 900, freshStarts: openingStarts(5, 60 / 900, 150) }]);
  t.equal(a.abandonPct, Math.round(alone!.prediction.abandonProbability * 1000) / 10);
});
