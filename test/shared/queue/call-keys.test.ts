import t from 'tap';
import { CallQueue } from '../../../shared/queue/queue.js';
import { privateRedis } from '../../helpers/redis.js';

const SHARD = 'U1';
const TEAM = 'F1.reception';
const SILENT = 120_000;
const DAY = 86_400_000;
const RETENTION = 7 * DAY;
const call = (n: number) => ({ callId: `t:${n}`, team: TEAM, practice: 'F1', from: `+4477009000${n}`, provider: 't', providerCallId: String(n), silentAfterMs: SILENT, retentionMs: RETENTION });
const key = (id: string) => `sb:{${SHARD}}:call:${id}`;

t.test('a call in the menu or the closed message whose final status is lost is handed out, ended and counted (CBT002)', async (t) => {
  const redis = await privateRedis(t);
  const db = redis.connect();
  const q = new CallQueue(db);
  const now = Date.parse('2026-11-24T10:00:00Z');
  t.equal(await q.begin(SHARD, call(1), now), 'ivr', 'caller 1 hears the menu');
  t.equal(await q.begin(SHARD, call(2), now), 'ivr');
  await q.markClosed(SHARD, 't:2'); // caller 2 heard the closed message
  t.same((await q.sweep(SHARD, [], now + SILENT - 1, 60_000, { recheckMs: 60_000, limit: 20 })).silent, [], 'not before silentAfterMs');
  const { silent } = await q.sweep(SHARD, [], now + SILENT, 60_000, { recheckMs: 60_000, limit: 20 });
  t.same(silent.map((s) => s.callId), ['t:1', 't:2'], 'both handed out for their provider to be asked');
  // The provider says both are over: ended as their status callbacks would have ended them.
  for (const s of silent) t.equal((await q.endCall(SHARD, s.callId, 'F1', RETENTION, 0, now + SILENT + 1000)).outcome, 'ivr');
  t.equal(await db.zcard(`sb:{${SHARD}}:heard`), 0, 'no longer listened for');
  const records = await q.records(SHARD, 'F1', 0, now + DAY);
  t.same(records.map((r) => [r.callId, r.outcome, r.closed]), [['t:1', 'ivr', ''], ['t:2', 'ivr', '1']], 'each recorded once, the closed one as closed');
  // CBT002 counted: the day's counters hold two IVR endings (field 1) of two inbound calls (field 0).
  const day = Math.floor(now / DAY); // London is on GMT in November: the London day is the UTC day
  const counters = await db.call('BITFIELD', `sb:{${SHARD}}:stats:d:F1:${Math.floor(day / 32)}`, 'GET', 'u16', (day % 32) * 576, 'GET', 'u16', (day % 32) * 576 + 16);
  t.same(counters, [2, 2], 'CBT001 2, CBT002 2');
});

t.test('every call key has an upper-bound expiry: calls, queued calls and call-backs', async (t) => {
  const redis = await privateRedis(t);
  const db = redis.connect();
  const q = new CallQueue(db);
  const ttl = async (id: string) => db.pttl(key(id));
  await q.begin(SHARD, call(1), 1000);
  t.ok((await ttl('t:1')) > RETENTION - 60_000 && (await ttl('t:1')) <= RETENTION, 'a new call lives at most the retention');
  await q.enqueue(SHARD, call(2), 1000);
  t.ok((await ttl('t:2')) > 0 && (await ttl('t:2')) <= RETENTION, 'a call queued without an IVR stage too');
  await q.requestCallback(SHARD, 't:2', 'F1-0001', '+447700900002', 2000, RETENTION);
  t.ok((await ttl('cb:F1-0001')) > 0 && (await ttl('cb:F1-0001')) <= RETENTION, 'a requested call-back');
  await q.bookCallback(SHARD, { callbackId: 'F1-0002', team: TEAM, practice: 'F1', number: '+447700900003', windowStart: 5000, windowEnd: 9000, origin: '', retentionMs: RETENTION }, 3000);
  t.ok((await ttl('cb:F1-0002')) > 0 && (await ttl('cb:F1-0002')) <= RETENTION, 'a call-back booked by staff');
  // A failed call-back staff try again stays bounded (it was made PERSISTent before).
  await q.closeCallback(SHARD, 'F1-0002', 'failed', 'window-missed', RETENTION, 10_000);
  t.equal(await q.requeueCallback(SHARD, 'F1-0002', 'failed', 11_000, RETENTION), 'queued');
  t.ok((await ttl('cb:F1-0002')) > 0, 'tried again: still bounded');
  // Ended: kept a day at most, as before.
  await q.endCall(SHARD, 't:1', 'F1', RETENTION, 0, 12_000);
  t.ok((await ttl('t:1')) > 0 && (await ttl('t:1')) <= DAY);
  for (const k of await db.keys(`sb:{${SHARD}}:call:*`)) t.ok((await db.pttl(k)) > 0, `${k} expires`);
});

t.test('a keypad webhook for a call Redis does not know, or no longer waiting, keeps no number', async (t) => {
  const redis = await privateRedis(t);
  const db = redis.connect();
  const q = new CallQueue(db);
  t.equal(await q.setPendingCallbackNumber(SHARD, 't:9', '+447700900009'), 'stale', 'an unknown call is refused');
  t.equal(await db.exists(key('t:9')), 0, 'and no hash holding only a number is created');
  await q.enqueue(SHARD, call(1), 1000);
  t.equal(await q.setPendingCallbackNumber(SHARD, 't:1', '+447700900001'), 'set', 'a waiting caller\'s number is kept');
  t.equal(await db.hget(key('t:1'), 'pendingCallbackNumber'), '+447700900001');
  await q.endCall(SHARD, 't:1', 'F1', RETENTION, 0, 2000);
  t.equal(await q.setPendingCallbackNumber(SHARD, 't:1', '+447700900111'), 'stale', 'an ended call is refused');
  t.equal(await db.hget(key('t:1'), 'pendingCallbackNumber'), '+447700900001', 'unchanged');
});
