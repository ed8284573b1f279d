import t, { type Test } from 'tap';
import twilio from 'twilio';
import { FakeTwilio, type FakeCall } from '../../fakes/twilio.js';
import { privateRedis } from '../../helpers/redis.js';
import { movableClock, startSwitchboard } from '../../helpers/switchboard.js';
import { parseDirectory } from '../../../shared/directory/load.js';
import { resolveScope } from '../../../shared/live/scope.js';
import { SnapshotReader } from '../../../shared/live/snapshot.js';
import { ALICE_SIP, EXAMPLE_YAML, PRACTICE_TOKEN, RIVERSIDE } from '../../fixtures/directories.js';
import { until } from '../../helpers/poll.js';

const TEAM_STATS = 'sb:{U12345}:team:F81001.reception';
const offerHeard = (c: FakeCall) => c.heard.some((h) => /To be called back instead, keeping your place in the queue, press 1/.test(h));

function directory(extra = '') {
  return parseDirectory(EXAMPLE_YAML.replace('wrapUpSeconds: 15', `wrapUpSeconds: 1\n    callbackOfferAfterSeconds: 120${extra}`), 'callbacks');
}

async function setup(t: Test, opts: { extra?: string; env?: Record<string, string>; clock?: ReturnType<typeof movableClock> } = {}) {
  const redis = await privateRedis(t);
  const fake = await new FakeTwilio().start();
  t.teardown(() => fake.stop());
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: directory(opts.extra), twilio: fake, env: opts.env, clock: opts.clock });
  const db = redis.connect();
  // This team has been averaging 200-second calls (talk + wrap-up) all morning.
  await db.hset(TEAM_STATS, 'aht', 200, 'samples', 10);
  const callbacks = async () => (await sb.api('GET', '/v1/practices/F81001/callbacks', PRACTICE_TOKEN)).body.callbacks as Record<string, unknown>[];
  const records = async () => (await sb.api('GET', '/v1/practices/F81001/calls', PRACTICE_TOKEN)).body.calls as Record<string, unknown>[];
  /** Alice is on a call and one caller waits: the next caller is number 2, about 300 s from an answer. */
  const secondInQueue = async (from = '+447700900003', keys: string[] = []) => {
    await sb.api('PUT', '/v1/staff/alice/presence', PRACTICE_TOKEN, { state: 'available' });
    await fake.placeCall('+447700900001', RIVERSIDE);
    await fake.placeCall('+447700900002', RIVERSIDE);
    return fake.placeCall(from, RIVERSIDE, keys);
  };
  return { sb, fake, db, callbacks, records, secondInQueue };
}

t.test('offer past the threshold, keep the place, ring staff first, then the patient', async (t) => {
  const { sb, fake, callbacks, records } = await setup(t);
  await sb.api('PUT', '/v1/staff/alice/presence', PRACTICE_TOKEN, { state: 'available' });
  const a = await fake.placeCall('+447700900001', RIVERSIDE);
  t.equal(a.bridged?.endpoint ?? a.dialling, ALICE_SIP, 'the first caller goes straight to Alice');
  const b = await fake.placeCall('+447700900002', RIVERSIDE);
  // The caller presses 1 at the offer, then 1 to confirm the number they are calling from.
  const c = await fake.placeCall('+447700900003', RIVERSIDE, ['1', '1']);
  t.notOk(offerHeard(b), 'number 1 (about 100 s to wait) is not offered a call-back');
  t.ok(offerHeard(c), 'number 2 (about 300 s to wait) is offered one');
  await fake.waitFor('caller 3 told and hung up', () => c.over);
  t.match(c.heard.at(-2), /the number you are calling from, ending in 0 0 3\. To confirm, press 1/);
  t.match(c.heard.at(-1), /You have kept your place in the queue\. We expect to call you back in about \d+ minutes\. The call will come from Riverside Surgery/);

  const d = await fake.placeCall('+447700900004', RIVERSIDE);
  t.same(d.positions, [3], 'the call-back still holds its place: the next caller is number 3');
  t.same(b.positions.filter((p) => p !== 1), [], 'the caller ahead is still number 1');
  let list = await callbacks();
  t.equal(list.length, 1);
  t.match(list[0], { status: 'pending', number: /•+003$/, attempts: 0, originCallId: `twilio:${c.sid}` });

  // Alice serves the caller ahead; then the call-back comes to the front.
  fake.staffHangsUp(a);
  await fake.waitFor('caller 2 bridged', () => b.bridged);
  t.equal(fake.outbound.length, 0, 'no call-back is placed while nobody is free');
  fake.staffHangsUp(b);
  const staffLeg = await fake.waitFor('Alice rung for the call-back', () => fake.outbound[0]);
  t.equal(staffLeg.to, ALICE_SIP, 'the staff member is rung first');
  t.equal(staffLeg.from, RIVERSIDE, 'from the practice number');
  await fake.waitFor('the patient bridged to Alice', () => staffLeg.bridged?.endpoint === '+447700900003');
  t.match(staffLeg.heard[0], /Call-back to a patient who asked/, 'Alice hears what the call is before the patient is rung');
  t.notOk(d.bridged, 'caller 4 still waits');
  t.equal((await callbacks())[0]!.status, 'in-progress');

  fake.staffHangsUp(staffLeg); // the conversation ends
  await fake.waitFor('the staff leg ends', () => staffLeg.over);
  list = await until('the call-back completed', callbacks, (l) => l[0]?.status === 'completed');
  t.match(list[0], { status: 'completed', attempts: 1 }, 'made at the first try: one attempt');
  t.ok((list[0]!.timeToAnswerSeconds as number) >= 0, "time to answer from the patient's first ring is recorded");
  await fake.waitFor('caller 4 bridged after wrap-up', () => d.bridged);
  await fake.hangUp(d);

  const rows = await records();
  t.equal(rows.find((r) => r.callId === `twilio:${c.sid}`)?.outcome, 'callback-requested', "the patient's own call is recorded as a call-back request (CBT005)");
  const today = new Date().toLocaleDateString('en-CA', { timeZone: 'Europe/London' });
  const stats = await sb.api('GET', `/v1/stats?scope=practice:F81001&from=${today}&to=${today}&measures=CBT001,CBT003,CBT005,CBT006`, PRACTICE_TOKEN);
  t.match(stats.body.rows, [{ CBT001: 4, CBT003: 3, CBT005: 1, CBT006: 1 }], 'the statistics count the request once and the call-back made once');
  t.notOk(sb.logs.join('').includes('7700900003'), 'the number to call back never reaches the logs');
});

t.test('another number, validated; repeated key presses make one call-back', async (t) => {
  const { sb, fake, callbacks, secondInQueue } = await setup(t);
  const c = await secondInQueue('+447700900003', ['1', '2', '0909123456#', '07700900999#', '1']);
  await fake.waitFor('hung up', () => c.over);
  const heard = c.heard.join(' | ');
  t.match(heard, /key in the UK phone number/);
  t.match(heard, /not a UK phone number we can call back/, 'a premium-rate number is refused');
  t.match(heard, /We will call you back on 0 7 7 0 0, 9 0 0, 9 9 9\. To confirm, press 1/, 'the keyed-in number is read back');
  const list = await callbacks();
  t.equal(list.length, 1);
  t.match(list[0]!.number, /999$/, 'the keyed-in number is the one called back');

  // The same keypress delivered twice (a provider retry) makes no second call-back.
  const url = `${sb.url}/v1/twilio/callback-confirm?practice=F81001`;
  const params = { CallSid: c.sid, AccountSid: 'AC00000000000000000000000000000001', From: c.from, To: RIVERSIDE, CallStatus: 'in-progress', Digits: '1' };
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature('riverside-secret', url, params) }, body: new URLSearchParams(params) });
  t.equal(res.status, 200);
  t.equal((await callbacks()).length, 1, 'still one call-back');
});

t.test('withheld numbers are not offered a call-back', async (t) => {
  const { secondInQueue } = await setup(t);
  const withheld = await secondInQueue('anonymous');
  t.same(withheld.positions, [2]);
  t.notOk(offerHeard(withheld));
});

t.test('not answered: retried after callbackRetrySeconds, then failed and kept for staff; staff can retry', async (t) => {
  // The clock runs 20× faster so a 30-second retry wait takes a second and a half.
  const { sb, fake, callbacks } = await setup(t, { extra: '\n    callbackRetrySeconds: 30\n    callbackAttempts: 2', env: { CLOCK_SPEED: '20' } });
  fake.endpoints.set('+447700900003', { answer: 'no-answer' });
  await sb.api('PUT', '/v1/staff/bob/presence', PRACTICE_TOKEN, { state: 'available' });
  await sb.api('PUT', '/v1/staff/alice/presence', PRACTICE_TOKEN, { state: 'available' });
  const a = await fake.placeCall('+447700900001', RIVERSIDE);
  const b = await fake.placeCall('+447700900002', RIVERSIDE);
  await sb.api('PUT', '/v1/staff/bob/presence', PRACTICE_TOKEN, { state: 'away' });
  const w = await fake.placeCall('+447700900004', RIVERSIDE);
  const c = await fake.placeCall('+447700900003', RIVERSIDE, ['1', '1']);
  await fake.waitFor('hung up', () => c.over);
  await fake.hangUp(w); // the caller ahead gives up, so Alice's next is the call-back
  fake.staffHangsUp(b);
  const failed = (await until('the call-back to fail', callbacks, (l) => l[0]?.status === 'failed', 8000))[0]!;
  t.equal(fake.outbound.length, 2, 'two attempts, each ringing staff first');
  t.match(failed, { status: 'failed', attempts: 2, failure: 'not-answered' }, 'after the last attempt it is failed and listed');
  t.equal((await callbacks()).filter((x) => x.status === 'failed').length, 1);
  // The staff panel and wallboard list it, masked, for staff to act on.
  const { scope } = resolveScope(sb.app.directory(), { role: 'practice', practice: 'F81001' }, { practice: 'F81001' });
  const screen = await new SnapshotReader(sb.app.queue, sb.app.directory).read(scope, sb.app.clock.now());
  t.match(screen.failedCallbacks, [{ id: failed.id, caller: /•+003$/, attempts: 2, reason: 'not-answered' }]);
  t.match(screen.live.callbacks, { failed: 1, waiting: 0, inProgress: 0 });
  // Staff try again by hand, and this time the patient answers.
  fake.endpoints.delete('+447700900003');
  const retry = await sb.api('POST', `/v1/callbacks/${failed.id}/retry`, PRACTICE_TOKEN);
  t.equal(retry.status, 200);
  const leg = await fake.waitFor('a third staff leg', () => fake.outbound[2]);
  await fake.waitFor('patient bridged', () => leg.bridged);
  fake.staffHangsUp(leg);
  await until('completed', callbacks, (l) => l[0]?.status === 'completed');
  t.equal((await sb.api('POST', `/v1/callbacks/${failed.id}/retry`, PRACTICE_TOKEN)).status, 409, 'only a failed call-back can be retried');
  await fake.hangUp(a);
});

t.test('booked call-backs: honoured within the window; cancelled ones never rung', async (t) => {
  const { sb, fake, callbacks } = await setup(t);
  await sb.api('PUT', '/v1/staff/alice/presence', PRACTICE_TOKEN, { state: 'available' });
  const start = Date.now() + 1500;
  const book = (number: string, from = start, to = start + 60_000) =>
    sb.api('POST', '/v1/practices/F81001/callbacks', PRACTICE_TOKEN, { number, windowStart: new Date(from).toISOString(), windowEnd: new Date(to).toISOString() });
  const booked = await book('07700 900555');
  t.equal(booked.status, 201);
  t.match(booked.body, { status: 'pending', number: /555$/, window: { start: new Date(start).toISOString() } });
  const cancelled = await book('+447700900666');
  t.equal((await sb.api('DELETE', `/v1/callbacks/${cancelled.body.id}`, PRACTICE_TOKEN)).status, 204);
  t.equal((await sb.api('DELETE', `/v1/callbacks/${cancelled.body.id}`, PRACTICE_TOKEN)).status, 409, 'a cancelled call-back cannot be cancelled again');
  t.equal(fake.outbound.length, 0, 'nothing is rung before the window opens');
  const leg = await fake.waitFor('the booked call-back', () => fake.outbound[0]);
  t.ok(Date.now() >= start, 'rung once the window opened');
  await fake.waitFor('patient bridged', () => leg.bridged?.endpoint === '+447700900555');
  fake.staffHangsUp(leg);
  await until('completed', callbacks, (l) => l.some((c) => c.status === 'completed'));
  t.equal(fake.outbound.length, 1, 'the cancelled one was never rung');
  const statuses = Object.fromEntries((await callbacks()).map((c) => [c.id, c.status]));
  t.same(statuses, { [booked.body.id as string]: 'completed', [cancelled.body.id as string]: 'cancelled' });

  // Bad bookings get clear errors.
  let bad = await book('0909 123 456');
  t.equal(bad.status, 400);
  t.match(bad.body.detail, /not a UK number we can call back/);
  t.notMatch(bad.body.detail, /0909 123 456/, 'the number is masked even in the error');
  bad = await book('07700900777', start + 10_000, start);
  t.match(bad, { status: 400, body: { detail: 'windowEnd must be after windowStart' } });
  bad = await sb.api('POST', '/v1/practices/F81001/callbacks', 'alice-token', { number: '07700900777' });
  t.equal(bad.status, 400, 'missing window: 400');
  t.equal((await sb.api('GET', '/v1/practices/F81001/callbacks', undefined)).status, 401);
  t.equal((await sb.api('DELETE', '/v1/callbacks/F81001-0000000000000000', PRACTICE_TOKEN)).status, 404);
});

t.test('a caller books a window on the phone', async (t) => {
  const { sb, fake, callbacks, secondInQueue } = await setup(t);
  const c = await secondInQueue('+447700900003', ['2', '1']);
  await fake.waitFor('hung up', () => c.over);
  t.match(c.heard.join(' '), /To choose a time for us to call you back later, press 2/);
  // The first window still to come, whatever the time of day the test runs: the morning's (10 to 12) or the afternoon's (2 to 4).
  t.match(c.heard.at(-2), /For (this|tomorrow|\w+day) (morning between 10 am and 12 noon|afternoon between 2 pm and 4 pm), press 1\./);
  t.match(c.heard.at(-1), /Thank you\. We will call you back .* on the number ending in 0 0 3/);
  const [cb] = await callbacks();
  t.match(cb, { status: 'pending', originCallId: `twilio:${c.sid}` });
  t.ok(cb!.window, 'with its window');
  const d = await fake.placeCall('+447700900004', RIVERSIDE);
  t.same(d.positions, [2], 'a booked caller leaves the live queue');
});

t.test('on the Friday before a bank-holiday Monday the caller is offered Tuesday, less the team\'s closures', async (t) => {
  // Friday 22 May 2026, 15:30 BST: today's windows have started; Monday 25 May is the spring bank holiday.
  const { sb, fake, callbacks, secondInQueue } = await setup(t, { clock: movableClock('2026-05-22T14:30:00Z') });
  const closed = await sb.api('POST', '/v1/practices/F81001/closures', PRACTICE_TOKEN, { from: '2026-05-26T07:00:00Z', to: '2026-05-26T11:00:00Z', team: 'reception', reason: 'training' });
  t.equal(closed.status, 201);
  const c = await secondInQueue('+447700900003', ['2', '1']);
  await fake.waitFor('hung up', () => c.over);
  t.match(c.heard.at(-2), /^For Tuesday afternoon between 2 pm and 4 pm, press 1\.$/, 'Tuesday afternoon only: Monday is a bank holiday, Tuesday morning the team is closed');
  t.match(c.heard.at(-1), /We will call you back on Tuesday afternoon between 2 pm and 4 pm/);
  const [cb] = await callbacks();
  t.match(cb, { status: 'pending', window: { start: '2026-05-26T13:00:00.000Z', end: '2026-05-26T15:00:00.000Z' } });
});

t.test('at closing: a practice that flags call-backs has those not yet made failed and listed; one that carries keeps them', async (t) => {
  const hours = '\n    hours: { fri: ["08:00-17:30"] }';
  const closing = Date.parse('2026-05-22T16:30:00Z'); // Friday 22 May 2026, 17:30 BST
  // The two practices close at once, each with a service of its own: the ten seconds pass once.
  const atClosing = async (mode: 'flag' | 'carry') => {
    const clock = movableClock('2026-05-22T16:29:00Z');
    const { fake, callbacks, secondInQueue } = await setup(t, { extra: `${hours}\n    callbackAtClosing: ${mode}`, clock });
    // Ten seconds before the practice closes, however long starting the service took: time enough,
    // on a loaded machine, for the caller to ask before closing.
    clock.set('2026-05-22T16:29:50Z');
    const c = await secondInQueue('+447700900003', ['1', '1']);
    await fake.waitFor('hung up', () => c.over);
    if (mode === 'flag') return { mode, heard: c.heard.at(-1), after: await until('the call-back flagged at closing', callbacks, (l) => l[0]?.status === 'failed') };
    await until('the practice to have closed', async () => clock.now(), (now) => now > closing + 1000);
    return { mode, heard: c.heard.at(-1), after: await callbacks() };
  };
  for (const { mode, heard, after } of await Promise.all([atClosing('flag'), atClosing('carry')])) {
    const told = mode === 'flag' ? 'a member of staff will follow up your request' : 'we will call you back when we next open';
    t.match(heard, `If we cannot call you back before we close at 5:30 pm, ${told}.`, `${mode}: the caller, due a call-back after closing, is told what happens then`);
    if (mode === 'flag') t.match(after[0], { status: 'failed', failure: 'closed', attempts: 0 }, 'flag: not made by closing, so failed and listed for staff');
    else t.match(after, [{ status: 'pending' }], 'carry: still queued, to be made when staff are next free');
  }
});

t.test('a keypad webhook for a call Redis does not know keeps no caller number', async (t) => {
  const { sb, fake, db } = await setup(t);
  const webhooks = [['/v1/twilio/callback-offer?practice=F81001', '1'], ['/v1/twilio/callback-number?practice=F81001&tries=1', '07700900123']] as const;
  for (const [i, [path, digits]] of webhooks.entries()) {
    const sid = `CA0000000000000000000000000unknown${i}`;
    const params = { CallSid: sid, AccountSid: 'AC00000000000000000000000000000001', From: '+447700900042', To: RIVERSIDE, CallStatus: 'in-progress', Direction: 'inbound', ApiVersion: '2010-04-01', Digits: digits };
    t.equal((await fake.post(`${sb.url}${path}`, params, 'riverside-secret')).status, 200, `${path}: answered`);
    t.notOk(await db.hget(`sb:{U12345}:call:twilio:${sid}`, 'pendingCallbackNumber'), `${path}: no number kept for a call that was not waiting`);
  }
  for (const key of await db.keys('sb:*call:*')) t.ok((await db.pttl(key)) > 0, `${key} expires`);
});
