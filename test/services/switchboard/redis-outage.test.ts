import { spawn } from 'node:child_process';
import t from 'tap';
import { redisAnswers } from '../../../scripts/redis.mjs';
import { FakeTwilio } from '../../fakes/twilio.js';
import { privateRedis } from '../../helpers/redis.js';
import { until } from '../../helpers/poll.js';
import { startSwitchboard } from '../../helpers/switchboard.js';
import { ALICE_SIP, exampleDirectory, PRACTICE_TOKEN, RIVERSIDE } from '../../fixtures/directories.js';

t.test('Redis away mid-call: callers still get TwiML, /readyz says so, the API sheds load, and calls carry on when it returns', async (t) => {
  const redis = await privateRedis(t);
  const twilio = await new FakeTwilio().start();
  t.teardown(() => twilio.stop());
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: exampleDirectory(1), twilio });

  const first = await twilio.placeCall('+447700900501', RIVERSIDE);
  t.same(first.positions, [1], 'the first caller is queued before the outage');

  // Redis stops (SIGTERM: it writes its AOF and exits).
  redis.child.kill('SIGTERM');
  await new Promise((r) => redis.child.once('exit', r));
  const outageStart = twilio.webhooks.length;
  const second = await twilio.placeCall('+447700900502', RIVERSIDE);
  // The first caller's wait loop and the second's retries hit the service meanwhile.
  await twilio.waitFor('three webhooks during the outage', () => twilio.webhooks.length - outageStart >= 3);

  const during = twilio.webhooks.slice(outageStart);
  t.ok(during.every((w) => w.status === 200 && w.body.includes('<Response>')), 'every one was answered with TwiML, never a 5xx');
  t.ok(during.some((w) => w.body.includes('<Redirect')), 'the holding answer redirects back to the wait loop');
  const slowest = Math.max(...during.map((w) => w.ms));
  t.ok(slowest < 15_000, `the slowest took ${slowest} ms, inside the provider's 15 s timeout`);

  const ready = await fetch(`${sb.url}/readyz`);
  t.equal(ready.status, 503, '/readyz reports Redis unreachable');
  t.same(await ready.json(), { status: 'not ready', redis: 'unreachable' });
  const api = await fetch(`${sb.url}/v1/staff/alice`, { headers: { authorization: `Bearer ${PRACTICE_TOKEN}` } });
  t.equal(api.status, 503, 'the management API sheds load');
  t.equal(api.headers.get('retry-after'), '5');
  t.match(api.headers.get('content-type'), /application\/problem\+json/);
  t.match(((await api.json()) as { detail: string }).detail, /cannot reach its Redis/);
  t.equal((await fetch(`${sb.url}/healthz`)).status, 200, 'liveness stays up: restarting the pod would not help');

  // Redis comes back on the same port with its AOF.
  const back = spawn('redis-server', ['--port', String(redis.port), '--bind', '127.0.0.1', '--dir', redis.dir, '--appendonly', 'yes', '--save', ''], { stdio: 'ignore' });
  t.teardown(() => back.kill('SIGKILL'));
  await until('Redis to answer again', () => redisAnswers(redis.url), (up) => up);
  await until('/readyz to recover', async () => (await fetch(`${sb.url}/readyz`)).status, (status) => status === 200);
  t.pass('/readyz recovers');

  // The calls carry on: the first caller kept their place, the second joined on a retry.
  t.equal((await sb.api('PUT', '/v1/staff/alice/presence', PRACTICE_TOKEN, { state: 'available' })).status, 200);
  await twilio.waitFor('the first caller is put through', () => first.bridged?.endpoint === ALICE_SIP);
  twilio.staffHangsUp(first);
  await twilio.waitFor('then the second', () => second.bridged?.endpoint === ALICE_SIP);
  t.match(second.heard.join(' '), /Sorry/i, 'the second caller heard the holding message while Redis was away');
  t.same([...first.errors, ...second.errors], [], 'neither caller heard an error');
  await twilio.hangUp(second);
  await twilio.waitFor('both calls over', () => first.over && second.over);
  const records = (await sb.api('GET', '/v1/practices/F81001/calls', PRACTICE_TOKEN)).body.calls as { outcome: string }[];
  t.same(records.map((r) => r.outcome), ['answered', 'answered'], 'both calls recorded as answered');
});
