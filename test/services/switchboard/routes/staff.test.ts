import t from 'tap';
import { privateRedis } from '../../../helpers/redis.js';
import { startSwitchboard } from '../../../helpers/switchboard.js';
import { parseDirectory } from '../../../../shared/directory/load.js';
import { EXAMPLE_YAML } from '../../../fixtures/directories.js';

// The example plus a neighbouring practice with its own token and staff member.
const directory = parseDirectory(
  EXAMPLE_YAML.replace(
    'staff:\n',
    `  - ods: F81002
    name: Grays Health Centre
    pcn: U12345
    numbers: ["+441375100002"]
    provider: { kind: twilio, accountSid: AC00000000000000000000000000000002, authToken: grays-secret }
    teams: [{ id: reception, name: Reception }]
staff:
  - { id: carol, name: Carol, practice: F81002, endpoint: "sip:carol@grays.example", teams: [reception] }
`,
  ).replace('access:\n', 'access:\n  - { token: grays-practice-token, role: practice, practice: F81002 }\n  - { token: thurrock-pcn-token, role: pcn, pcn: U12345 }\n'),
  'neighbours',
);

t.test('presence: authentication, scoping and validation', async (t) => {
  const redis = await privateRedis(t);
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory });
  const put = (staff: string, token: string | undefined, body: unknown) => sb.api('PUT', `/v1/staff/${staff}/presence`, token, body);

  let res = await put('alice', 'alice-token', { state: 'available' });
  t.equal(res.status, 200, 'staff may set their own presence');
  t.same(res.body, { staffId: 'alice', presence: 'available', activity: 'idle' });
  res = await put('bob', 'riverside-practice-token', { state: 'away' });
  t.equal(res.status, 200, 'a practice token may set any of its staff');
  t.equal(res.body.presence, 'away');

  res = await put('bob', 'alice-token', { state: 'available' });
  t.equal(res.status, 403, "staff may not set a colleague's presence");
  t.match(res.body, { status: 403, title: 'Forbidden', detail: /may not act for staff member bob/ });
  t.match(res.type, /^application\/problem\+json/);
  t.equal((await put('carol', 'riverside-practice-token', { state: 'available' })).status, 403, "a practice may not set another practice's staff");
  t.equal((await put('alice', 'grays-practice-token', { state: 'available' })).status, 403);
  t.equal((await put('alice', 'thurrock-pcn-token', { state: 'available' })).status, 403, 'a PCN token does not set presence');

  res = await put('alice', undefined, { state: 'available' });
  t.equal(res.status, 401, 'no token: 401');
  t.match(res.body.detail, /Authorization: Bearer/);
  t.equal((await put('alice', 'not-a-real-token', { state: 'available' })).status, 401, 'an unknown token: 401');

  res = await put('zoe', 'riverside-practice-token', { state: 'available' });
  t.equal(res.status, 404, 'unknown staff: 404');
  t.match(res.body.detail, /no staff member zoe/);

  res = await put('alice', 'alice-token', { state: 'busy' });
  t.equal(res.status, 400, 'a state that is not one of the three: 400');
  t.match(res.body.detail, /state.*must be equal to one of the allowed values/);
  t.equal((await put('alice', 'alice-token', {})).status, 400, 'no state: 400');
  t.equal((await sb.api('PUT', '/v1/staff/alice/presence', 'alice-token')).status, 400, 'no body: 400');

  // Refused requests changed nothing.
  t.match(await redis.connect().hgetall('sb:{U12345}:staff:bob'), { presence: 'away' });
  t.equal((await sb.api('GET', '/v1/staff/alice', 'alice-token')).body.presence, 'available');
});

t.test('call records: scoped to the practice', async (t) => {
  const redis = await privateRedis(t);
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory });
  t.equal((await sb.api('GET', '/v1/practices/F81001/calls', 'riverside-practice-token')).status, 200);
  t.equal((await sb.api('GET', '/v1/practices/F81001/calls', 'alice-token')).status, 200, "staff see their own practice's calls");
  t.equal((await sb.api('GET', '/v1/practices/F81001/calls', 'thurrock-pcn-token')).status, 200, 'a PCN sees its practices');
  t.equal((await sb.api('GET', '/v1/practices/F81001/calls', 'grays-practice-token')).status, 403, 'a neighbour may not');
  t.equal((await sb.api('GET', '/v1/practices/F81009/calls', 'grays-practice-token')).status, 404);
  const bad = await sb.api('GET', '/v1/practices/F81001/calls?date=2026-02-30', 'riverside-practice-token');
  t.equal(bad.status, 400, 'an impossible date: 400');
  t.match(bad.body.detail, /2026-02-30 is not a calendar date/);
});

t.test('health and readiness', async (t) => {
  const redis = await privateRedis(t);
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory });
  t.same((await sb.api('GET', '/healthz')).body, { status: 'ok' });
  t.same((await sb.api('GET', '/readyz')).body, { status: 'ready', redis: 'ok' });
  redis.child.kill('SIGSTOP'); // Redis stops answering
  const res = await sb.api('GET', '/readyz');
  t.equal(res.status, 503, 'not ready without Redis');
  t.same(res.body, { status: 'not ready', redis: 'unreachable' });
  t.same((await sb.api('GET', '/healthz')).body, { status: 'ok' }, 'but the process is up');
  redis.child.kill('SIGCONT');
  t.same((await sb.api('GET', '/readyz')).body, { status: 'ready', redis: 'ok' }, 'and ready again when Redis answers');
});
