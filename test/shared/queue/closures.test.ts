import t from 'tap';
import { Closures } from '../../../shared/queue/closures.js';
import { CallQueue } from '../../../shared/queue/queue.js';
import { privateRedis } from '../../helpers/redis.js';

const SHARD = 'U1';
const TEAM = 'F1.reception';
const call = (n: number) => ({ callId: `t:${n}`, team: TEAM, practice: 'F1', from: `+4477009000${n}`, provider: 't', providerCallId: String(n) });
const HOUR = 3_600_000;

t.test('the queue step refuses while the practice has a closure not yet ended, writing nothing, and hands the closures back', async (t) => {
  const redis = await privateRedis(t);
  const q = new CallQueue(redis.connect());
  const closures = new Closures(q);
  const now = 10 * HOUR;
  const training = await closures.add(SHARD, 'F1', { from: now - HOUR, to: now + HOUR, team: 'F1.medicines', reason: 'Training' });
  await q.setPresence(SHARD, 'carol', 'available', [TEAM], now - 1000);

  const refused = await q.enqueueUnlessClosures(SHARD, 'F1', call(1), now, { teams: [TEAM], leaseMs: 60_000 });
  t.same(refused, { closures: [JSON.stringify(training)] }, 'the closure as stored');
  t.equal((await q.position(SHARD, 't:1', now)).state, '', 'the call was not written');
  t.same(await q.dispatch(SHARD, [TEAM], now, 60_000), [], 'nobody was paired: carol is still free for whoever comes');
  t.same(await closures.list(SHARD, 'F1', now), [training], 'the closure is kept');

  const other = await q.enqueueUnlessClosures(SHARD, 'F2', call(2), now, { teams: [TEAM], leaseMs: 60_000 });
  t.match(other, { state: 'connecting', pairs: [{ callId: 't:2', staffId: 'carol' }] }, 'another practice\'s closures do not stop the step');
});

t.test('a closure that has ended does not refuse the step, and is deleted by it', async (t) => {
  const redis = await privateRedis(t);
  const q = new CallQueue(redis.connect());
  const closures = new Closures(q);
  const now = 10 * HOUR;
  await closures.add(SHARD, 'F1', { from: now - 2 * HOUR, to: now, reason: 'Ended at the moment of the call' });
  const later = await closures.add(SHARD, 'F1', { from: now + HOUR, to: now + 2 * HOUR, reason: 'This afternoon' });

  const refused = await q.enqueueUnlessClosures(SHARD, 'F1', call(1), now, { teams: [TEAM], leaseMs: 60_000 });
  t.same(refused, { closures: [JSON.stringify(later)] }, 'only the one not ended comes back');
  t.same(await redis.connect().hkeys(`sb:{${SHARD}}:closures:F1`), [later.id], 'the ended one is gone from Redis');

  await closures.remove(SHARD, 'F1', later.id);
  const queued = await q.enqueueUnlessClosures(SHARD, 'F1', call(1), now, { teams: [TEAM], leaseMs: 60_000 });
  t.match(queued, { state: 'queued', position: 1, waiting: 1, pairs: [] }, 'no closures: queued in the same step');
});
