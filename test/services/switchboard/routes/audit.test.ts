import t from 'tap';
import { privateRedis } from '../../../helpers/redis.js';
import { startSwitchboard } from '../../../helpers/switchboard.js';
import { RedisAuditLog } from '../../../../shared/audit/audit.js';
import { parseDirectory } from '../../../../shared/directory/load.js';
import { GRAYS_TOKEN, PCN_YAML } from '../../../fixtures/directories.js';

const directory = parseDirectory(PCN_YAML.replace('access:\n', 'access:\n  - { token: alice-staff-token, role: staff, staff: alice }\n'), 'pcn');
const riversideToken = 'riverside-practice-token';
const staffToken = 'alice-staff-token';

t.test('GET /v1/practices/:ods/audit: JSON and CSV, newest first, by time, scoped to the practice token', async (t) => {
  const redis = await privateRedis(t);
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory });
  await sb.app.audit.record({ practice: 'F81001', actor: 'service:switchboard', action: 'patient-lookup', callId: 'twilio:CA1', outcome: 'matched', matches: 1 });
  const between = Date.now();
  await new Promise((r) => setTimeout(r, 5)); // stream ids are milliseconds: make the boundary fall between the two
  await sb.app.audit.record({ practice: 'F81001', actor: 'token:riverside', action: 'lookup-disabled' });
  await sb.app.audit.record({ practice: 'F81002', actor: 'staff:carol', action: 'patient-lookup-shown', callId: 'twilio:CA2', outcome: 'no-match', matches: 0 });
  await sb.app.audit.record({ practice: null, actor: 'oidc:nobody@example.org', action: 'sign-in-failed', outcome: 'refused: no directory entry' });

  let res = await sb.api('GET', '/v1/practices/F81001/audit', riversideToken);
  t.equal(res.status, 200);
  const entries = res.body.entries as Record<string, unknown>[];
  t.same(entries.map((e) => e.action), ['lookup-disabled', 'patient-lookup'], "only this practice's entries, newest first");
  t.match(entries[1], { practice: 'F81001', actor: 'service:switchboard', callId: 'twilio:CA1', outcome: 'matched', matches: 1 });
  t.ok(Math.abs(Date.parse(entries[0]!.at as string) - Date.now()) < 60_000, 'at is the time it was recorded');
  t.notOk('callId' in entries[0]!, 'absent fields stay absent');

  res = await sb.api('GET', `/v1/practices/F81001/audit?to=${new Date(between).toISOString()}`, riversideToken);
  t.same((res.body.entries as Record<string, unknown>[]).map((e) => e.action), ['patient-lookup'], 'to bounds the range');
  res = await sb.api('GET', `/v1/practices/F81001/audit?from=${new Date(between + 1).toISOString()}`, riversideToken);
  t.same((res.body.entries as Record<string, unknown>[]).map((e) => e.action), ['lookup-disabled'], 'from bounds the range');
  res = await sb.api('GET', '/v1/practices/F81001/audit?limit=1', riversideToken);
  t.equal((res.body.entries as unknown[]).length, 1, 'limit');

  const csv = await fetch(`${sb.url}/v1/practices/F81001/audit?format=csv`, { headers: { authorization: `Bearer ${riversideToken}` } });
  t.match(csv.headers.get('content-type'), /^text\/csv/);
  const lines = (await csv.text()).trim().split('\n');
  t.equal(lines[0], 'at,practice,actor,action,callId,outcome,matches');
  t.match(lines[2], /^[^,]+,F81001,service:switchboard,patient-lookup,twilio:CA1,matched,1$/);
  const byAccept = await fetch(`${sb.url}/v1/practices/F81001/audit`, { headers: { authorization: `Bearer ${riversideToken}`, accept: 'text/csv' } });
  t.match(byAccept.headers.get('content-type'), /^text\/csv/, 'Accept: text/csv also selects CSV');

  t.equal((await sb.api('GET', '/v1/practices/F81001/audit', GRAYS_TOKEN)).status, 403, "another practice's token");
  t.equal((await sb.api('GET', '/v1/practices/F81001/audit', staffToken)).status, 403, 'a staff token');
  t.equal((await sb.api('GET', '/v1/practices/F81001/audit')).status, 401);
  t.equal((await sb.api('GET', '/v1/practices/Z99999/audit', riversideToken)).status, 404);
  res = await sb.api('GET', '/v1/practices/F81001/audit?from=yesterday', riversideToken);
  t.equal(res.status, 400);
  t.match(res.body.detail, /from=yesterday: must be a date-time/);
  t.equal((await sb.api('GET', '/v1/practices/F81001/audit?limit=0', riversideToken)).status, 400);

  t.same((await sb.app.audit.read(null)).map((e) => e.outcome), ['refused: no directory entry'], 'deployment-wide events in a stream of their own');
});

t.test('entries older than the retention are trimmed as new ones are written', async (t) => {
  const redis = await privateRedis(t);
  const client = redis.connect();
  const log = new RedisAuditLog(client, 'sb:', 1);
  // Written (by the stream id's clock) a day and a minute ago, and a minute ago.
  await client.xadd('sb:audit:F81001', `${Date.now() - 86_460_000}-0`, 'actor', 'staff:alice', 'action', 'patient-lookup-shown');
  await client.xadd('sb:audit:F81001', `${Date.now() - 60_000}-0`, 'actor', 'staff:alice', 'action', 'lookup-disabled');
  await log.record({ practice: 'F81001', actor: 'staff:alice', action: 'lookup-enabled' });
  t.same((await log.read('F81001')).map((e) => e.action), ['lookup-enabled', 'lookup-disabled'], 'the entry past a day is gone, the one inside it kept');
});
