import t from 'tap';
import { dueToSignIn, expectedWait, exposureOf, LiveWaitModel, modelWait, patienceFrom, REFRESH_MS } from '../../../shared/planning/live-wait.js';
import type { QueueView } from '../../../shared/queue/queue.js';
import { StatsStore } from '../../../shared/stats/store.js';
import { emptyCounters, FIELD } from '../../../shared/stats/layout.js';
import { privateRedis } from '../../helpers/redis.js';
import { at, CallPlayer, manualClock, playMondayHistory, R, statsDirectory } from '../../helpers/stats.js';

const view = (over: Partial<QueueView> = {}): QueueView => ({ state: 'queued', position: 3, waiting: 5, handleSeconds: 120, handleSamples: 10, staffOn: 2, team: 'F81001.reception', callbacksAhead: 0, ...over });
const near = (t: { ok: (pass: boolean, message: string) => unknown }, got: number, want: number, message: string) => t.ok(Math.abs(got - want) < 0.01, `${message} (${got.toFixed(3)} ≈ ${want})`);

t.test('the expected wait of Erlang A’s waiting chain, worked by hand', async (t) => {
  // Two people, 120 s a call: one call finishes every 60 s; the one in progress is half done.
  t.equal(expectedWait(3, 2, 120, Infinity), 150, 'nobody hangs up: (place − ½) × handle ÷ people');
  t.equal(expectedWait(1, 2, 120, 120), 30, 'next in the queue: nobody ahead to hang up, half a call to finish');
  // Patience 120 s (θ = 1/120): ½/(1/60) + 1/(1/60 + 1/120) + 1/(1/60 + 2/120) = 30 + 40 + 30.
  t.equal(expectedWait(3, 2, 120, 120), 100, 'callers ahead who hang up move the queue faster');
  t.ok(expectedWait(3, 1, 120, 1e12) > 299.99 && expectedWait(3, 1, 120, 1e12) <= 300, 'very patient callers: the wait with nobody hanging up');
  t.equal(expectedWait(0, 2, 120, 120), 0, 'not in the queue: no wait');
  // Nobody hangs up in their first minute, then 1 in 120 a second; 2 people, 120 s calls (1 in 60 a second):
  // the 2 ahead move up in 60 s (nobody hangs up yet), the last 1 in 1/(1/60 + 1/120) = 40 s, half a call 30 s.
  t.equal(expectedWait(3, 2, 120, { starts: [0, 60], rates: [0, 1 / 120] }), 130, 'patient first minutes: fewer ahead hang up early');
  t.equal(expectedWait(3, 2, 120, { starts: [0], rates: [1 / 120] }, 0, undefined, 1 / 30), 100, 'a one-piece curve is exponential patience, however fast calls come');
  // One call every 40 s: the 2 ahead joined 20 s and 60 s before this caller; only the first is past the minute.
  // They move up at 1/60 + 1/120 (40 s), the last then (60 s waited) at 1/60 + 1/120 (40 s); half a call, 30 s.
  t.equal(expectedWait(3, 2, 120, { starts: [0, 60], rates: [0, 1 / 120] }, 0, undefined, 1 / 40), 110, 'callers ahead have waited longer');
  // Half the queue call-backs, which never hang up: θ halves, 30 + 1/(1/60 + 1/240) + 1/(1/60 + 2/240) = 30 + 48 + 40.
  t.equal(expectedWait(3, 2, 120, 120, 0.5), 118, 'call-backs ahead do not hang up');
});

t.test('people due to sign in: last week’s people per quarter hour, only more', async (t) => {
  // Two people, 120 s calls, twice as many from 60 s on: 60 s (one in 60) to move up from 3rd to 2nd,
  // then one in 30: 30 s to first, and half a call, 15 s.
  t.equal(expectedWait(3, 2, 120, Infinity, 0, (elapsed) => (elapsed >= 60 ? 2 : 1)), 105);
  const roster = new Array<number>(96).fill(0);
  [roster[32], roster[33], roster[34]] = [4, 6, 3]; // 08:00 4 people, 08:15 6, 08:30 3
  const factor = dueToSignIn(roster, at('2026-09-07', '08:10'));
  t.equal(factor(0), 1, 'now: the people signed in');
  t.equal(factor(299), 1, 'still before 08:15');
  t.equal(factor(300), 1.5, 'from 08:15: six where last week had four');
  t.equal(factor(20 * 60), 1, 'a dip at 08:30 is not taken as people leaving');
  t.equal(dueToSignIn(new Array<number>(96).fill(0), at('2026-09-07', '08:10'))(600), 1, 'no calls last week: nobody assumed');
});

t.test('patience from the counters: all the waiting over the hang-ups, and no figure from too few', async (t) => {
  const c = emptyCounters();
  c[FIELD.answeredWaitSum] = 2000;
  c[FIELD.missedWaitSum] = 1000;
  c[FIELD.missed] = 10;
  t.same(exposureOf([c, emptyCounters()]), { waited: 3000, abandons: 10 });
  t.same(patienceFrom({ waited: 3000, abandons: 10 }), { seconds: 300, abandons: 10 }, '3,000 s waited by everyone, 10 hung up: 300 s');
  t.same(patienceFrom({ waited: 2000, abandons: 6 }, { waited: 1000, abandons: 4 }), { seconds: 300, abandons: 10 }, 'history and today together');
  t.same(patienceFrom({ waited: 3000, abandons: 9 }), { seconds: Infinity, abandons: 9 }, 'fewer than 10 hang-ups: no basis, nobody is assumed to hang up');
});

t.test('what a caller is told: the model, hedged or nothing', async (t) => {
  const patient = { seconds: Infinity, abandons: 0 };
  t.same(modelWait(view(), patient), { basis: 'observed', seconds: 150 });
  t.same(modelWait(view(), { seconds: 120, abandons: 20 }), { basis: 'observed', seconds: 100 });
  t.same(modelWait(view({ callbacksAhead: 2 }), { seconds: 120, abandons: 20 }), { basis: 'observed', seconds: 150 }, 'both ahead call-backs: nobody ahead hangs up');
  // One of the two ahead a call-back: θ halves, as worked above (30 + 48 + 40).
  t.same(modelWait(view({ callbacksAhead: 1 }), { seconds: 120, abandons: 20 }), { basis: 'observed', seconds: 118 }, 'the call-backs among those ahead in this queue, not the practice’s');
  t.same(modelWait(view({ position: 1, callbacksAhead: 0 }), { seconds: 120, abandons: 20 }), { basis: 'observed', seconds: 30 }, 'nobody ahead: half a call');
  t.same(modelWait(view({ staffOn: 1 }), patient), { basis: 'observed', seconds: 300 }, 'half the people, twice the wait');
  t.same(modelWait(view({ staffOn: 0 }), patient), { basis: 'none' }, 'nobody signed in: no figure');
  t.same(modelWait(view({ handleSeconds: undefined, handleSamples: 0 }), patient), { basis: 'none' }, 'no call handled: no figure');
  t.same(modelWait(view({ handleSamples: 1 }), patient), { basis: 'none' }, 'fewer calls finished than people answering: the short ones, no figure');
  t.same(modelWait(view({ handleSamples: 2 }), patient), { basis: 'hedged', seconds: 150 }, 'one per person but under five: hedged');
});

t.test('how long those ahead have waited: from the queue, since the longest-waiting caller ahead joined', async (t) => {
  const now = at('2026-09-07', '08:10');
  const curve = { starts: [0, 60], rates: [0, 1 / 120] };
  // Two ahead, the first queued 80 s ago: one place every 40 s, so they have waited about 60 s and
  // 20 s; as worked above (λ = 1/40), 40 + 40 + 30.
  t.same(modelWait(view({ aheadSince: now - 80_000 }), { seconds: 240, curve, abandons: 20 }, now), { basis: 'observed', seconds: 110 });
  // Queued 8 s ago (one every 4 s): they have waited 2 s and 6 s, so nobody ahead hangs up in the
  // first 60 s (the 2 ahead move up at 1/60); then the last (62 s waited) at 1/60 + 1/120: 60 + 40 + 30.
  t.same(modelWait(view({ aheadSince: now - 8_000 }), { seconds: 240, curve, abandons: 20 }, now), { basis: 'observed', seconds: 130 }, 'callers ahead who joined just now have not begun to hang up');
  t.same(modelWait(view({ aheadSince: now - 8_000 }), { seconds: 240, curve, abandons: 20 }), { basis: 'observed', seconds: 130 }, 'no time given: as if those ahead had waited no longer than this caller');
});

t.test('the live model learns patience from the practice’s Mondays and today so far, off the wait loop', async (t) => {
  const redis = await privateRedis(t);
  const directory = statsDirectory();
  const riverside = directory.practice('F81001')!;
  const player = new CallPlayer(redis.connect());
  // A known month of Mondays: answered waits 10 + 20 + 30 + 20 × 5 and 2 × 40, hung up 60 + 8 × 45 and 30 + 90 (11 hang-ups); the bank holiday left out.
  await playMondayHistory(player);
  // Today, Monday 7 September, so far: two hung up after 50 s.
  for (let i = 0; i < 2; i++) await player.missed(...R, at('2026-09-07', '08:00'), 50);

  const clock = manualClock(at('2026-09-07', '09:00'));
  // The 2 ahead of this caller in the queue, the first queued 180 s ago: one every 90 s.
  const queued = () => view({ aheadSince: clock.now() - 180_000 });
  const waits = new LiveWaitModel({ store: new StatsStore(redis.connect(), () => directory), queue: player.queue, directory: () => directory, clock, log: { warn: () => undefined } as never });
  t.same(waits.estimate(riverside, queued()), { basis: 'observed', seconds: 150 }, 'before its first read: nobody assumed to hang up');
  await waits.settle();
  // Waited 160 + 420 + 80 + 120 + 100 = 880 s; 9 + 2 + 2 = 13 hung up: patience 880/13 s on average,
  // and by the wait buckets (life table): 38 waited over 0 s; 0–30 s: 24 ended in it (1 hung up), 14 went on,
  // 14·30 + 24·15 = 780 s at risk; 30–60 s: 13 ended in it (11 hung up), 1 went on, 30 + 13·15 = 225 s.
  // Past 90 s nobody waited: the overall rate, 13/880. One place every 90 s: the 2 ahead joined 45 s and 135 s before this caller.
  // Place 3, 2 people on 120 s calls (1/60): the 2 ahead move up at 1/60 + 11/225 + 13/880 (12 s),
  // then the one left (57 s waited) at 1/60 + 11/225; then half a call, 30 s.
  const byHand = 30 + 1 / (1 / 60 + 11 / 225 + 13 / 880) + 1 / (1 / 60 + 11 / 225);
  near(t, (waits.estimate(riverside, queued()) as { seconds: number }).seconds, byHand, 'after it: the learnt patience');

  // Six more hang-ups today after 10 s: read again only once REFRESH_MS has passed.
  for (let i = 0; i < 6; i++) await player.missed(...R, at('2026-09-07', '08:30'), 10);
  waits.estimate(riverside, queued());
  await waits.settle();
  near(t, (waits.estimate(riverside, queued()) as { seconds: number }).seconds, byHand, 'within REFRESH_MS: the cached figure, no read');
  clock.set(at('2026-09-07', '09:00') + REFRESH_MS);
  waits.estimate(riverside, queued());
  await waits.settle();
  // Six more hung up in 0–30 s: 30–60 s is as before; the overall rate past 90 s is now 19/940.
  near(t, (waits.estimate(riverside, queued()) as { seconds: number }).seconds, 30 + 1 / (1 / 60 + 11 / 225 + 19 / 940) + 1 / (1 / 60 + 11 / 225), 'after it: today’s new hang-ups count');
});
