import t from 'tap';
import { CallSearch, planSearch, RECORDS_PER_SLICE } from '../../../shared/calls/search.js';
import { londonInstant, londonMidnight } from '../../../shared/london-time.js';
import { CallQueue } from '../../../shared/queue/queue.js';
import { at, DAY, reportsDirectory } from '../../helpers/known-day.js';
import { privateRedis } from '../../helpers/redis.js';

const SHARD = 'U12345';
const RETENTION_MS = 30 * 86_400_000;
const directory = reportsDirectory();
const practice = directory.practice('F81001')!;
const number = (i: number) => `+4477009${String(i).padStart(5, '0')}`;

t.test('a day read in slices: every record once, ties in end time across slice boundaries included', async (t) => {
  const redis = await privateRedis(t);
  const r = redis.connect();
  const q = new CallQueue(r);
  const calls = 2500;
  const sameEnd = 1500; // more than a slice ends in one millisecond
  t.ok(sameEnd > RECORDS_PER_SLICE && calls > 2 * RECORDS_PER_SLICE, 'the test crosses slice boundaries');
  for (let i = 0; i < calls; i++) {
    const callId = `twilio:CA-slice-${i}`;
    await q.enqueue(SHARD, { callId, team: 'F81001.reception', practice: 'F81001', from: number(i), provider: 'twilio', providerCallId: `CA-slice-${i}` }, at('10:00:00') + i);
    await q.endCall(SHARD, callId, 'F81001', RETENTION_MS, 0, i < sameEnd ? at('11:00:00') : at('11:00:00') + i);
  }
  const search = new CallSearch(r, 'sb:', () => directory);
  const now = at('13:00:00');
  const all = await search.run(planSearch(directory, practice, { from: DAY }, now));
  t.equal(all.length, calls, 'every call');
  t.equal(new Set(all.map((c) => c.callId)).size, calls, 'each once');
  t.same(all.slice(0, 2).map((c) => c.callId), ['twilio:CA-slice-0', 'twilio:CA-slice-1'], 'by arrival');
  t.ok(all.every((c, i) => c.callerLast3 === number(i).slice(-3)), "each with its number's last three digits");

  const ending = async (digits: string) => (await search.run(planSearch(directory, practice, { from: DAY, digits }, now))).map((c) => c.callId);
  t.same(await ending('1234'), ['twilio:CA-slice-1234'], 'four digits: the one number that ends 1234');
  t.same(await ending('123'), ['twilio:CA-slice-123', 'twilio:CA-slice-1123', 'twilio:CA-slice-2123'], 'three digits: the three that end 123');
  t.same(await ending('0123'), ['twilio:CA-slice-123'], 'a leading zero counts: …00123 ends 0123, …01123 does not');
});

t.test('a call is found by the day and time it arrived, even when it ended after midnight', async (t) => {
  const redis = await privateRedis(t);
  const r = redis.connect();
  const q = new CallQueue(r);
  const arrive = londonInstant(DAY, 23 * 60 + 50);
  await q.enqueue(SHARD, { callId: 'twilio:CA-late', team: 'F81001.reception', practice: 'F81001', from: number(7), provider: 'twilio', providerCallId: 'CA-late' }, arrive);
  await q.endCall(SHARD, 'twilio:CA-late', 'F81001', RETENTION_MS, 0, arrive + 30 * 60_000);
  const search = new CallSearch(r, 'sb:', () => directory);
  const now = londonMidnight('2026-06-17') + 12 * 3600_000;
  const ids = async (query: object) => (await search.run(planSearch(directory, practice, query, now))).map((c) => c.callId);
  t.same(await ids({ from: DAY }), ['twilio:CA-late'], 'on the day it arrived');
  t.same(await ids({ from: DAY, fromTime: '23:45' }), ['twilio:CA-late'], 'in the quarter hour it arrived');
  t.same(await ids({ from: '2026-06-17' }), [], 'not on the day it ended');
  t.same(await ids({ from: DAY, toTime: '23:50' }), [], 'a window ends before its toTime');
});
