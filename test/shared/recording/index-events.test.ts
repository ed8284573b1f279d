import t, { type Test } from 'tap';
import { runScript } from '../../../shared/queue/commands/index.js';
import { privateRedis } from '../../helpers/redis.js';

/** One call's recording index entry on a Redis of the test's own, and recordingEvent-2.lua run on it at `clock.now`. */
async function recordingIndex(t: Test, callId: string, now: number) {
  const db = (await privateRedis(t)).connect();
  const keys = [`sb:{U12345}:rec:${callId}`, 'sb:{U12345}:recdue'];
  const clock = { now };
  const event = async (name: string, ...args: string[]) => (await runScript(db, 'recordingEvent', keys, ['sb:{U12345}:', name, clock.now, callId, ...args])) as string[];
  return { db, keys, event, clock };
}

// The recording index (recordingEvent-2.lua): what the provider did not do is undone uncounted, and a live recording is never marked missing.
t.test('a pause or resume the provider refused is undone without counting; missing only replaces a finished recording', async (t) => {
  const { db, keys, event, clock } = await recordingIndex(t, 'twilio:CA1', 1_000_000);
  const entry = () => db.hgetall(keys[0]!);

  t.same(await event('started', 'F81001', 'twilio', 'CA1', String(365 * 86_400_000), 'RE1'), ['ok', 'recording']);
  t.same(await event('missing'), ['stale', 'recording'], 'a live recording is never marked missing');
  t.same(await event('paused', 'staff:alice'), ['ok', 'paused']);
  t.same(await event('pause-failed'), ['ok', 'recording'], 'the provider did not pause: still recording');
  t.match(await entry(), { status: 'recording', pauses: '0' }, 'and no pause counted');
  t.notOk((await entry()).pausedAt);

  t.same(await event('paused', 'staff:alice'), ['ok', 'paused']);
  clock.now += 10_000;
  t.same(await event('resumed', 'staff:alice'), ['ok', 'recording']);
  t.same(await event('resume-failed'), ['ok', 'paused'], 'the provider did not resume: the same pause goes on');
  clock.now += 5_000;
  t.same(await event('resumed', 'staff:alice'), ['ok', 'recording']);
  t.match(await entry(), { pauses: '1', pausedMs: '15000' }, 'one pause, 15 s in all');
  t.same(await event('pause-failed'), ['stale', 'recording'], 'an undo that does not apply changes nothing');

  t.same(await event('completed', 'RE1', '60'), ['ok', 'completed']);
  t.same(await event('missing'), ['ok', 'missing'], 'a finished recording the provider lost is marked missing');
});

t.test("the call's end completes a recording no provider callback will, measuring its length, once", async (t) => {
  const { db, keys, event, clock } = await recordingIndex(t, 'jambonz:c1', 2_000_000);
  t.same(await event('ended'), ['none', ''], 'no recording for this call: nothing written');
  t.equal(await db.exists(keys[0]!), 0);
  t.same(await event('started', 'F81001', 'jambonz', 'c1', String(365 * 86_400_000), ''), ['ok', 'recording']);
  t.same(await event('paused', 'staff:alice'), ['ok', 'paused']);
  clock.now += 95_400;
  t.same(await event('ended'), ['ok', 'completed']);
  t.match(await db.hgetall(keys[0]!), { status: 'completed', durationSeconds: '95', endedAt: String(clock.now), pausedMs: '95400' }, 'length from its start; the open pause closed');
  clock.now += 60_000;
  t.same(await event('ended'), ['stale', 'completed'], 'a second end changes nothing');
  t.equal((await db.hgetall(keys[0]!)).durationSeconds, '95');
});
