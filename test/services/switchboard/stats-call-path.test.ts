import type { TwilioAccount } from '../../../shared/directory/types.js';
import t from 'tap';
import { londonWallClock } from '../../../shared/london-time.js';
import { FakeTwilio } from '../../fakes/twilio.js';
import { privateRedis } from '../../helpers/redis.js';
import { statsDirectory } from '../../helpers/stats.js';
import { startSwitchboard } from '../../helpers/switchboard.js';

const RIVERSIDE = '+441375100001';

t.test('calls through the provider are counted once, however often their end is reported', async (t) => {
  const redis = await privateRedis(t);
  const twilio = await new FakeTwilio().start();
  t.teardown(() => twilio.stop());
  const directory = statsDirectory();
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory, twilio, env: { STATS_SUPPRESS_BELOW: '0' } });
  t.equal((await sb.api('PUT', '/v1/staff/alice/presence', 'alice-token', { state: 'available' })).status, 200);

  const answered = await twilio.placeCall('+447700900101', RIVERSIDE);
  await twilio.waitFor('caller bridged to Alice', () => answered.bridged);
  const missed = await twilio.placeCall('+447700900102', RIVERSIDE);
  await twilio.hangUp(missed);
  twilio.staffHangsUp(answered);
  await twilio.waitFor('the answered call is over', () => answered.over);

  // Twilio retries status callbacks: the same "completed" again for each call.
  const statusUrl = `${sb.url}/v1/twilio/status`;
  const riverside = directory.practice('F81001')!.provider as TwilioAccount;
  const completed = (sid: string, from: string) => ({ CallSid: sid, AccountSid: riverside.accountSid, From: from, To: RIVERSIDE, CallStatus: 'completed', Direction: 'inbound', ApiVersion: '2010-04-01' });
  for (const call of [answered, missed]) t.equal((await twilio.post(statusUrl, completed(call.sid, call.from), riverside.authToken)).status, 204);
  // A caller who hung up in the provider's own menu: only the end is ever reported (twice).
  for (let i = 0; i < 2; i++) t.equal((await twilio.post(statusUrl, completed('CA0000000000000000000000000000ivr1', '+447700900103'), riverside.authToken)).status, 204);

  const today = londonWallClock(Date.now()).date;
  const res = await fetch(`${sb.url}/v1/stats?scope=practice:F81001&from=${today}&measures=CBT001,CBT002,CBT003,CBT004,CBT005`, { headers: { authorization: 'Bearer riverside-practice-token' } });
  const body = (await res.json()) as { rows: Record<string, unknown>[] };
  t.same(body.rows, [{ period: today, CBT001: 3, CBT002: 1, CBT003: 1, CBT004: 1, CBT005: 0 }]);
});
