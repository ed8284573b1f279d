import t from 'tap';
import { CallQueue } from '../../../shared/queue/queue.js';
import { privateRedis } from '../../helpers/redis.js';

const SHARD = 'U1';
const A = 'F1.reception';
const B = 'U1.medicines';
const X = 'F2.reception';
const call = (n: number, team: string, extra = {}) => ({ callId: `t:${n}`, team, practice: 'F1', from: `+4477009000${n}`, provider: 't', providerCallId: String(n), ...extra });

t.test('staff priorities: a team served first takes precedence; longest idle within a priority', async (t) => {
  const redis = await privateRedis(t);
  const q = new CallQueue(redis.connect());
  // helper serves B first and A second; front serves A only.
  await q.setPresence(SHARD, 'helper', 'available', [B, A], 1000, [1, 2]);
  await q.enqueue(SHARD, call(1, A), 2000);
  await q.enqueue(SHARD, call(2, B), 3000);
  // A is walked first, and its caller waited longer, but helper serves B first.
  const first = await q.dispatch(SHARD, [A, B], 4000, 60_000);
  t.same(first.map((p) => [p.callId, p.staffId]), [['t:2', 'helper']], 'the team served first gets the helper');
  await q.dialResult(SHARD, 't:2', 'helper', 'answered', 10, 0, 5000);
  await q.sweep(SHARD, [], 5000, 60_000);
  const second = await q.dispatch(SHARD, [A, B], 5000, 60_000);
  t.same(second.map((p) => [p.callId, p.staffId]), [['t:1', 'helper']], 'with B empty the helper serves A');

  // In A's idle line, those who serve A first come before those who help, however long idle.
  await q.setPresence(SHARD, 'front-late', 'available', [A], 9000);
  await q.setPresence(SHARD, 'front-early', 'available', [A], 8000);
  await q.setPresence(SHARD, 'helper2', 'available', [B, A], 100, [1, 2]);
  await q.enqueue(SHARD, call(3, A), 10_000);
  await q.enqueue(SHARD, call(4, A), 10_001);
  await q.enqueue(SHARD, call(5, A), 10_002);
  const third = await q.dispatch(SHARD, [A], 10_003, 60_000);
  t.same(third.map((p) => p.staffId), ['front-early', 'front-late', 'helper2'], 'priority 1 by idle time, then the priority-2 helper');
});

t.test('overflow after time and after size keeps the caller\'s place and original wait', async (t) => {
  const redis = await privateRedis(t);
  const q = new CallQueue(redis.connect());
  const rules = [{ team: A, afterMs: 300_000, whenMoreThan: 3, to: X }];
  await q.enqueue(SHARD, call(1, A), 0);
  await q.enqueue(SHARD, call(2, X, { practice: 'F2' }), 1000);
  await q.enqueue(SHARD, call(3, A), 2000);
  t.same(await q.overflow(SHARD, rules, 299_999), [], 'nobody before 300 s');
  t.same(await q.overflow(SHARD, rules, 300_000), [{ callId: 't:1', to: X }], 'after 300 s the first caller is also offered to X');
  t.same(await q.overflow(SHARD, rules, 300_500), [], 'once');
  t.same(await redis.connect().zrange(`sb:{${SHARD}}:q:${X}`, 0, -1), ['t:1', 't:2'], 'ahead of X\'s own later caller: place kept');
  t.equal((await q.position(SHARD, 't:1', 300_500)).position, 1, 'still first in their own queue');

  // More than three callers ahead in A: offered to X at once (A is t:1, t:3, t:4, t:5, t:6, t:7).
  for (let n = 4; n <= 7; n++) await q.enqueue(SHARD, call(n, A), 300_000 + n);
  t.same((await q.overflow(SHARD, rules, 300_010)).map((o) => o.callId), ['t:6', 't:7'], 'those with four or more ahead');

  // X's staff take the overflowed caller first (they arrived first), who leaves A's queue too.
  await q.setPresence(SHARD, 'x1', 'available', [X], 300_020);
  const [pair] = await q.dispatch(SHARD, [X], 300_030, 60_000);
  t.equal(pair?.callId, 't:1');
  t.same(await redis.connect().zrange(`sb:{${SHARD}}:q:${A}`, 0, -1), ['t:3', 't:4', 't:5', 't:6', 't:7'], 'gone from A');
  // Not answered: back at the head of both queues.
  await q.dialResult(SHARD, 't:1', 'x1', 'no-answer', 0, 0, 300_040);
  t.equal((await q.position(SHARD, 't:1', 300_040)).position, 1);
  t.same((await redis.connect().zrange(`sb:{${SHARD}}:q:${X}`, 0, -1))[0], 't:1');
  await q.setPresence(SHARD, 'x1', 'available', [X], 300_050);
  await q.dispatch(SHARD, [X], 300_060, 60_000);
  await q.staffAnswered(SHARD, 't:1', 'x1', 300_070);
  await q.endCall(SHARD, 't:1', 'F1', 86_400_000, 0, 400_070);
  const [record] = await q.records(SHARD, 'F1', 0, 500_000);
  t.match(record, { outcome: 'answered', overflowedTo: X, staff: 'x1', waitSeconds: '300', team: A }, 'the record shows the overflow and the whole wait');

  // A caller who hangs up leaves every queue they were in.
  await q.endCall(SHARD, 't:6', 'F1', 86_400_000, 0, 400_100);
  t.notOk((await redis.connect().zrange(`sb:{${SHARD}}:q:${X}`, 0, -1)).includes('t:6'));
  t.notOk((await redis.connect().zrange(`sb:{${SHARD}}:q:${A}`, 0, -1)).includes('t:6'));
});

t.test('whenMoreThan N: a caller with exactly N ahead stays; one with N + 1 ahead is offered', async (t) => {
  const redis = await privateRedis(t);
  const q = new CallQueue(redis.connect());
  const rules = [{ team: A, afterMs: -1, whenMoreThan: 2, to: X }];
  for (let n = 1; n <= 3; n++) await q.enqueue(SHARD, call(n, A), n);
  t.same(await q.overflow(SHARD, rules, 10), [], 't:3 has exactly 2 ahead: not more than 2, stays');
  await q.enqueue(SHARD, call(4, A), 4);
  t.same(await q.overflow(SHARD, rules, 11), [{ callId: 't:4', to: X }], 't:4 has 3 ahead: more than 2, offered');
});

t.test('IVR stage and priority callers', async (t) => {
  const redis = await privateRedis(t);
  const q = new CallQueue(redis.connect());
  t.equal(await q.begin(SHARD, call(1, A), 1000), 'ivr', 'a new call is in the IVR stage');
  t.equal(await q.begin(SHARD, call(1, A), 1500), 'ivr', 'a repeat changes nothing');
  t.equal((await q.endCall(SHARD, 't:1', 'F1', 86_400_000, 0, 2000)).outcome, 'ivr', 'hung up in the menu: outcome ivr');
  t.equal(await q.begin(SHARD, call(1, A), 2500), 'ended');

  await q.begin(SHARD, call(2, A), 3000);
  await q.enqueue(SHARD, call(2, A), 4000);
  await q.enqueue(SHARD, call(3, A), 4001);
  await q.enqueue(SHARD, call(4, A, { priority: true, route: 'priority:Care homes' }), 4002);
  await q.enqueue(SHARD, call(5, A, { priority: true }), 4003);
  t.same((await Promise.all(['t:4', 't:5', 't:2', 't:3'].map((id) => q.position(SHARD, id, 4004)))).map((v) => v.position), [1, 2, 3, 4], 'priority callers at the head, in their own arrival order');
  await q.endCall(SHARD, 't:4', 'F1', 86_400_000, 0, 5000);
  await q.endCall(SHARD, 't:2', 'F1', 86_400_000, 0, 5000);
  const records = await q.records(SHARD, 'F1', 0, 10_000);
  t.match(records.find((r) => r.callId === 't:4'), { outcome: 'abandoned', priority: '1', route: 'priority:Care homes' });
  t.match(records.find((r) => r.callId === 't:2'), { outcome: 'abandoned', arrivedAt: '3000', queuedAt: '4000', waitSeconds: '1' }, 'the wait counts from joining the queue, not from the greeting');
});
