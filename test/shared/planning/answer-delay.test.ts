import t from 'tap';
import { answeredCall, answerGaps, learntAnswerDelay, MIN_ANSWER_GAPS, modelWaitTarget } from '../../../shared/planning/answer-delay.js';
import { withAnswerDelay, type DemandModel } from '../../../shared/planning/model.js';
import { planDay, targetFor } from '../../../shared/planning/plan.js';
import { transientPeriods } from '../../../shared/planning/transient.js';

const s = (seconds: number) => seconds * 1000;

t.test('the answer delay: a person free, to their picking up a caller who was waiting, counted by hand', async (t) => {
  const calls = [
    // Anna: a 100 s call answered at 0 (ended 100, free 115 after 15 s wrap-up); the next caller waited since 50: picked up at 121 → 6 s.
    { staff: 'anna', queuedAt: s(0), answeredAt: s(0), endedAt: s(100) },
    { staff: 'anna', queuedAt: s(50), answeredAt: s(121), endedAt: s(200) },
    // … then 215 free; a caller who joined at 300, after she was free, is no answer delay (she was waiting for them).
    { staff: 'anna', queuedAt: s(300), answeredAt: s(302), endedAt: s(400) },
    // … 415 free; picked up at 500: 85 s is something else (a call-back between, time away), not answering.
    { staff: 'anna', queuedAt: s(410), answeredAt: s(500), endedAt: s(600) },
    // Ben, in between Anna's calls in time: his own gaps only. Free at 75; picked up at 79 → 4 s.
    { staff: 'ben', queuedAt: s(10), answeredAt: s(10), endedAt: s(60) },
    { staff: 'ben', queuedAt: s(20), answeredAt: s(79), endedAt: s(150) },
  ];
  t.same(answerGaps(calls, 15).sort((a, b) => a - b), [4, 6]);
  t.same(answerGaps([...calls].reverse(), 15).sort((a, b) => a - b), [4, 6], 'in any order');
  t.same(answerGaps(calls, 0).sort((a, b) => a - b), [19, 21], 'no wrap-up: free as the call ends');
  t.equal(learntAnswerDelay(new Array(MIN_ANSWER_GAPS - 1).fill(5)), undefined, 'too few to tell');
  t.equal(learntAnswerDelay([...new Array(MIN_ANSWER_GAPS - 1).fill(5), 25]), 6, 'the mean');
});

t.test('from a call record: only answered calls with a person and all three times', async (t) => {
  const record = { outcome: 'answered', staff: 'anna', queuedAt: '1000', answeredAt: '2000', endedAt: '3000' };
  t.same(answeredCall(record), { staff: 'anna', queuedAt: 1000, answeredAt: 2000, endedAt: 3000 });
  t.equal(answeredCall({ ...record, outcome: 'abandoned' }), undefined);
  t.equal(answeredCall({ ...record, staff: '' }), undefined);
  t.equal(answeredCall({ ...record, queuedAt: '' }), undefined, 'a call never queued (put straight through) has no wait to take it from');
  t.same(answeredCall({ ...record, queuedAt: '1970-01-01T00:00:01.000Z', answeredAt: '1970-01-01T00:00:02.000Z', endedAt: '1970-01-01T00:00:03.000Z' }), { staff: 'anna', queuedAt: 1000, answeredAt: 2000, endedAt: 3000 }, 'as the API gives the times, too');
});

t.test('the model is held to the answer target less the ringing, and never below nothing', async (t) => {
  t.equal(modelWaitTarget(120, 5), 115);
  t.equal(modelWaitTarget(120), 120, 'none learnt');
  t.equal(modelWaitTarget(3, 5), 0);
});

t.test('the plan with an answer delay: longer calls, and the wait counted to the pick-up', async (t) => {
  const intervals = Array.from({ length: 96 }, (_, i) => {
    const calls = i === 32 ? 40 : i === 33 ? 20 : 0;
    return { interval: i, start: `${String(Math.floor(i / 4)).padStart(2, '0')}:${String((i % 4) * 15).padStart(2, '0')}`, open: i === 32 || i === 33, calls, arrivalsPerSecond: calls / 900, handleSeconds: 150 };
  });
  const model: DemandModel = { weekday: 'mon', weeks: 4, history: [], historyBasis: 'enough', intervals, talkSeconds: 135, talkBasis: 'observed', handlePhases: 1, wrapUpSeconds: 15, patienceSeconds: 400, patienceBasis: 'observed', abandons: 50, answered: 300, callbackUptake: null, notes: [] };
  const few = withAnswerDelay(model, [8, 8]);
  t.equal(few.answerDelaySeconds, undefined);
  t.same(few.intervals, model.intervals, 'too few answers from a waiting queue: no delay');
  t.match(few.notes.join(' '), /taken as none/);
  const learnt = withAnswerDelay(model, new Array(MIN_ANSWER_GAPS).fill(10));
  t.equal(learnt.answerDelaySeconds, 10);
  t.equal(learnt.intervals[32]!.handleSeconds, 160, 'talk + wrap-up + 10 s ringing');
  t.same(model.intervals[32]!.handleSeconds, 150, 'the model it came from is left as it was');
  // Five people at 08:00: the chain with 160 s calls, and within target: the model's wait within 120 − 10 s.
  const roster = { staff: Array.from({ length: 96 }, (_, i) => (i === 32 || i === 33 ? 5 : 0)), source: 'given' as const };
  const plan = planDay(learnt, targetFor(120), roster);
  const [chain] = transientPeriods([{ arrivalsPerSecond: 40 / 900, handleSeconds: 160, handlePhases: 1, patienceSeconds: 400, servers: 5, nextServers: 5, seconds: 900 }]);
  t.equal(plan.intervals[0]!.predicted.answeredWithinTargetPct, Math.round(chain!.prediction.serviceLevel(110) * 1000) / 10);
  t.equal(plan.target.answerWithinSeconds, 120, 'the plan still states the practice’s target');
  t.ok(plan.intervals[0]!.predicted.answeredWithinTargetPct < planDay(model, targetFor(120), roster).intervals[0]!.predicted.answeredWithinTargetPct, 'fewer within target than without the ringing');
});
