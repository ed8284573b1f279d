import t from 'tap';
import { FakeTwilio } from '../../../fakes/twilio.js';
import { privateRedis } from '../../../helpers/redis.js';
import { startSwitchboard } from '../../../helpers/switchboard.js';
import { liveDirectory, RIVERSIDE, TOKENS } from '../../../fixtures/live.js';

t.test('POST /v1/staff/:id/wrap-up/end: the person is put through to the next caller at once; refused outside wrap-up and for others', async (t) => {
  const redis = await privateRedis(t);
  const twilio = await new FakeTwilio().start();
  t.teardown(() => twilio.stop());
  // Ten minutes of wrap-up: only ending it early can free Alice within this test.
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: liveDirectory({ wrapUpSeconds: 600 }), twilio });
  const end = (staff: string, token: string) => sb.api('POST', `/v1/staff/${staff}/wrap-up/end`, token);

  t.equal((await end('alice', TOKENS.alice)).status, 409, 'offline: no wrap-up to end');
  t.match((await end('alice', TOKENS.alice)).body, { detail: /not in wrap-up/ });
  t.equal((await end('nobody', TOKENS.riverside)).status, 404);
  t.equal((await end('carol', TOKENS.riverside)).status, 403, "not another practice's staff");
  t.equal((await end('bob', TOKENS.alice)).status, 403, 'not a colleague');

  await sb.api('PUT', '/v1/staff/alice/presence', TOKENS.alice, { state: 'available' });
  const first = await twilio.placeCall('+447700900101', RIVERSIDE);
  await twilio.waitFor('bridged to Alice', () => first.bridged);
  t.equal((await end('alice', TOKENS.alice)).status, 409, 'on a call: refused');
  await twilio.staffHangsUp(first);
  const second = await twilio.placeCall('+447700900102', RIVERSIDE);
  await twilio.waitFor('Alice in wrap-up', async () => (await sb.api('GET', '/v1/staff/alice', TOKENS.alice)).body.activity === 'wrap-up');
  t.notOk(second.bridged, 'the second caller waits while Alice wraps up');

  const res = await end('alice', TOKENS.alice);
  t.equal(res.status, 200);
  t.same(res.body, { staffId: 'alice', presence: 'available', activity: 'idle' });
  await twilio.waitFor('the second caller bridged to Alice', () => second.bridged, 5000);
  t.equal((await sb.api('GET', '/v1/staff/alice', TOKENS.riverside)).body.activity, 'on-call');
  await twilio.hangUp(second);
});
