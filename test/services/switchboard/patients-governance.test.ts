import t from 'tap';
import { until } from '../../helpers/poll.js';
import { startSwitchboard } from '../../helpers/switchboard.js';
import { TEST_USERS } from '../../helpers/oidc.js';
import { patientSetup as setup, PRACTICE_TOKEN, RIVERSIDE } from '../../helpers/patients.js';
import { FAMILY_PHONE, FLAGGED_PHONE, IDENTIFYING, JANE_PHONE, patientDirectory, UNKNOWN_PHONE } from '../../fixtures/patients.js';

t.test('another process serving the staff panel looks the caller up itself; nothing found reaches logs, records, statistics or Redis', async (t) => {
  const { fhir, sb, fake, redis, issuer, putThrough, callerOf, audit } = await setup(t);
  // A second process on the same Redis (its webhooks still go to the first).
  const other = await startSwitchboard(t, { redisUrl: redis.url, directory: patientDirectory(fhir.url, issuer), env: { TWILIO_API_BASE: fake.url } });
  await sb.api('PUT', '/v1/staff/alice/presence', PRACTICE_TOKEN, { state: 'available' });
  const call = await fake.placeCall(JANE_PHONE, RIVERSIDE);
  await fake.waitFor('the caller is with Alice', () => !!call.bridged);
  const res = await callerOf('alice', TEST_USERS.alice, other.url);
  t.match(res.body, { outcome: 'matched', candidates: [{ name: 'Jane Smithfield' }] });
  await fake.hangUp(call);
  await until('Alice free again', async () => (await sb.api('GET', '/v1/staff/alice', PRACTICE_TOKEN)).body.activity, (a) => a === 'idle');
  t.match((await audit()).find((e) => e.action === 'patient-lookup' && e.actor === 'staff:alice'), { callId: `twilio:${call.sid}`, matches: 1 }, "the other process's own look-up, audited as Alice's");
  for (const from of [FAMILY_PHONE, UNKNOWN_PHONE]) await putThrough(from);
  // The flagged caller goes to care coordination, where Cara takes the call.
  const flagged = await fake.placeCall(FLAGGED_PHONE, RIVERSIDE);
  await sb.api('PUT', '/v1/staff/cara/presence', PRACTICE_TOKEN, { state: 'available' });
  await fake.waitFor('the caller is with Cara', () => !!flagged.bridged);
  t.equal((await callerOf('cara', TEST_USERS.cara, other.url)).body.outcome, 'matched');
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
