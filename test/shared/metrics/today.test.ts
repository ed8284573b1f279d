import t from 'tap';
import { londonDayBounds } from '../../../shared/london-time.js';
import { dayMetrics, percentile } from '../../../shared/metrics/today.js';

const day = londonDayBounds('2026-01-14', 0);
const at = (hhmm: string) => String(day.from + (Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3))) * 60_000);
const rec = (outcome: string, arrived: string, wait: number, team = 'F81001.reception') => ({ outcome, team, arrivedAt: at(arrived), waitSeconds: String(wait) });

t.test('nearest-rank percentile', async (t) => {
  t.equal(percentile([], 90), null);
  t.equal(percentile([5], 90), 5);
  t.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90), 9);
  t.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 90), 10);
});

t.test('an empty day has no averages or percentages, and 96 intervals', async (t) => {
  const m = dayMetrics([], day, 120);
  t.match(m, { offered: 0, answered: 0, abandoned: 0, abandonedPercent: null, averageWaitSeconds: null, p90WaitSeconds: null, answeredWithinTargetPercent: null, callbacksRequested: 0, callbacksMade: 0 });
  t.equal(m.intervals.length, 96);
  t.equal(m.intervals[0]!.label, '00:00');
  t.equal(m.intervals[33]!.label, '08:15');
});

t.test('offered, answered, abandoned, waits and target from the records', async (t) => {
  const records = [
    rec('answered', '08:01', 30),
    rec('answered', '08:14', 150),
    rec('answered', '08:15', 120),
    rec('abandoned', '08:20', 400),
    rec('ivr', '08:21', 0),
    rec('answered', '09:59', 10, 'F81001.dispensary'),
  ];
  const m = dayMetrics(records, day, 120);
  t.equal(m.offered, 5, 'answered + abandoned; a call ended before queueing is not offered');
  t.equal(m.endedBeforeQueue, 1);
  t.equal(m.answered, 4);
  t.equal(m.abandoned, 1);
  t.equal(m.abandonedPercent, 20);
  t.equal(m.averageWaitSeconds, 78, 'mean of answered waits (30+150+120+10)/4 = 77.5, rounded');
  t.equal(m.p90WaitSeconds, 150);
  t.equal(m.answeredWithinTargetPercent, 75, 'waits of exactly the target count as within it');
  const eight = m.intervals.find((i) => i.label === '08:00')!;
  const quarterPast = m.intervals.find((i) => i.label === '08:15')!;
  t.same([eight.offered, eight.answered, eight.abandoned], [2, 2, 0]);
  t.same([quarterPast.offered, quarterPast.answered, quarterPast.abandoned], [2, 1, 1]);
  t.equal(m.intervals.reduce((n, i) => n + i.offered, 0), m.offered, 'intervals add up to the day');

  const team = dayMetrics(records, day, 60, new Set(['F81001.dispensary']));
  t.match(team, { offered: 1, answered: 1, averageWaitSeconds: 10, answeredWithinTargetPercent: 100 });
});

t.test('clock-change days have 92 or 100 intervals, labelled in London time', async (t) => {
  const spring = dayMetrics([], londonDayBounds('2026-03-29', 0), 120);
  t.equal(spring.intervals.length, 92);
  t.equal(spring.intervals[4]!.label, '02:00', '01:00–02:00 does not exist that morning');
  const autumn = dayMetrics([], londonDayBounds('2026-10-25', 0), 120);
  t.equal(autumn.intervals.length, 100);
  t.same(autumn.intervals.slice(4, 9).map((i) => i.label), ['01:00', '01:15', '01:30', '01:45', '01:00']);
});

t.test('a call that arrived before midnight counts in the first interval', async (t) => {
  const m = dayMetrics([{ outcome: 'answered', team: 'x', arrivedAt: String(day.from - 60_000), waitSeconds: '5' }], day, 120);
  t.equal(m.intervals[0]!.answered, 1);
});

t.test('call-backs today: requested (CBT005) and made (CBT006) by the day they belong to, in the teams watched', async (t) => {
  // The day a call-back belongs to is its firstRingAt (the call it was asked on arrived, or staff booked it), as in /v1/stats.
  const cb = (state: string, firstRing: string | number, team = 'F81001.reception') => ({ state, team, firstRingAt: typeof firstRing === 'number' ? firstRing : Number(at(firstRing)) });
  const callbacks = [
    cb('made', '09:00'),
    cb('made', '11:30'),
    cb('failed', '10:00'),
    cb('queued', '12:00'),
    cb('made', '10:00', 'U12345.medicines'),
    cb('made', day.from - 1), // asked on a call that arrived yesterday, made today: yesterday's figure
    cb('booked', day.to), // booked for tomorrow's first minute: tomorrow's
  ];
  const all = dayMetrics([], day, 120, undefined, callbacks);
  t.match(all, { callbacksRequested: 5, callbacksMade: 3 }, 'all teams: five requested today, three of them made');
  t.match(dayMetrics([], day, 120, new Set(['F81001.reception']), callbacks), { callbacksRequested: 4, callbacksMade: 2 }, 'one team: its own');
});
