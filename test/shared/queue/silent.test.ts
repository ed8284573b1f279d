import t from 'tap';
import { CallQueue } from '../../../shared/queue/queue.js';
import { privateRedis } from '../../helpers/redis.js';

const SHARD = 'U1';
const TEAM = 'F1.reception';
const SILENT = 120_000;
const RECHECK = 60_000;
const call = (n: number) => ({ callId: `t:${n}`, team: TEAM, practice: 'F1', from: `+4477009000${n}`, provider: 't', providerCallId: String(n), silentAfterMs: SILENT });
/** The silent callers a sweep hands out (no teams to pair: what else the sweep does is tested in queue.test.ts). */
const silentCalls = async (q: CallQueue, now: number) => (await q.sweep(SHARD, [], now, 60_000, { recheckMs: RECHECK, limit: 20 })).silent;
const ids = async (q: CallQueue, now: number) => (await silentCalls(q, now)).map((c) => c.callId);

t.test('waiting callers count as silent only after silentAfterMs without a webhook, each handed out once per recheck', async (t) => {
  const redis = await privateRedis(t);
  const q = new CallQueue(redis.connect());
  await q.enqueue(SHARD, call(1), 0);
  await q.enqueue(SHARD, call(2), 0);
  t.same(await ids(q, SILENT - 1), [], 'nobody is silent before their time');
  // Caller 2's wait loop posts at 30 s: heard from, so silent only from 150 s.
  await q.position(SHARD, 't:2', 30_000, SILENT);
  const [first] = await silentCalls(q, SILENT);
  t.same(first, { callId: 't:1', practice: 'F1', provider: 't', providerCallId: '1' }, 'caller 1, with what it takes to ask its provider');
  t.same(await ids(q, SILENT + 1000), [], 'not handed out again every sweep');
  t.same(await ids(q, SILENT + 30_000), ['t:2'], 'caller 2, 120 s after they were last heard from');
  t.same(await ids(q, SILENT + RECHECK), ['t:1'], 'caller 1 again after the recheck interval (its call was still live)');

  // A position read without silentAfterMs (a call-back's place) does not count as hearing from anyone.
  await q.position(SHARD, 't:1', 200_000);
  t.same(await ids(q, SILENT + 2 * RECHECK), ['t:2', 't:1'], 'both again, neither refreshed');
});

t.test('only callers still waiting are handed out; ended and connected callers leave the set', async (t) => {
  const redis = await privateRedis(t);
  const db = redis.connect();
  const q = new CallQueue(db);
  for (const n of [1, 2, 3]) await q.enqueue(SHARD, call(n), 0);
  t.equal(await db.zcard('sb:{U1}:heard'), 3);
  await q.endCall(SHARD, 't:1', 'F1', 86_400_000, 0, 1000);
  await q.setPresence(SHARD, 's1', 'available', [TEAM], 1000);
  const [pair] = await q.dispatch(SHARD, [TEAM], 1000, 600_000); // a lease that outlasts the test: the sweep does not put them back
  t.equal(pair?.callId, 't:2');
  t.same(await db.zrange('sb:{U1}:heard', 0, -1), ['t:3'], 'the ended caller and the one being connected are no longer listened for');
  // A stray entry for a call no longer waiting is dropped, not handed out.
  await db.zadd('sb:{U1}:heard', 0, 't:2');
  t.same(await ids(q, SILENT), ['t:3']);
  t.same(await db.zrange('sb:{U1}:heard', 0, -1), ['t:3']);
});

t.test('a call-back holding a place is never listened for; the call it was asked on is, until its end is reported', async (t) => {
  const redis = await privateRedis(t);
  const db = redis.connect();
  const q = new CallQueue(db);
  await q.enqueue(SHARD, call(1), 0);
  const request = await q.requestCallback(SHARD, 't:1', 'F1-0001', '+447700900001', 1000);
  t.equal(request.result, 'requested');
  await q.position(SHARD, 'cb:F1-0001', 2000);
  t.notOk(await db.zscore('sb:{U1}:heard', 'cb:F1-0001'), 'the call-back is not listened for');
  // The caller who asked hangs up; until that end is reported (it counts CBT005) their call is listened for.
  t.same(await ids(q, SILENT), ['t:1'], 'the caller who asked is asked about if their end is not reported');
  t.equal((await q.endCall(SHARD, 't:1', 'F1', 86_400_000, 0, SILENT + 1000)).outcome, 'callback-requested');
  t.equal(await db.zcard('sb:{U1}:heard'), 0, 'once ended, nobody is listened for');
});

t.test('one sweep pairs and hands out silent callers in the same round trip; the caller it pairs is not asked about', async (t) => {
  const redis = await privateRedis(t);
  const q = new CallQueue(redis.connect());
  for (const n of [1, 2, 3]) await q.enqueue(SHARD, call(n), n);
  await q.setPresence(SHARD, 'a', 'available', [TEAM], SILENT);
  const swept = await q.sweep(SHARD, [TEAM], SILENT + 10, 600_000, { recheckMs: RECHECK, limit: 20 });
  t.match(swept.pairs, [{ callId: 't:1', staffId: 'a', kind: 'call' }], 'the first caller paired with the free member of staff');
  t.same(swept.silent.map((c) => c.callId), ['t:2', 't:3'], 'the two still waiting handed out, with every field');
  t.same(swept.silent[1], { callId: 't:3', practice: 'F1', provider: 't', providerCallId: '3' });
  t.same(await q.sweep(SHARD, [TEAM], SILENT + 20, 600_000), { reaped: 0, released: 0, pairs: [], silent: [] }, 'without asking for silent callers, an idle sweep has nothing to say');
});
