import t, { type Test } from 'tap';
import twilio from 'twilio';
import { FakeTwilio } from '../../../fakes/twilio.js';
import { privateRedis } from '../../../helpers/redis.js';
import { startSwitchboard } from '../../../helpers/switchboard.js';
import { ALICE_SIP, BOB_PHONE, PRACTICE_TOKEN, RIVERSIDE } from '../../../fixtures/directories.js';
import { parseDirectory } from '../../../../shared/directory/load.js';

const ACCOUNT = 'AC00000000000000000000000000000001';
const TOKEN = 'riverside-secret';

// A second practice on another Twilio account, to prove requests are checked against the right one.
const twoPractices = () =>
  parseDirectory(
    `icb: { code: QH8, name: Mid and South Essex ICB }
pcns: [{ code: U12345, name: Thurrock Riverside PCN }]
practices:
  - { ods: F81001, name: Riverside Surgery, pcn: U12345, numbers: ["${RIVERSIDE}"], wrapUpSeconds: 1,
      provider: { kind: twilio, accountSid: ${ACCOUNT}, authToken: ${TOKEN} }, teams: [{ id: reception, name: Reception }] }
  - { ods: F81002, name: Grays Health Centre, pcn: U12345, numbers: ["+441375100002"],
      provider: { kind: twilio, accountSid: AC00000000000000000000000000000002, authToken: grays-secret }, teams: [{ id: reception, name: Reception }] }
staff:
  - { id: alice, name: Alice, practice: F81001, endpoint: "${ALICE_SIP}", teams: [reception] }
  - { id: bob, name: Bob, practice: F81001, endpoint: "${BOB_PHONE}", teams: [reception] }
access:
  - { token: ${PRACTICE_TOKEN}, role: practice, practice: F81001 }
`,
    'two-practices',
  );

async function setup(t: Test) {
  const redis = await privateRedis(t);
  const fake = await new FakeTwilio().start();
  t.teardown(() => fake.stop());
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: twoPractices(), twilio: fake });
  const db = redis.connect();
  /** POST as Twilio would; `signature` null sends none, a string sends that one. */
  const post = async (path: string, params: Record<string, string>, signature?: string | null, token = TOKEN) => {
    const url = sb.url + path;
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    const sig = signature === undefined ? twilio.getExpectedTwilioSignature(token, url, params) : signature;
    if (sig !== null) headers['x-twilio-signature'] = sig;
    const res = await fetch(url, { method: 'POST', headers, body: new URLSearchParams(params) });
    return { status: res.status, body: await res.text() };
  };
  const fields = (sid: string, extra: Record<string, string> = {}) => ({ CallSid: sid, AccountSid: ACCOUNT, From: '+447700900123', To: RIVERSIDE, CallStatus: 'ringing', Direction: 'inbound', ApiVersion: '2010-04-01', ...extra });
  const queued = () => db.zrange('sb:{U12345}:q:F81001.reception', 0, -1);
  const records = async () => (await sb.api('GET', '/v1/practices/F81001/calls', PRACTICE_TOKEN)).body.calls as Record<string, unknown>[];
  return { sb, fake, post, fields, queued, records, db };
}

t.test('signatures: good, bad, missing, wrong practice', async (t) => {
  const { post, fields, queued } = await setup(t);
  const good = await post('/v1/twilio/voice', fields('CA01'));
  t.equal(good.status, 200, 'a correctly signed request is answered');
  t.match(good.body, /<Say language="en-GB">Thank you for calling Riverside Surgery\.<\/Say>/);
  t.same(await queued(), ['twilio:CA01']);

  const bad = await post('/v1/twilio/voice', fields('CA02'), 'bm90IGEgc2lnbmF0dXJl');
  t.equal(bad.status, 403, 'a wrong signature is refused');
  t.match(JSON.parse(bad.body), { status: 403, detail: /not signed/ });
  t.equal((await post('/v1/twilio/voice', fields('CA03'), null)).status, 403, 'a missing signature is refused');
  t.equal((await post('/v1/twilio/voice', fields('CA04'), undefined, 'grays-secret')).status, 403, "signed with another practice's auth token: refused");
  t.equal((await post('/v1/twilio/voice', fields('CA05', { AccountSid: 'AC00000000000000000000000000000002' }), undefined, 'grays-secret')).status, 403, "another practice's account calling this practice's number: refused");
  const signedForOther = twilio.getExpectedTwilioSignature(TOKEN, 'http://elsewhere.example/v1/twilio/voice', fields('CA06'));
  t.equal((await post('/v1/twilio/voice', fields('CA06'), signedForOther)).status, 403, 'a signature over another URL is refused');
  t.equal((await post('/v1/twilio/voice', fields('CA07', { To: '+441999000000' }))).status, 404, 'a number that is not a practice of ours: 404');
  t.equal((await post('/v1/twilio/status', fields('CA01', { CallStatus: 'completed' }), 'x')).status, 403, 'status callbacks are checked too');
  t.same(await queued(), ['twilio:CA01'], 'refused requests changed nothing');
  t.equal((await post('/v1/twilio/voice', { AccountSid: ACCOUNT, To: RIVERSIDE })).status, 400, 'a request without CallSid: 400');
});

t.test('duplicate and out-of-order webhooks change nothing twice', async (t) => {
  const { post, fields, queued, records } = await setup(t);
  await post('/v1/twilio/voice', fields('CA10'));
  await post('/v1/twilio/voice', fields('CA11'));
  const again = await post('/v1/twilio/voice', fields('CA10'));
  t.equal(again.status, 200);
  t.match(again.body, /You are number 1 in the queue/, 'a repeated voice webhook is told the same place');
  t.same(await queued(), ['twilio:CA10', 'twilio:CA11'], 'and does not queue the call twice');

  t.equal((await post('/v1/twilio/status', fields('CA10', { CallStatus: 'completed' }))).status, 204);
  t.equal((await post('/v1/twilio/status', fields('CA10', { CallStatus: 'completed' }))).status, 204);
  t.same(await queued(), ['twilio:CA11']);
  let rows = await records();
  t.equal(rows.length, 1, 'one record for one call, however many status callbacks');
  t.equal(rows[0]!.outcome, 'abandoned');

  const wait = await post('/v1/twilio/wait?practice=F81001', fields('CA10', { CallStatus: 'in-progress' }));
  t.match(wait.body, /<Hangup\/>/, 'a wait-loop request for an ended call hangs up');
  t.same(await queued(), ['twilio:CA11'], 'and does not bring it back');

  // The end of a call can reach us before its start.
  await post('/v1/twilio/status', fields('CA12', { CallStatus: 'completed' }));
  const late = await post('/v1/twilio/voice', fields('CA12'));
  t.match(late.body, /<Hangup\/>/, 'a voice webhook after the call ended hangs up');
  t.same(await queued(), ['twilio:CA11']);
  rows = await records();
  t.same(rows.map((r) => r.outcome).sort(), ['abandoned', 'ivr']);

  t.equal((await post('/v1/twilio/status', fields('CA11', { CallStatus: 'ringing' }))).status, 204, 'non-final statuses are acknowledged');
  t.same(await queued(), ['twilio:CA11'], 'and leave the caller queued');
  const stale = await post('/v1/twilio/dial-result?practice=F81001&staff=alice', fields('CA11', { DialCallStatus: 'no-answer' }));
  t.equal(stale.status, 200);
  t.same(await queued(), ['twilio:CA11'], 'a dial result for a call not being connected changes nothing');
  t.match(stale.body, /You are number 1 in the queue/, 'and the caller, still queued, stays in the wait loop rather than being hung up on');
});

t.test('no answer: the caller goes back to the head of the queue and the staff member is set away', async (t) => {
  const { sb, fake, db } = await setup(t);
  fake.endpoints.set(BOB_PHONE, { answer: 'no-answer' });
  await sb.api('PUT', '/v1/staff/bob/presence', PRACTICE_TOKEN, { state: 'available' });
  const c1 = await fake.placeCall('+447700900001', RIVERSIDE);
  const c2 = await fake.placeCall('+447700900002', RIVERSIDE);
  t.equal(c1.dialling, BOB_PHONE, 'the first caller rings Bob');
  t.same(c2.positions, [1]);
  // Bob's phone rings out (20 s, at the fake's 10 ms a second).
  await fake.waitFor('caller 1 back in the queue', () => c1.heard.some((h) => /nobody could take your call/.test(h)), 3000);
  t.same(c1.positions.at(-1), 1, 'caller 1 is number 1 again, ahead of caller 2');
  await fake.waitFor('caller 2 hears position 2', () => c2.positions.at(-1) === 2);
  t.match(await db.hgetall('sb:{U12345}:staff:bob'), { presence: 'away', activity: 'idle' }, 'Bob is away');
  t.same((await sb.api('GET', '/v1/staff/bob', PRACTICE_TOKEN)).body, { staffId: 'bob', presence: 'away', activity: 'idle' });

  // Alice comes on: caller 1 (longest waiting) goes to her, at once.
  await sb.api('PUT', '/v1/staff/alice/presence', PRACTICE_TOKEN, { state: 'available' });
  await fake.waitFor('caller 1 bridged to Alice', () => c1.bridged?.endpoint === ALICE_SIP);
  t.notOk(c2.bridged);
  await fake.hangUp(c1);
  await fake.hangUp(c2);
  const rows = (await sb.api('GET', '/v1/practices/F81001/calls', PRACTICE_TOKEN)).body.calls as Record<string, unknown>[];
  t.match(rows.find((r) => r.callId === `twilio:${c1.sid}`), { outcome: 'answered', staff: 'alice', ringAttempts: 2 });
});

t.test('a caller who hangs up while a phone rings for them frees the staff member', async (t) => {
  const { sb, fake, db } = await setup(t);
  fake.endpoints.set(BOB_PHONE, { answer: 'no-answer' });
  await sb.api('PUT', '/v1/staff/bob/presence', PRACTICE_TOKEN, { state: 'available' });
  const c1 = await fake.placeCall('+447700900001', RIVERSIDE);
  t.equal(c1.dialling, BOB_PHONE);
  await fake.hangUp(c1);
  const bob = await db.hgetall('sb:{U12345}:staff:bob');
  t.match(bob, { presence: 'available', activity: 'idle' }, 'Bob is available and idle, not away');
  const c2 = await fake.placeCall('+447700900002', RIVERSIDE);
  t.equal(c2.dialling, BOB_PHONE, 'the next caller rings Bob');
  await fake.hangUp(c2);
});
