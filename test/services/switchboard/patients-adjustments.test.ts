import t from 'tap';
import { until } from '../../helpers/poll.js';
import { offerHeard, patientSetup as setup, PRACTICE_TOKEN, RIVERSIDE } from '../../helpers/patients.js';
import { FHIR_TOKEN, TEST_BUDGET_MS, FLAGGED_PHONE, JANE_PHONE, UNKNOWN_PHONE } from '../../fixtures/patients.js';

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

t.test('head of the queue: a flagged caller goes ahead of those already waiting', async (t) => {
  const { fake, fhir, sb } = await setup(t, (url) => `{ fhirBaseUrl: "${url}", auth: { bearerToken: ${FHIR_TOKEN} }, budgetMs: ${TEST_BUDGET_MS}, flagServiceUrl: "${url}/flags", adjustments: { headOfQueue: true } }`);
  const waiting = [await fake.placeCall(JANE_PHONE, RIVERSIDE), await fake.placeCall(UNKNOWN_PHONE, RIVERSIDE)];
  t.same(waiting.map((c) => c.positions[0]), [1, 2]);
  const flagged = await fake.placeCall(FLAGGED_PHONE, RIVERSIDE);
  t.same(flagged.positions, [1], 'number 1 on arrival');
  t.notOk(offerHeard(flagged), 'no call-back at once unless the practice chose it');
  await sb.api('PUT', '/v1/staff/alice/presence', PRACTICE_TOKEN, { state: 'available' });
  await fake.waitFor('the flagged caller is with Alice first', () => !!flagged.bridged);
  t.notOk(waiting.some((c) => c.bridged), 'before those who were waiting');
  t.ok(fhir.requests.some((r) => r.path.startsWith('/flags/Flag?patient=')));
  for (const c of [...waiting, flagged]) await fake.hangUp(c);
});

