import t from 'tap';
import { londonWallClock } from '../../../shared/london-time.js';
import { FakeTwilio } from '../../fakes/twilio.js';
import { reportsDirectory } from '../../helpers/known-day.js';
import { until } from '../../helpers/poll.js';
import { privateRedis } from '../../helpers/redis.js';
import { startSwitchboard } from '../../helpers/switchboard.js';

const RIVERSIDE = '+441375100001';

t.test('calls through the provider are counted for the member of staff who answered, and rings not answered for the one who did not', async (t) => {
  const redis = await privateRedis(t);
  const twilio = await new FakeTwilio().start();
  t.teardown(() => twilio.stop());
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: reportsDirectory(), twilio });
  twilio.endpoints.set('sip:bob@riverside.example', { answer: 'no-answer' });
  const staffStats = async () => {
    const res = await fetch(`${sb.url}/v1/practices/F81001/staff-stats?granularity=period`, { headers: { authorization: 'Bearer riverside-practice-token' } });
    return Object.fromEntries(((await res.json()) as { totals: Record<string, number>[] }).totals.map((r) => [r.staff, r]));
  };

  t.equal((await sb.api('PUT', '/v1/staff/bob/presence', 'riverside-practice-token', { state: 'available' })).status, 200);
  const call = await twilio.placeCall('+447700900101', RIVERSIDE);
  // Bob's phone rings out: the caller goes back to the head of the queue and Bob is set away.
  await until("Bob's ring counted as not answered", staffStats, (s) => s.bob?.rings_not_answered === 1);
  t.equal((await sb.api('PUT', '/v1/staff/alice/presence', 'alice-token', { state: 'available' })).status, 200);
  await twilio.waitFor('caller bridged to Alice', () => call.bridged);
  twilio.staffHangsUp(call);
  await twilio.waitFor('the call is over', () => call.over);

  const staff = await until('the call counted for Alice', staffStats, (s) => s.alice?.calls_answered === 1);
  t.equal(staff.bob!.rings_not_answered, 1, "Bob's one ring not answered");
  t.equal(staff.bob!.calls_answered, 0);
  t.equal(staff.alice!.rings_not_answered, 0);
  t.ok(staff.alice!.signed_in_s >= staff.alice!.on_call_s, 'signed in at least as long as on the call');
  const teams = await fetch(`${sb.url}/v1/practices/F81001/team-stats?granularity=period&date=${londonWallClock(Date.now()).date}`, { headers: { authorization: 'Bearer riverside-practice-token' } });
  const reception = ((await teams.json()) as { totals: Record<string, unknown>[] }).totals.find((r) => r.team === 'F81001.reception')!;
  t.match(reception, { offered: 1, answered: 1, abandoned: 0, within_target_pct: 100 });
  // Riverside sets no reportRetentionDays: its figures are kept as long as its call records (30 days).
  const keys = await sb.redis.keys('sb:{U12345}:mi:*');
  t.ok(keys.some((k) => k.includes(':mi:s:alice:')) && keys.some((k) => k.includes(':mi:t:F81001.reception:')), `Alice's and reception's figures: ${keys.join(', ')}`);
  for (const key of keys) {
    const ttl = await sb.redis.pttl(key);
    t.ok(ttl > 29 * 86_400_000 && ttl <= 30 * 86_400_000, `${key} kept 30 days: ${ttl} ms`);
  }
});
