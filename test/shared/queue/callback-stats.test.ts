import t from 'tap';
import { CallQueue } from '../../../shared/queue/queue.js';
import { dayNumberOf, FIELD } from '../../../shared/stats/layout.js';
import { StatsStore } from '../../../shared/stats/store.js';
import { privateRedis } from '../../helpers/redis.js';
import { statsDirectory } from '../../helpers/stats.js';

const SHARD = 'U12345';
const TEAM = 'F81001.reception';
const DAY = '2026-11-24';
const at = (hhmmss: string) => Date.parse(`${DAY}T${hhmmss}Z`); // November: London is on UTC

t.test("mean_callback_answer_s is measured from the caller's request, not from the arrival of the call they asked on", async (t) => {
  const redis = await privateRedis(t);
  const directory = statsDirectory();
  const q = new CallQueue(redis.connect());
  const store = new StatsStore(redis.connect(), () => directory);

  // 10:00:00 the call arrives; 10:05:00 the caller asks for a call-back (their call then ends);
  // 10:15:00 Alice is free and rung first; 10:16:00 the patient answers; 10:20:00 the call-back ends.
  await q.enqueue(SHARD, { callId: 't:1', team: TEAM, practice: 'F81001', from: '+447700900001', provider: 't', providerCallId: '1' }, at('10:00:00'));
  t.match(await q.requestCallback(SHARD, 't:1', 'F81001-0001', '+447700900001', at('10:05:00')), { result: 'requested' });
  t.match(await q.endCall(SHARD, 't:1', 'F81001', 86_400_000, 0, at('10:05:01')), { outcome: 'callback-requested' });
  await q.setPresence(SHARD, 'alice', 'available', [TEAM], at('10:15:00'));
  const [pair] = await q.dispatch(SHARD, [TEAM], at('10:15:00'), 60_000);
  t.equal(pair?.callId, 'cb:F81001-0001', 'the call-back reaches Alice');
  t.equal(await q.staffAnswered(SHARD, 'cb:F81001-0001', 'alice', at('10:15:10')), true);
  await q.markCallbackAnswered(SHARD, 'F81001-0001', at('10:16:00'));
  t.match(await q.endCall(SHARD, 'cb:F81001-0001', 'F81001', 86_400_000, 0, at('10:20:00')), { result: 'ended' });

  const riverside = directory.practice('F81001')!;
  const counters = (await store.intervals(riverside, dayNumberOf(DAY)))[40]!; // 10:00–10:15, where the call arrived
  t.equal(counters[FIELD.callBackRequested], 1, 'CBT005 in the interval the call arrived in');
  t.equal(counters[FIELD.callBackMade], 1, 'CBT006 in the same interval, so "made of requested" compares like with like');
  t.equal(counters[FIELD.callBackAnswerSum], 11 * 60, '11 minutes from the request (10:05) to the patient answering (10:16), not 16 from the arrival');

  // Recounted from the records (switchboard-stats rebuild): the same figures.
  await store.rebuildDay(riverside, dayNumberOf(DAY), at('20:00:00'));
  const rebuilt = (await store.intervals(riverside, dayNumberOf(DAY)))[40]!;
  t.same([rebuilt[FIELD.callBackRequested], rebuilt[FIELD.callBackMade], rebuilt[FIELD.callBackAnswerSum]], [1, 1, 11 * 60], 'a rebuild measures from the request too');
});
