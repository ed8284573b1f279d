import t from 'tap';
import { CallQueue } from '../../../shared/queue/queue.js';
import { privateRedis } from '../../helpers/redis.js';

const SHARD = 'U1';
const TEAM = 'F1.reception';
const call = (n: number) => ({ callId: `t:${n}`, team: TEAM, practice: 'F1', from: `+4477009000${n}`, provider: 't', providerCallId: String(n) });

t.test('dispatch is atomic: concurrent dispatchers never pair a caller or a member of staff twice', async (t) => {
  const redis = await privateRedis(t);
  const setup = new CallQueue(redis.connect());
  for (let i = 0; i < 30; i++) await setup.enqueue(SHARD, call(i), 1000 + i);
  for (const s of ['s1', 's2', 's3', 's4', 's5']) await setup.setPresence(SHARD, s, 'available', [TEAM], 2000);
  // Twenty dispatchers on twenty connections, all at once.
  const queues = Array.from({ length: 20 }, () => new CallQueue(redis.connect()));
  const results = (await Promise.all(queues.map((q) => q.dispatch(SHARD, [TEAM], 3000, 60_000)))).flat();
  t.equal(results.length, 5, 'five staff, five pairings');
  t.same(results.map((r) => r.callId).sort(), ['t:0', 't:1', 't:2', 't:3', 't:4'], 'the five longest waiting');
  t.equal(new Set(results.map((r) => r.staffId)).size, 5, 'each member of staff once');
  t.same((await setup.position(SHARD, 't:5', 3000)).position, 1, 'the sixth caller is now first');
});

t.test('longest idle gets the next caller; positions are O(log n) ranks and exact', async (t) => {
  const redis = await privateRedis(t);
  const q = new CallQueue(redis.connect());
  await q.setPresence(SHARD, 'late', 'available', [TEAM], 5000);
  await q.setPresence(SHARD, 'early', 'available', [TEAM], 1000);
  await q.enqueue(SHARD, call(1), 6000);
  const [pair] = await q.dispatch(SHARD, [TEAM], 6000, 60_000);
  t.equal(pair?.staffId, 'early', 'idle since 1000 beats idle since 5000');
  t.match(pair, { callId: 't:1', practice: 'F1', provider: 't', providerCallId: '1' });
  for (let i = 2; i < 2000; i++) await q.enqueue(SHARD, call(i), 6000 + i);
  t.equal((await q.position(SHARD, 't:1500', 9000)).position, 1499 - 1 + 1);
  t.equal((await q.position(SHARD, 't:1500', 9000)).waiting, 1998);
});

t.test('a view says who is ahead: how many are call-backs, and since when the longest-waiting caller ahead has waited', async (t) => {
  const redis = await privateRedis(t);
  const q = new CallQueue(redis.connect());
  for (let i = 1; i <= 4; i++) await q.enqueue(SHARD, call(i), i * 1000);
  await q.requestCallback(SHARD, 't:1', 'F1-0001', '+447700900001', 5000);
  t.match(await q.position(SHARD, 't:4', 6000), { position: 4, callbacksAhead: 1, aheadSince: 2000 }, 'the call-back at the head never hangs up; t:2 is the longest-waiting caller ahead');
  const second = await q.position(SHARD, 't:2', 6000);
  t.match(second, { position: 2, callbacksAhead: 1 }, 'only a call-back ahead');
  t.equal(second.aheadSince, undefined, 'no caller ahead to have waited');
  t.match(await q.position(SHARD, 'cb:F1-0001', 6000), { position: 1, callbacksAhead: 0 }, 'the call-back itself: nobody ahead');
  t.match(await q.enqueue(SHARD, call(5), 7000), { position: 5, callbacksAhead: 1, aheadSince: 2000 }, 'the same on joining');
  // A priority caller joins at the head, ahead of everyone, having waited least: t:2 is still the longest-waiting ahead.
  await q.enqueue(SHARD, { ...call(6), priority: true }, 8000);
  t.match(await q.position(SHARD, 't:5', 9000), { position: 6, callbacksAhead: 1, aheadSince: 2000 }, 'the priority caller at the head has not waited longest');
  // One who has: a priority caller queued before every other caller ahead.
  const other = { team: 'F1.other' };
  await q.enqueue(SHARD, { ...call(7), ...other, priority: true }, 1000);
  for (const n of [8, 9]) await q.enqueue(SHARD, { ...call(n), ...other }, n * 1000);
  t.match(await q.position(SHARD, 't:9', 10_000), { position: 3, callbacksAhead: 0, aheadSince: 1000 }, 'the priority caller queued first has waited longest');
});

t.test('staff leave the idle sets when away and come back at the back of the idle line', async (t) => {
  const redis = await privateRedis(t);
  const q = new CallQueue(redis.connect());
  await q.setPresence(SHARD, 'a', 'available', [TEAM], 1000);
  await q.setPresence(SHARD, 'b', 'available', [TEAM], 2000);
  await q.setPresence(SHARD, 'a', 'away', [TEAM], 3000);
  await q.setPresence(SHARD, 'a', 'available', [TEAM], 4000);
  await q.enqueue(SHARD, call(1), 5000);
  t.equal((await q.dispatch(SHARD, [TEAM], 5000, 60_000))[0]?.staffId, 'b');
  t.equal((await q.position(SHARD, 't:1', 5000)).state, 'connecting');
  // Available again while available changes nothing; offline removes them from capacity.
  await q.setPresence(SHARD, 'a', 'offline', [TEAM], 6000);
  await q.enqueue(SHARD, call(2), 6000);
  t.same(await q.dispatch(SHARD, [TEAM], 6000, 60_000), [], 'nobody free');
  t.equal((await q.position(SHARD, 't:2', 6000)).staffOn, 1, 'only b counts as serving');
});

t.test('a connect whose lease runs out puts the caller back at the head and frees the staff member', async (t) => {
  const redis = await privateRedis(t);
  const q = new CallQueue(redis.connect());
  await q.setPresence(SHARD, 'a', 'available', [TEAM], 1000);
  await q.enqueue(SHARD, call(1), 2000);
  await q.enqueue(SHARD, call(2), 2001);
  await q.dispatch(SHARD, [TEAM], 3000, 10_000);
  t.same(await q.sweep(SHARD, [], 12_999, 10_000), { reaped: 0, released: 0, pairs: [], silent: [] }, 'not before the lease ends');
  t.same(await q.sweep(SHARD, [], 13_000, 10_000), { reaped: 1, released: 0, pairs: [], silent: [] });
  t.equal((await q.position(SHARD, 't:1', 13_000)).position, 1, 'back at the head');
  t.match(await q.staff(SHARD, 'a'), { presence: 'available', activity: 'idle' });
  t.equal((await q.dispatch(SHARD, [TEAM], 13_001, 10_000))[0]?.callId, 't:1', 'and offered again first');
});

t.test('one sweep releases a finished wrap-up and gives that member of staff the next caller', async (t) => {
  const redis = await privateRedis(t);
  const q = new CallQueue(redis.connect());
  await q.setPresence(SHARD, 'a', 'available', [TEAM], 1000);
  await q.enqueue(SHARD, call(1), 2000);
  await q.enqueue(SHARD, call(2), 2001);
  await q.dispatch(SHARD, [TEAM], 3000, 60_000);
  await q.staffAnswered(SHARD, 't:1', 'a', 3100);
  t.equal(await q.dialResult(SHARD, 't:1', 'a', 'answered', 60, 15_000, 63_000), 'wrap-up');
  t.same((await q.sweep(SHARD, [TEAM], 77_999, 60_000)).pairs, [], 'still wrapping up');
  const swept = await q.sweep(SHARD, [TEAM], 78_000, 60_000);
  t.match(swept, { reaped: 0, released: 1, pairs: [{ callId: 't:2', staffId: 'a', kind: 'call', arrivedAt: 2001 }] });
  t.same(await q.sweep(SHARD, [TEAM], 78_001, 60_000), { reaped: 0, released: 0, pairs: [], silent: [] }, 'nothing left to do');
});

t.test('joining and pairing are one step: a caller arriving to a free member of staff is paired as they join', async (t) => {
  const redis = await privateRedis(t);
  const q = new CallQueue(redis.connect());
  await q.setPresence(SHARD, 'a', 'available', [TEAM], 1000);
  const first = await q.enqueue(SHARD, call(1), 2000, { teams: [TEAM], leaseMs: 60_000 });
  t.match(first, { state: 'connecting', pairs: [{ callId: 't:1', staffId: 'a', arrivedAt: 2000 }] }, 'paired in the same script that queued them');
  const second = await q.enqueue(SHARD, call(2), 2001, { teams: [TEAM], leaseMs: 60_000 });
  t.match(second, { state: 'queued', position: 1, pairs: [] }, 'nobody free: queued, and the view is taken after the dispatch');
  t.same((await q.enqueue(SHARD, call(2), 2002, { teams: [TEAM], leaseMs: 60_000 })).position, 1, 'a repeated webhook changes nothing');
  t.same((await q.enqueue(SHARD, call(3), 2003)).pairs, [], 'without teams to dispatch, only queued');
});

t.test('an unanswered ring puts the caller back, re-pairs them and reads their place in the same step', async (t) => {
  const redis = await privateRedis(t);
  const db = redis.connect();
  const q = new CallQueue(db);
  await q.setPresence(SHARD, 'a', 'available', [TEAM], 1000);
  await q.enqueue(SHARD, { ...call(1), silentAfterMs: 120_000 }, 2000);
  await q.enqueue(SHARD, call(2), 2001);
  await q.dispatch(SHARD, [TEAM], 3000, 60_000);
  // Nobody else is free: back at the head, told where they stand, and listened for again.
  const alone = await q.dialEnded(SHARD, 't:1', 'a', 'no-answer', 0, 0, 23_000, { teams: [TEAM], leaseMs: 60_000, silentAfterMs: 120_000 });
  t.match(alone, { result: 'requeued', view: { state: 'queued', position: 1, waiting: 2, team: TEAM }, pairs: [] });
  t.equal(Number(await db.zscore('sb:{U1}:heard', 't:1')), 143_000, 'heard from now');
  // With someone free, the same step pairs the caller put back first.
  await q.setPresence(SHARD, 'b', 'available', [TEAM], 24_000);
  await q.dispatch(SHARD, [TEAM], 24_001, 60_000);
  await q.setPresence(SHARD, 'c', 'available', [TEAM], 25_000);
  const paired = await q.dialEnded(SHARD, 't:1', 'b', 'busy', 0, 0, 30_000, { teams: [TEAM], leaseMs: 60_000, silentAfterMs: 120_000 });
  t.match(paired, { result: 'requeued', view: { state: 'connecting', position: 0 }, pairs: [{ callId: 't:1', staffId: 'c' }] });
  t.same(await q.dialEnded(SHARD, 't:1', 'b', 'busy', 0, 0, 30_001, { teams: [TEAM], leaseMs: 60_000, silentAfterMs: 120_000 }), { result: 'stale', pairs: [] }, 'a repeat changes nothing');
  t.equal(await q.dialResult(SHARD, 't:1', 'c', 'no-answer', 0, 0, 31_000), 'requeued', 'without teams: no pairing, the result alone');
});
