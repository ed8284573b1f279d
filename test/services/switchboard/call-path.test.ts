import t from 'tap';
import { FakeTwilio, type FakeCall } from '../../fakes/twilio.js';
import { privateRedis } from '../../helpers/redis.js';
import { startSwitchboard } from '../../helpers/switchboard.js';
import { ALICE_SIP, exampleDirectory, PRACTICE_TOKEN, RIVERSIDE } from '../../fixtures/directories.js';

const nonIncreasing = (xs: number[]) => xs.every((x, i) => i === 0 || x <= xs[i - 1]!);

t.test('five callers, one member of staff: queue, positions, hang-up, wrap-up, records', async (t) => {
  const redis = await privateRedis(t);
  const twilio = await new FakeTwilio().start();
  t.teardown(() => twilio.stop());
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: exampleDirectory(1), twilio });

  t.equal((await sb.api('PUT', '/v1/staff/alice/presence', PRACTICE_TOKEN, { state: 'available' })).status, 200);

  const callers: FakeCall[] = [];
  for (let i = 1; i <= 5; i++) callers.push(await twilio.placeCall(`+4477009000${i}0`, RIVERSIDE));
  const [c1, c2, c3, c4, c5] = callers as [FakeCall, FakeCall, FakeCall, FakeCall, FakeCall];

  // Nobody hears an engaged tone or an error; each was answered with TwiML.
  for (const c of callers) t.same(c.errors, [], `caller ${c.from} had no errors`);
  t.ok(twilio.webhooks.filter((w) => w.url.endsWith('/voice')).every((w) => w.status === 200 && w.body.includes('<Response>')), 'every voice webhook got TwiML');

  // The first caller went straight through to Alice; the others heard exact positions.
  await twilio.waitFor('caller 1 bridged to Alice', () => c1.bridged?.endpoint === ALICE_SIP);
  t.match(c1.heard.join(' '), /Putting you through/);
  t.same([c2, c3, c4, c5].map((c) => c.positions[0]), [1, 2, 3, 4], 'positions on joining are exact');
  t.match(c2.heard.join(' '), /We will answer as soon as someone is free/, 'no wait figure without any handled calls');

  // Caller 3 gives up: those behind move up at their next announcement.
  await twilio.hangUp(c3);
  await twilio.waitFor('caller 4 hears number 2', () => c4.positions.at(-1) === 2);
  await twilio.waitFor('caller 5 hears number 3', () => c5.positions.at(-1) === 3);

  // Alice finishes with caller 1; after her wrap-up caller 2 is put through by a live-call update.
  const endedAt = Date.now();
  twilio.staffHangsUp(c1);
  await twilio.waitFor('caller 1 hears goodbye and hangs up', () => c1.over);
  t.match(c1.heard.at(-1), /Goodbye/);
  await twilio.waitFor('caller 2 bridged to Alice', () => c2.bridged?.endpoint === ALICE_SIP, 5000);
  t.ok(Date.now() - endedAt >= 900, 'caller 2 was connected only after Alice\'s 1 s wrap-up');
  const update = twilio.restRequests.find((r) => r.path.includes(`/Calls/${c2.sid}.json`));
  t.ok(update, 'caller 2 was connected through the Calls API');
  t.equal(update?.status, 200);
  t.match(update?.params.Twiml, /<Dial action="http:\/\/127\.0\.0\.1:\d+\/v1\/twilio\/dial-result\?practice=F81001&amp;staff=alice"/, 'inline TwiML uses absolute URLs');

  // The rest are served in order.
  twilio.staffHangsUp(c2);
  await twilio.waitFor('caller 4 bridged', () => c4.bridged, 5000);
  t.notOk(c5.bridged, 'caller 5 still waits while caller 4 is served');
  twilio.staffHangsUp(c4);
  await twilio.waitFor('caller 5 bridged', () => c5.bridged, 5000);
  await twilio.hangUp(c5);

  for (const c of [c2, c4, c5]) t.ok(nonIncreasing(c.positions), `positions heard by ${c.from} only go down: ${c.positions}`);
  t.match(c2.heard.join(' '), /The wait (may be|is) about \d+ minute|less than a minute/, 'a wait estimate once calls have been handled');

  // Every call left a record with the right outcome.
  const res = await sb.api('GET', '/v1/practices/F81001/calls', PRACTICE_TOKEN);
  t.equal(res.status, 200);
  const calls = res.body.calls as Record<string, unknown>[];
  const byCaller = new Map(calls.map((r) => [r.callId, r]));
  t.equal(calls.length, 5, 'five call records');
  t.same([c1, c2, c3, c4, c5].map((c) => byCaller.get(`twilio:${c.sid}`)?.outcome), ['answered', 'answered', 'abandoned', 'answered', 'answered']);
  const r3 = byCaller.get(`twilio:${c3.sid}`)!;
  t.equal(r3.answeredAt, null);
  t.equal(r3.staff, null);
  t.match(r3.caller, /•+030$/, 'numbers are masked in the API');
  const r2 = byCaller.get(`twilio:${c2.sid}`)!;
  t.equal(r2.staff, 'alice');
  t.ok((r2.waitSeconds as number) >= 1, 'caller 2 waited');
  t.ok(Date.parse(r2.answeredAt as string) >= Date.parse(r2.queuedAt as string));
  t.ok(Date.parse(r2.endedAt as string) >= Date.parse(r2.answeredAt as string));
  t.notOk(sb.logs.join('').includes('+44770090001'), 'no caller number appears in the logs');
});
