import t, { type Test } from 'tap';
import { parseDirectory } from '../../../shared/directory/load.js';
import { FakeTwilio } from '../../fakes/twilio.js';
import { privateRedis } from '../../helpers/redis.js';
import { movableClock, startSwitchboard } from '../../helpers/switchboard.js';
import { GRAYS, GRAYS_TOKEN, PCN_YAML, PRACTICE_TOKEN, RIVERSIDE, RIVERSIDE_PROFESSIONALS } from '../../fixtures/directories.js';

/**
 * A team closure closes the team on every way in: Grays here has no menu (callers go straight to
 * reception) and a priority line with no team of its own; Riverside's menu falls back to reception.
 */
const GRAYS_MENU = `    menu:
      prompt: For reception press 1. For prescriptions press 2.
      options:
        "1": { team: reception }
        "2": { team: medicines }
`;
const yaml = PCN_YAML.replace(GRAYS_MENU, '    priorityLines: [{ name: Care homes, from: ["+447700900998"] }]\n').replace(
  '{ id: reception, name: Reception, overflow: [{ to: F81001.reception, afterSeconds: 300 }] }',
  '{ id: reception, name: Reception, hours: { mon: ["08:00-12:00"], tue: ["08:00-12:00"], wed: ["08:00-12:00"], thu: ["08:00-12:00"], fri: ["08:00-12:00"] } }',
);

async function setup(t: Test, start: string) {
  t.not(yaml, PCN_YAML);
  const redis = await privateRedis(t);
  const twilio = await new FakeTwilio().start();
  t.teardown(() => twilio.stop());
  const clock = movableClock(start);
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: parseDirectory(yaml, 'closures'), twilio, clock });
  const db = redis.connect();
  const queue = (team: string) => db.zrange(`sb:{U12345}:q:${team}`, 0, -1);
  /** A caller who rings Grays (from a care home's number: its priority line) and is told reception is closed. */
  const turnedAway = async (from: string, why: string) => {
    const c = await twilio.placeCall(from, GRAYS);
    await twilio.waitFor(why, () => c.over);
    t.match(c.heard.at(-1), /Reception is closed at the moment/, why);
    return c;
  };
  return { sb, twilio, clock, db, queue, turnedAway };
}

t.test('a team closure closes the team without a menu, on a priority line with no team, and at the menu\'s default', async (t) => {
  const { sb, twilio, queue, turnedAway } = await setup(t, '2026-11-24T10:00:00Z');
  // Open: Grays' callers go straight to reception.
  const before = await twilio.placeCall('+447700900101', GRAYS);
  await twilio.waitFor('queued without a menu', () => before.positions.length > 0);
  t.equal(before.menusHeard.length, 0, 'no menu at Grays');

  t.equal((await sb.api('POST', '/v1/practices/F81002/closures', GRAYS_TOKEN, { from: '2026-11-24T09:30:00Z', to: '2026-11-24T11:00:00Z', reason: 'Reception training', team: 'reception' })).status, 201);
  await turnedAway('+447700900102', 'no menu: a closed team');
  await turnedAway('+447700900998', 'a priority line without a team: a closed team');
  t.same(await queue('F81002.reception'), [`twilio:${before.sid}`], 'nobody new queued; the caller already waiting keeps their place');

  t.equal((await sb.api('POST', '/v1/practices/F81001/closures', PRACTICE_TOKEN, { from: '2026-11-24T09:30:00Z', to: '2026-11-24T11:00:00Z', reason: 'Reception training', team: 'reception' })).status, 201);
  const fallback = await twilio.placeCall('+447700900103', RIVERSIDE, ['', '']);
  await twilio.waitFor('no choice: the default team, closed', () => fallback.over);
  t.match(fallback.heard.join(' '), /We will put you through to Reception\. Reception is closed at the moment/);
  t.same(await queue('F81001.reception'), []);

  // Staff are not rung for the closed team; the caller queued before the closure still is.
  await sb.api('PUT', '/v1/staff/carol/presence', GRAYS_TOKEN, { state: 'available' });
  await twilio.waitFor('the caller already waiting is answered', () => before.bridged?.endpoint === 'sip:carol@grays.example');
  twilio.staffHangsUp(before);
  const records = async () => (await sb.api('GET', '/v1/practices/F81002/calls', GRAYS_TOKEN)).body.calls as Record<string, unknown>[];
  const ended = await twilio.waitFor('records', async () => ((await records()).length === 3 ? records() : undefined));
  t.same(ended.map((r) => [(r.caller as string).slice(-3), r.outcome, r.closed]).sort(), [['101', 'answered', false], ['102', 'ivr', true], ['998', 'ivr', true]], 'the two turned away are recorded as met a closed team (CBT002)');
});

t.test('a team\'s own hours close it on every way in; call-backs cannot be booked into a closed team', async (t) => {
  const { sb, queue, turnedAway } = await setup(t, '2026-11-24T14:00:00Z');
  // 14:00: Grays is open (14:00-18:30), its reception only keeps 08:00-12:00.
  await turnedAway('+447700900111', 'no menu: the team is closed by its hours');
  await turnedAway('+447700900998', 'a priority line without a team: closed by its hours');
  t.same(await queue('F81002.reception'), []);

  const book = (windowStart: string, windowEnd: string) => sb.api('POST', '/v1/practices/F81002/callbacks', GRAYS_TOKEN, { number: '07700 900123', team: 'reception', windowStart, windowEnd });
  const closed = await book('2026-11-24T15:00:00Z', '2026-11-24T17:00:00Z');
  t.match(closed, { status: 409, body: { detail: /Reception is closed .* for the whole of that window/ } }, 'this afternoon: reception is closed throughout');
  t.equal((await book('2026-11-25T09:00:00Z', '2026-11-25T11:00:00Z')).status, 201, 'tomorrow morning, when it is open');
  t.equal((await sb.api('POST', '/v1/practices/F81002/closures', GRAYS_TOKEN, { from: '2026-11-26T08:00:00Z', to: '2026-11-26T12:00:00Z', reason: 'Training', team: 'reception' })).status, 201);
  t.equal((await book('2026-11-26T09:00:00Z', '2026-11-26T11:00:00Z')).status, 409, 'nor into a team closure');
});

t.test('at the menu, a closure of one team leaves the practice\'s other teams open; a closure that has ended closes nothing', async (t) => {
  const { sb, twilio, clock, db, queue } = await setup(t, '2026-11-24T10:00:00Z');
  t.equal((await sb.api('POST', '/v1/practices/F81001/closures', PRACTICE_TOKEN, { from: '2026-11-24T09:30:00Z', to: '2026-11-24T10:30:00Z', reason: 'Line upgrade', team: 'professionals' })).status, 201);
  const booked = await twilio.placeCall('+447700900121', RIVERSIDE, ['1']);
  await twilio.waitFor('queued for reception at the menu', () => booked.positions.length > 0);
  t.same(await queue('F81001.reception'), [`twilio:${booked.sid}`]);
  const professional = await twilio.placeCall('+447700900122', RIVERSIDE_PROFESSIONALS);
  await twilio.waitFor('the professionals line is closed', () => professional.over);
  t.match(professional.heard.at(-1), /closed at the moment/);

  // Half an hour on the closure has ended: the next caller who picks a team at the menu deletes it on the way in.
  clock.set('2026-11-24T10:45:00Z');
  const later = await twilio.placeCall('+447700900123', RIVERSIDE, ['1']);
  await twilio.waitFor('queued after the closure ended', () => later.positions.length > 0);
  t.same(await queue('F81001.reception'), [`twilio:${booked.sid}`, `twilio:${later.sid}`]);
  t.same(await db.hlen('sb:{U12345}:closures:F81001'), 0, 'the ended closure is gone');
});
