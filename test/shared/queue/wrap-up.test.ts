import t from 'tap';
import { CallQueue } from '../../../shared/queue/queue.js';
import { privateRedis } from '../../helpers/redis.js';

const SHARD = 'U1';
const TEAM = 'F1.reception';
const call = (n: number) => ({ callId: `t:${n}`, team: TEAM, practice: 'F1', from: `+4477009000${n}`, provider: 't', providerCallId: String(n) });

t.test('ending wrap-up early: idle at once in the same script as presence, then the next caller; refused outside wrap-up', async (t) => {
  const redis = await privateRedis(t);
  const q = new CallQueue(redis.connect());
  await q.setPresence(SHARD, 'a', 'available', [TEAM], 1000);
  t.match(await q.staff(SHARD, 'a'), { presenceSince: '1000', activitySince: '1000' }, 'when presence and activity began are kept');
  t.match(await q.setPresence(SHARD, 'a', 'available', [TEAM], 1500, [1], undefined, true), { presence: 'available', activity: 'idle', notInWrapUp: true }, 'idle: nothing to end');
  await q.enqueue(SHARD, call(1), 2000);
  await q.enqueue(SHARD, call(2), 2001);
  await q.dispatch(SHARD, [TEAM], 3000, 60_000);
  t.match(await q.staff(SHARD, 'a'), { activity: 'ringing', activitySince: '3000' });
  t.match(await q.setPresence(SHARD, 'a', 'available', [TEAM], 3050, [1], undefined, true), { activity: 'ringing', notInWrapUp: true }, 'ringing: refused, nothing changes');
  t.match(await q.staff(SHARD, 'a'), { activity: 'ringing', call: 't:1' });
  await q.staffAnswered(SHARD, 't:1', 'a', 3100);
  t.match(await q.staff(SHARD, 'a'), { activity: 'on-call', activitySince: '3100' });
  t.equal(await q.dialResult(SHARD, 't:1', 'a', 'answered', 60, 600_000, 63_000), 'wrap-up');
  t.match(await q.staff(SHARD, 'a'), { activity: 'wrap-up', activitySince: '63000' });

  const ended = await q.setPresence(SHARD, 'a', 'available', [TEAM], 70_000, [1], undefined, true);
  t.same(ended, { presence: 'available', activity: 'idle' }, 'wrap-up ended');
  t.match(await q.staff(SHARD, 'a'), { activity: 'idle', idleSince: '70000', activitySince: '70000' });
  t.equal(await redis.connect().zscore(`sb:{${SHARD}}:wrapups`, 'a'), null, 'no longer waiting for the wrap-up timer');
  t.match(await q.dispatch(SHARD, [TEAM], 70_001, 60_000), [{ callId: 't:2', staffId: 'a' }], 'the next caller goes to them');
});

t.test('ending wrap-up after choosing Away during it: free for the next caller (the route sets available)', async (t) => {
  const redis = await privateRedis(t);
  const q = new CallQueue(redis.connect());
  await q.setPresence(SHARD, 'b', 'available', [TEAM], 1000);
  await q.enqueue(SHARD, call(1), 2000);
  await q.dispatch(SHARD, [TEAM], 3000, 60_000);
  await q.staffAnswered(SHARD, 't:1', 'b', 3100);
  await q.dialResult(SHARD, 't:1', 'b', 'answered', 60, 600_000, 63_000);
  await q.setPresence(SHARD, 'b', 'away', [TEAM], 64_000);
  t.match(await q.staff(SHARD, 'b'), { presence: 'away', presenceSince: '64000', activity: 'wrap-up' });
  await q.enqueue(SHARD, call(2), 65_000);
  t.same(await q.setPresence(SHARD, 'b', 'available', [TEAM], 66_000, [1], undefined, true), { presence: 'available', activity: 'idle' });
  t.match(await q.dispatch(SHARD, [TEAM], 66_001, 60_000), [{ callId: 't:2', staffId: 'b' }]);
});
