import t from 'tap';
import { FakeTwilio, type FakeCall } from '../../../fakes/twilio.js';
import { parsePrometheus, valueOf } from '../../../helpers/prometheus.js';
import { privateRedis } from '../../../helpers/redis.js';
import { movableClock, startSwitchboard } from '../../../helpers/switchboard.js';
import { exampleDirectory, pcnDirectory, PRACTICE_TOKEN, RIVERSIDE, TUESDAY_1000 } from '../../../fixtures/directories.js';

t.test('/metrics scraped during a small rush: webhooks, queue, staff, Redis and event loop', async (t) => {
  const redis = await privateRedis(t);
  const twilio = await new FakeTwilio().start();
  t.teardown(() => twilio.stop());
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: exampleDirectory(), twilio });
  const scrape = async () => {
    const res = await fetch(`${sb.url}/metrics`);
    t.equal(res.status, 200);
    t.match(res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
    return parsePrometheus(await res.text());
  };

  t.equal((await sb.api('PUT', '/v1/staff/alice/presence', PRACTICE_TOKEN, { state: 'available' })).status, 200);
  // Eight callers ring at once while Prometheus scrapes.
  const rushAt = Date.now();
  const [callers, ...scrapes] = await Promise.all([
    Promise.all(Array.from({ length: 8 }, (_, i) => twilio.placeCall(`+44770090070${i}`, RIVERSIDE))),
    scrape(),
    scrape(),
    scrape(),
  ]);
  t.ok(scrapes.every((s) => s.types.get('switchboard_callers_waiting') === 'gauge'), 'every scrape during the rush parsed');
  await twilio.waitFor('one caller put through', () => (callers as FakeCall[]).some((c) => c.bridged));
  await new Promise((r) => setTimeout(r, 300));

  const m = await scrape();
  const team = { pcn: 'U12345', practice: 'F81001', team: 'reception' };
  t.equal(valueOf(m, 'switchboard_callers_waiting', team), 7, 'seven callers waiting');
  const longest = valueOf(m, 'switchboard_longest_wait_seconds', team)!;
  t.ok(longest >= 0.3 && longest <= (Date.now() - rushAt) / 1000 + 1, `longest wait ${longest} s: since the rush began, not before`);
  const alice = (activity: string) => valueOf(m, 'switchboard_staff', { practice: 'F81001', presence: 'available', activity })!;
  t.equal(alice('on-call') + alice('ringing'), 1, 'Alice is busy with a caller');
  t.equal(valueOf(m, 'switchboard_staff', { practice: 'F81001', presence: 'offline', activity: 'idle' }), 1, 'Bob has not signed in');

  const voice = { provider: 'twilio', route: '/voice', status: '200' };
  t.equal(m.types.get('switchboard_webhook_duration_seconds'), 'histogram');
  t.equal(valueOf(m, 'switchboard_webhook_duration_seconds_count', voice), 8, 'eight voice webhooks, by provider, route and status');
  t.equal(valueOf(m, 'switchboard_webhook_duration_seconds_bucket', { ...voice, le: '+Inf' }), 8, 'with a latency histogram');
  t.ok(valueOf(m, 'switchboard_webhook_duration_seconds_sum', voice)! > 0);
  t.equal(valueOf(m, 'switchboard_http_request_duration_seconds_count', { method: 'PUT', route: '/v1/staff/:staffId/presence', status: '200' }), 1, 'API requests by route');
  t.equal(valueOf(m, 'switchboard_redis_command_duration_seconds_count', { command: 'enqueueCall', result: 'ok' }), 8, 'Redis script latency, one enqueue per caller');
  t.equal(valueOf(m, 'switchboard_redis_up'), 1);
  t.ok(valueOf(m, 'switchboard_nodejs_eventloop_lag_seconds')! >= 0, 'event-loop lag');
  t.ok(valueOf(m, 'switchboard_nodejs_eventloop_lag_p99_seconds')! >= 0, 'event-loop lag percentiles');
  for (const c of callers as FakeCall[]) await twilio.hangUp(c);
});

t.test('/metrics lists PCN-wide teams\' queues too, with practice=""', async (t) => {
  const redis = await privateRedis(t);
  const twilio = await new FakeTwilio().start();
  t.teardown(() => twilio.stop());
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: pcnDirectory(), twilio, clock: movableClock(TUESDAY_1000) });
  // Menu 2 at Riverside: the PCN's medicines team, whose staff (Bob, Pat) are not signed in.
  const callers = await Promise.all([twilio.placeCall('+447700900701', RIVERSIDE, ['2']), twilio.placeCall('+447700900702', RIVERSIDE, ['2'])]);
  await twilio.waitFor('both waiting for the medicines team', () => callers.every((c) => c.positions.length > 0));
  const m = parsePrometheus(await (await fetch(`${sb.url}/metrics`)).text());
  const medicines = { pcn: 'U12345', practice: '', team: 'medicines' };
  t.equal(valueOf(m, 'switchboard_callers_waiting', medicines), 2, 'the medicines team\'s two callers');
  t.ok(valueOf(m, 'switchboard_longest_wait_seconds', medicines)! >= 0, 'and its longest wait');
  t.equal(valueOf(m, 'switchboard_callers_waiting', { pcn: 'U12345', practice: '', team: 'hub' }), 0, 'the hub, nobody waiting');
  t.equal(valueOf(m, 'switchboard_callers_waiting', { pcn: 'U12345', practice: 'F81002', team: 'reception' }), 0, 'practice teams as before');
  for (const c of callers) await twilio.hangUp(c);
});
