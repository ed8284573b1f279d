import t from 'tap';
import { TEST_USERS } from '../../helpers/oidc.js';
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
  const seen = await callerOf('cara', TEST_USERS.cara);
  t.match(seen.body, { outcome: 'matched', candidates: [{ name: 'Sam Pateley', reasonableAdjustment: true }] });
  // Only Cara, signed in with her own identity: not her static token, not a colleague's session.
  const token = await callerOf('cara', 'cara-token');
  t.equal(token.status, 403, 'her static staff token');
  t.match(token.body.detail, /patient details are shown only to a person signed in with their own NHS identity who is handling the call/);
  t.notMatch(JSON.stringify(token.body), /Sam|Pateley/);
  t.equal((await callerOf('cara', TEST_USERS.alice)).status, 403, "a colleague's session");
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


t.test('while the adjustment team is closed, a flagged caller keeps their ordinary route', async (t) => {
  const { sb, fake, redis } = await setup(t);
  const now = Date.now();
  const closure = { from: new Date(now - 3_600_000).toISOString(), to: new Date(now + 3_600_000).toISOString(), reason: 'Training', team: 'care-coordination' };
  t.equal((await sb.api('POST', '/v1/practices/F81001/closures', PRACTICE_TOKEN, closure)).status, 201);
  const call = await fake.placeCall(FLAGGED_PHONE, RIVERSIDE);
  const record = await redis.connect().hgetall(`sb:{U12345}:call:twilio:${call.sid}`);
  t.match(record, { team: 'F81001.reception', state: 'queued' }, 'queued for reception, not the closed care-coordination team');
  t.notOk(call.heard.some((h) => /closed/i.test(h)), 'and not told a team is closed');
  t.ok(offerHeard(call), 'the other adjustments still apply: a call-back offered at once');
  await sb.api('PUT', '/v1/staff/alice/presence', PRACTICE_TOKEN, { state: 'available' });
  await fake.waitFor('the caller is with Alice', () => !!call.bridged);
  await fake.hangUp(call);
  const calls = await until('the record', async () => (await sb.api('GET', '/v1/practices/F81001/calls', PRACTICE_TOKEN)).body.calls as Record<string, unknown>[], (c) => c.length === 1);
  t.match(calls[0], { team: 'F81001.reception', closed: false, adjusted: true }, 'adjusted in the other ways (a call-back at once), on reception');
  t.notMatch(JSON.stringify(calls[0]), /flag|care-coordination|training|Pateley/i, 'the record does not say why');
});

t.test('a flagged caller who picks a closed team at the menu is told it is closed, as anyone is; the adjustment applies only to an open choice', async (t) => {
  const { sb, fake, redis } = await setup(t, undefined, true);
  const now = Date.now();
  const closure = { from: new Date(now - 3_600_000).toISOString(), to: new Date(now + 3_600_000).toISOString(), reason: 'Training', team: 'reception' };
  const made = await sb.api('POST', '/v1/practices/F81001/closures', PRACTICE_TOKEN, closure);
  t.equal(made.status, 201);
  const closed = await fake.placeCall(FLAGGED_PHONE, RIVERSIDE, ['1']);
  await fake.waitFor('turned away', () => closed.over);
  t.match(closed.heard.at(-1), /Reception is closed at the moment/);
  t.notOk(await redis.connect().zcard('sb:{U12345}:q:F81001.care-coordination'), 'not queued for care coordination');

  t.equal((await sb.api('DELETE', `/v1/practices/F81001/closures/${made.body.id}`, PRACTICE_TOKEN)).status, 204);
  const open = await fake.placeCall(FLAGGED_PHONE, RIVERSIDE, ['1']);
  await fake.waitFor('queued', () => open.positions.length > 0);
  t.match(await redis.connect().hgetall(`sb:{U12345}:call:twilio:${open.sid}`), { team: 'F81001.care-coordination', adjusted: '1' }, 'reception open: the adjustment takes them to care coordination');
  await fake.hangUp(open);
});
