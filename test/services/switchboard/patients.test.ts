import t from 'tap';
import { TEST_USERS } from '../../helpers/oidc.js';
import { patientSetup as setup, PRACTICE_TOKEN } from '../../helpers/patients.js';
import { FAMILY_PHONE, FHIR_TOKEN, TEST_BUDGET_MS, JANE_PHONE, PATIENTS, patientDirectory, UNKNOWN_PHONE } from '../../fixtures/patients.js';

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

  // Nobody else sees the candidates: not a colleague signed in, not the practice token, not when no call is put through.
  t.equal((await callerOf('alice', TEST_USERS.cara)).status, 403, "a colleague's session");
  t.equal((await callerOf('alice', PRACTICE_TOKEN)).status, 403);
  const none = await callerOf('alice', TEST_USERS.alice);
  t.equal(none.status, 200, 'no call now is an answer, not an error the browser would log');
  t.same(none.body, { configured: false, outcome: 'no-call', candidates: [] }, 'and names nobody');
});

t.test('failures cost the caller nothing and show "lookup unavailable"; counted in /metrics', async (t) => {
  const { fhir, sb, issuer, putThrough } = await setup(t);
  const directoryWith = (settings: string) => sb.setDirectory(patientDirectory(fhir.url, issuer, settings));

  directoryWith(`{ fhirBaseUrl: "http://127.0.0.1:9", auth: { bearerToken: ${FHIR_TOKEN} }, budgetMs: ${TEST_BUDGET_MS} }`);
  let { bridged, res } = await putThrough(JANE_PHONE);
  t.ok(bridged, 'the call was put through as usual');
  t.match(res.body, { outcome: 'unavailable', reason: 'error', candidates: [] }, 'server down');

  directoryWith(`{ fhirBaseUrl: "${fhir.url}", auth: { bearerToken: not-the-right-token }, budgetMs: ${TEST_BUDGET_MS} }`);
  ({ bridged, res } = await putThrough(JANE_PHONE));
  t.match(res.body, { outcome: 'unavailable', reason: 'unauthorised' }, '401');

  directoryWith(`{ fhirBaseUrl: "${fhir.url}/garbage", auth: { bearerToken: ${FHIR_TOKEN} }, budgetMs: ${TEST_BUDGET_MS} }`);
  ({ bridged, res } = await putThrough(JANE_PHONE));
  t.match(res.body, { outcome: 'unavailable', reason: 'bad-answer' }, 'an answer that is not FHIR');

  directoryWith(`{ fhirBaseUrl: "${fhir.url}", auth: { bearerToken: ${FHIR_TOKEN} }, budgetMs: 300 }`);
  fhir.delayMs = 2000;
  ({ bridged, res } = await putThrough(JANE_PHONE));
  t.ok(bridged);
  t.match(res.body, { outcome: 'unavailable', reason: 'timeout' }, 'slower than the budget');
  fhir.delayMs = 0;

  directoryWith(`{ fhirBaseUrl: "${fhir.url}", auth: { tokenUrl: "${fhir.url}/oauth/token", clientId: switchboard, clientSecret: client-secret-1 }, budgetMs: ${TEST_BUDGET_MS} }`);
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

