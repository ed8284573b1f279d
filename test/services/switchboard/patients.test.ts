import t, { type Test } from 'tap';
import { FakeTwilio, type FakeCall } from '../../fakes/twilio.js';
import { TestFhirServer } from '../../helpers/fhir.js';
import { until } from '../../helpers/poll.js';
import { privateRedis } from '../../helpers/redis.js';
import { startSwitchboard } from '../../helpers/switchboard.js';
import { FAMILY_PHONE, FHIR_TOKEN, FLAGGED_PHONE, IDENTIFYING, JANE_PHONE, PATIENTS, patientDirectory, UNKNOWN_PHONE } from '../../fixtures/patients.js';

const RIVERSIDE = '+441375100001';
const PRACTICE_TOKEN = 'riverside-practice-token';
const offerHeard = (c: FakeCall) => c.heard.some((h) => /To be called back instead, keeping your place in the queue, press 1/.test(h));

async function setup(t: Test, lookup?: (fhirUrl: string) => string) {
  const fhir = await new TestFhirServer({ bearerToken: FHIR_TOKEN, client: { id: 'switchboard', secret: 'client-secret-1' } }).start();
  t.teardown(() => fhir.stop());
  await fhir.load(PATIENTS);
  const redis = await privateRedis(t);
  const fake = await new FakeTwilio().start();
  t.teardown(() => fake.stop());
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: patientDirectory(fhir.url, lookup?.(fhir.url)), twilio: fake });
  const callerOf = (staff: string, token: string) => sb.api('GET', `/v1/staff/${staff}/caller`, token);
  /** A caller put through to Alice (she answers at once): what her panel is told about them. */
  const putThrough = async (from: string) => {
    await sb.api('PUT', '/v1/staff/alice/presence', PRACTICE_TOKEN, { state: 'available' });
    const call = await fake.placeCall(from, RIVERSIDE);
    await fake.waitFor('the caller is with Alice', () => !!call.bridged);
    const res = await callerOf('alice', 'alice-token');
    const bridged = !!call.bridged;
    await fake.hangUp(call);
    await until('Alice free again', async () => (await sb.api('GET', '/v1/staff/alice', PRACTICE_TOKEN)).body.activity, (a) => a === 'idle');
    return { bridged, res };
  };
  const audit = async () => (await sb.api('GET', '/v1/practices/F81001/audit', PRACTICE_TOKEN)).body.entries as Record<string, unknown>[];
  return { fhir, redis, fake, sb, callerOf, putThrough, audit };
}

t.test('one match, several, none, withheld: shown to the member of staff the call is put through to', async (t) => {
  const { fhir, sb, putThrough, callerOf, audit } = await setup(t);

  let { res } = await putThrough(JANE_PHONE);
  t.equal(res.status, 200);
  t.match(res.body, { configured: true, outcome: 'matched', candidates: [{ name: 'Jane Smithfield', birthDate: '1950-03-12', nhsNumber: PATIENTS[0]!.nhsNumber, reasonableAdjustment: false }] });
  t.match(fhir.requests.find((r) => r.path.startsWith('/Patient')), { path: `/Patient?phone=${encodeURIComponent('+447700900001,07700900001')}&_count=10` }, 'both forms of the number asked for in one search');

  ({ res } = await putThrough(FAMILY_PHONE));
  t.equal(res.body.outcome, 'matched');
  t.same((res.body.candidates as { name: string }[]).map((c) => c.name).sort(), ['Ann Jonesworth', 'Tom Jonesworth'], 'two patients share this number');

  ({ res } = await putThrough(UNKNOWN_PHONE));
  t.match(res.body, { outcome: 'no-match', candidates: [] });

  const asked = fhir.requests.length;
  ({ res } = await putThrough('+266696687'));
  t.match(res.body, { outcome: 'withheld', candidates: [] });
  t.equal(fhir.requests.length, asked, 'a withheld number is not looked up');

  // Every look-up audited, without a name or number: who, when, which call, how many matched.
  const entries = await audit();
  const lookups = entries.filter((e) => e.action === 'patient-lookup').reverse();
  t.same(lookups.map((e) => [e.actor, e.outcome, e.matches]), [['service:switchboard', 'matched', 1], ['service:switchboard', 'matched', 2], ['service:switchboard', 'no-match', 0]]);
  t.ok(lookups.every((e) => typeof e.callId === 'string' && (e.callId as string).startsWith('twilio:')));
  t.equal(entries.filter((e) => e.action === 'patient-lookup-shown' && e.actor === 'staff:alice').length, 4, 'each showing to staff audited too');
  t.notMatch(JSON.stringify(entries), /Jane|Jonesworth|999\d{7}|\+44/, 'the audit log names nobody');

  // Nobody else sees the candidates: not a colleague, not the practice token, not when no call is put through.
  t.equal((await callerOf('alice', 'cara-token')).status, 403);
  t.equal((await callerOf('alice', PRACTICE_TOKEN)).status, 403);
  const none = await callerOf('alice', 'alice-token');
  t.equal(none.status, 404);
  t.match(none.body.detail, /no call is being put through to alice/);
});

t.test('a flagged caller goes to care coordination, is offered a call-back at once and rung longer; the record says adjusted', async (t) => {
  const { sb, fake, callerOf, redis } = await setup(t);
  // Nobody free: without the adjustment, no wait estimate means no call-back offer at all.
  const call = await fake.placeCall(FLAGGED_PHONE, RIVERSIDE);
  t.ok(offerHeard(call), 'the call-back is offered on the first announcement');
  const key = `sb:{U12345}:call:twilio:${call.sid}`;
  t.match(await redis.connect().hgetall(key), { team: 'F81001.care-coordination', adjusted: '1' }, 'queued for care coordination, marked adjusted');

  await sb.api('PUT', '/v1/staff/cara/presence', PRACTICE_TOKEN, { state: 'available' });
  await fake.waitFor('the caller is with Cara', () => !!call.bridged);
  t.match(fake.restRequests.map((r) => r.params.Twiml ?? '').find((x) => x.includes('sip:cara')), /<Dial[^>]* timeout="45"/, 'staff are rung for 45 s, not 20');
  const seen = await callerOf('cara', 'cara-token');
  t.match(seen.body, { outcome: 'matched', candidates: [{ name: 'Sam Pateley', reasonableAdjustment: true }] });
  await fake.hangUp(call);

  const calls = await until('the record', async () => (await sb.api('GET', '/v1/practices/F81001/calls', PRACTICE_TOKEN)).body.calls as Record<string, unknown>[], (c) => c.length === 1);
  t.match(calls[0], { team: 'F81001.care-coordination', adjusted: true, priority: false });

  // An unflagged caller is handled as usual.
  const other = await fake.placeCall(JANE_PHONE, RIVERSIDE);
  t.notOk(offerHeard(other));
  t.match(await redis.connect().hgetall(`sb:{U12345}:call:twilio:${other.sid}`), { team: 'F81001.reception' });
  t.notOk('adjusted' in (await redis.connect().hgetall(`sb:{U12345}:call:twilio:${other.sid}`)));
  await fake.hangUp(other);
});

t.test('failures cost the caller nothing and show "lookup unavailable"; counted in /metrics', async (t) => {
  const { fhir, sb, putThrough } = await setup(t);
  const directoryWith = (settings: string) => sb.setDirectory(patientDirectory(fhir.url, settings));

  directoryWith(`{ fhirBaseUrl: "http://127.0.0.1:9", auth: { bearerToken: ${FHIR_TOKEN} } }`);
  let { bridged, res } = await putThrough(JANE_PHONE);
  t.ok(bridged, 'the call was put through as usual');
  t.match(res.body, { outcome: 'unavailable', reason: 'error', candidates: [] }, 'server down');

  directoryWith(`{ fhirBaseUrl: "${fhir.url}", auth: { bearerToken: not-the-right-token } }`);
  ({ bridged, res } = await putThrough(JANE_PHONE));
  t.match(res.body, { outcome: 'unavailable', reason: 'unauthorised' }, '401');

  directoryWith(`{ fhirBaseUrl: "${fhir.url}/garbage", auth: { bearerToken: ${FHIR_TOKEN} } }`);
  ({ bridged, res } = await putThrough(JANE_PHONE));
  t.match(res.body, { outcome: 'unavailable', reason: 'bad-answer' }, 'an answer that is not FHIR');

  directoryWith(`{ fhirBaseUrl: "${fhir.url}", auth: { bearerToken: ${FHIR_TOKEN} }, budgetMs: 300 }`);
  fhir.delayMs = 2000;
  ({ bridged, res } = await putThrough(JANE_PHONE));
  t.ok(bridged);
  t.match(res.body, { outcome: 'unavailable', reason: 'timeout' }, 'slower than the budget');
  fhir.delayMs = 0;

  directoryWith(`{ fhirBaseUrl: "${fhir.url}", auth: { tokenUrl: "${fhir.url}/oauth/token", clientId: switchboard, clientSecret: client-secret-1 } }`);
  ({ res } = await putThrough(JANE_PHONE));
  t.match(res.body, { outcome: 'matched', candidates: [{ name: 'Jane Smithfield' }] }, 'OAuth 2.0 client credentials');

  const metrics = await (await fetch(`${sb.url}/metrics`)).text();
  for (const outcome of ['error', 'unauthorised', 'bad-answer', 'timeout', 'matched']) t.match(metrics, new RegExp(`switchboard_patient_lookups_total\\{outcome="${outcome}"\\} 1\\b`), `${outcome} counted`);
});

t.test('the practice switches the lookup off at once; audited; only its own token may', async (t) => {
  const { fhir, sb, putThrough, audit } = await setup(t);
  t.equal((await sb.api('PUT', '/v1/practices/F81001/patient-lookup', 'alice-token', { enabled: false })).status, 403);
  t.equal((await sb.api('PUT', '/v1/practices/F81001/patient-lookup', PRACTICE_TOKEN, { enabled: 'no' })).status, 400);
  let res = await sb.api('PUT', '/v1/practices/F81001/patient-lookup', PRACTICE_TOKEN, { enabled: false });
  t.same(res.body, { practice: 'F81001', configured: true, enabled: false });
  const asked = fhir.requests.length;
  ({ res } = await putThrough(JANE_PHONE));
  t.match(res.body, { outcome: 'off', candidates: [] });
  t.equal(fhir.requests.length, asked, 'nothing asked of the clinical system');
  res = await sb.api('PUT', '/v1/practices/F81001/patient-lookup', PRACTICE_TOKEN, { enabled: true });
  t.equal(res.body.enabled, true);
  ({ res } = await putThrough(JANE_PHONE));
  t.equal(res.body.outcome, 'matched');
  t.same((await audit()).filter((e) => String(e.action).startsWith('lookup-')).map((e) => [e.action, e.actor]), [['lookup-enabled', 'token:practice:F81001'], ['lookup-disabled', 'token:practice:F81001']]);
});

t.test('another process serving the staff panel looks the caller up itself; nothing found reaches logs, records, statistics or Redis', async (t) => {
  const { fhir, sb, fake, redis, putThrough, audit } = await setup(t);
  // A second process on the same Redis (its webhooks still go to the first).
  const other = await startSwitchboard(t, { redisUrl: redis.url, directory: patientDirectory(fhir.url), env: { TWILIO_API_BASE: fake.url } });
  await sb.api('PUT', '/v1/staff/alice/presence', PRACTICE_TOKEN, { state: 'available' });
  const call = await fake.placeCall(JANE_PHONE, RIVERSIDE);
  await fake.waitFor('the caller is with Alice', () => !!call.bridged);
  const res = await other.api('GET', '/v1/staff/alice/caller', 'alice-token');
  t.match(res.body, { outcome: 'matched', candidates: [{ name: 'Jane Smithfield' }] });
  await fake.hangUp(call);
  await until('Alice free again', async () => (await sb.api('GET', '/v1/staff/alice', PRACTICE_TOKEN)).body.activity, (a) => a === 'idle');
  t.match((await audit()).find((e) => e.action === 'patient-lookup' && e.actor === 'staff:alice'), { callId: `twilio:${call.sid}`, matches: 1 }, "the other process's own look-up, audited as Alice's");
  for (const from of [FAMILY_PHONE, UNKNOWN_PHONE]) await putThrough(from);
  // The flagged caller goes to care coordination, where Cara takes the call.
  const flagged = await fake.placeCall(FLAGGED_PHONE, RIVERSIDE);
  await sb.api('PUT', '/v1/staff/cara/presence', PRACTICE_TOKEN, { state: 'available' });
  await fake.waitFor('the caller is with Cara', () => !!flagged.bridged);
  t.equal((await other.api('GET', '/v1/staff/cara/caller', 'cara-token')).body.outcome, 'matched');
  await fake.hangUp(flagged);

  const db = redis.connect();
  const dump: string[] = [];
  for (const key of await db.keys('*')) {
    const type = await db.type(key);
    dump.push(key);
    if (type === 'string') dump.push((await db.getBuffer(key))?.toString('latin1') ?? '');
    else if (type === 'hash') dump.push(JSON.stringify(await db.hgetall(key)));
    else if (type === 'zset') dump.push(JSON.stringify(await db.zrange(key, 0, -1, 'WITHSCORES')));
    else if (type === 'set') dump.push(JSON.stringify(await db.smembers(key)));
    else if (type === 'list') dump.push(JSON.stringify(await db.lrange(key, 0, -1)));
    else if (type === 'stream') dump.push(JSON.stringify(await db.xrange(key, '-', '+')));
  }
  const records = JSON.stringify((await sb.api('GET', '/v1/practices/F81001/calls', PRACTICE_TOKEN)).body);
  const today = new Date().toISOString().slice(0, 10);
  const statsRes = await sb.api('GET', `/v1/stats?scope=practice:F81001&from=${today}&to=${today}&granularity=15m`, PRACTICE_TOKEN);
  t.equal(statsRes.status, 200);
  const stats = JSON.stringify(statsRes.body);
  const metrics = await (await fetch(`${sb.url}/metrics`)).text();
  const places = { logs: [...sb.logs, ...other.logs].join(''), records, stats, metrics, redis: dump.join('\n') };
  // The places searched hold these calls (so finding nothing means something).
  t.equal((JSON.parse(records) as { calls: unknown[] }).calls.length, 4);
  t.match(records, /"adjusted":true/);
  t.match(places.logs, /call ended/);
  t.match(places.redis, /sb:\{U12345\}:cdr:twilio:/);
  for (const [where, text] of Object.entries(places)) {
    const found = IDENTIFYING.filter((s) => text.includes(s));
    t.same(found, [], `no test patient's name, NHS number or date of birth in ${where}`);
  }
});
