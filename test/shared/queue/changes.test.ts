import t from 'tap';
import { changesChannel, publishesChanges } from '../../../shared/queue/changes.js';
import { CallQueue } from '../../../shared/queue/queue.js';
import { privateRedis } from '../../helpers/redis.js';
import { until } from '../../helpers/poll.js';

const SHARD = 'U1';
const TEAM = 'F1.reception';

t.test('which scripts publish', async (t) => {
  t.notOk(publishesChanges('queuePosition'), 'reads never publish');
  t.notOk(publishesChanges('snapshot'), 'nor does /metrics\' read of a shard');
  t.notOk(publishesChanges('compactStats'), 'nor the statistics\' upkeep');
  // No screen shows a search or a recording: a notice would wake every screen for nothing.
  for (const name of ['searchRecords', 'recordingEvent', 'claimDueRecordings', 'recordingDeleted']) t.notOk(publishesChanges(name), `nor ${name} (no screen shows it)`);
  t.ok(publishesChanges('dispatch'));
  t.ok(publishesChanges('endCall'));
  t.ok(publishesChanges('someFutureScript'), 'new scripts publish by default');
});

t.test('every state change publishes its shard, and only then', async (t) => {
  const redis = await privateRedis(t);
  const db = redis.connect();
  const q = new CallQueue(db, 'sb:');
  const listener = redis.connect();
  const notices: string[] = [];
  let markersSeen = 0;
  listener.on('message', (_c: string, m: string) => (m.startsWith('marker:') ? markersSeen++ : notices.push(m)));
  await listener.subscribe(changesChannel('sb:'));
  // Every notice the queue published so far is delivered before a marker published after it on the
  // same connection (Redis keeps one connection's messages in order): wait for the marker, not for time.
  let markersSent = 0;
  const settle = async () => {
    await db.publish(changesChannel('sb:'), `marker:${++markersSent}`);
    await until('the marker', async () => markersSeen, (n) => n === markersSent);
  };

  await q.enqueue(SHARD, { callId: 't:1', team: TEAM, practice: 'F1', from: '+447700900001', provider: 't', providerCallId: '1' }, 1000);
  await settle();
  t.same(notices, ['sb:{U1}:'], 'a caller joining: one notice naming the shard by its key prefix');

  await q.position(SHARD, 't:1', 1100);
  await q.snapshot(SHARD, [TEAM], []);
  await q.sweep(SHARD, [TEAM], 1100, 60_000);
  await q.dispatch(SHARD, [TEAM], 1100, 60_000);
  await settle();
  t.equal(notices.length, 1, 'reads (a position, a snapshot) and an idle sweep publish nothing');

  await q.setPresence(SHARD, 's1', 'available', [TEAM], 1200);
  await q.dispatch(SHARD, [TEAM], 1300, 60_000);
  await q.staffAnswered(SHARD, 't:1', 's1', 1400);
  await q.staffAnswered(SHARD, 't:1', 's1', 1450); // repeat: stale
  await q.endCall(SHARD, 't:1', 'F1', 86_400_000, 1000, 2000);
  await q.endCall(SHARD, 't:1', 'F1', 86_400_000, 1000, 2100); // repeat: duplicate
  await settle();
  t.equal(notices.length, 5, 'presence, pairing, answer and end: one notice each; repeats none');
});
