import t, { type Test } from 'tap';
import { FakeTwilio, type FakeCall } from '../../fakes/twilio.js';
import { privateRedis } from '../../helpers/redis.js';
import { roundRobin, spawnSwitchboard } from '../../helpers/processes.js';
import { exampleDirectoryFile, setPresence, staffAnswering } from '../../helpers/rush.js';
import { pointNumbersAt } from '../../helpers/switchboard.js';
import { exampleDirectory, PRACTICE_TOKEN, RIVERSIDE } from '../../fixtures/directories.js';

type Instance = Awaited<ReturnType<typeof spawnSwitchboard>>;

/** Three service processes behind a round-robin balancer, one Redis, the fake Twilio network. */
async function threeInstances(t: Test, extraEnv: Record<string, string> = {}) {
  const redis = await privateRedis(t);
  const twilio = await new FakeTwilio().start();
  t.teardown(() => twilio.stop());
  const pool: Instance[] = [];
  const lb = await roundRobin(t, () => pool.map((i) => i.url));
  const env = { REDIS_URL: redis.url, PUBLIC_URL: lb.url, TWILIO_API_BASE: twilio.url, DIRECTORY_FILE: exampleDirectoryFile(), ...extraEnv };
  pool.push(...(await Promise.all([0, 1, 2].map(() => spawnSwitchboard(t, env)))));
  pointNumbersAt(twilio, exampleDirectory(), lb.url);
  const calls = async () => {
    const res = await fetch(`${lb.url}/v1/practices/F81001/calls`, { headers: { authorization: `Bearer ${PRACTICE_TOKEN}` } });
    return ((await res.json()) as { calls: { callId: string; outcome: string }[] }).calls;
  };
  const staffActivity = async (staff: string) => {
    const res = await fetch(`${lb.url}/v1/staff/${staff}`, { headers: { authorization: `Bearer ${PRACTICE_TOKEN}` } });
    return ((await res.json()) as { activity: string }).activity;
  };
  return { twilio, pool, lb, env, calls, staffActivity, spawn: () => spawnSwitchboard(t, env) };
}

const placeBurst = (twilio: FakeTwilio, n: number, offset = 0) =>
  Promise.all(Array.from({ length: n }, (_, i) => twilio.placeCall(`+4477009002${String(i + offset).padStart(2, '0')}`, RIVERSIDE)));

t.test('three instances, a burst of callers, one instance SIGKILLed mid-rush: nobody stranded, nobody stuck', async (t) => {
  const sb = await threeInstances(t);
  const callers: FakeCall[] = [];
  const staff = staffAnswering(sb.twilio, () => callers);
  t.teardown(staff.stop);
  await Promise.all([setPresence(sb.lb.url, 'alice', 'available'), setPresence(sb.lb.url, 'bob', 'available')]);

  callers.push(...(await placeBurst(sb.twilio, 16)));
  await sb.twilio.waitFor('four callers answered', () => staff.answered.size >= 4, 15_000);

  // Mid-rush: one instance dies without warning (its wrap-up timers and in-flight work with it);
  // the balancer's health check takes it out of the pool a moment later.
  const victim = sb.pool[1]!;
  victim.child.kill('SIGKILL');
  await victim.exited;
  await new Promise((r) => setTimeout(r, 200));
  sb.pool.splice(1, 1);
  callers.push(...(await placeBurst(sb.twilio, 4, 16)));

  // Every caller is either answered by staff, or (if their webhook was in flight at the
  // instance that died) heard the provider's error and has a call record: accounted for.
  await sb.twilio.waitFor('every caller answered or gone', () => callers.every((c) => staff.answered.has(c.sid) || c.over) && callers.every((c) => c.over || !c.bridged), 60_000);
  const lostInFlight = callers.filter((c) => !staff.answered.has(c.sid));
  t.ok(lostInFlight.every((c) => c.errors.some((e) => /^502 /.test(e))), `callers not answered were only those whose webhook died with the instance (${lostInFlight.length})`);
  t.ok(lostInFlight.length <= 2, 'at most the two calls in flight at that instance were lost');
  t.ok(staff.answered.size >= callers.length - 2, `${staff.answered.size} of ${callers.length} callers answered`);
  for (const c of callers) if (!c.over) await sb.twilio.hangUp(c);

  await sb.twilio.waitFor('all calls over', () => callers.every((c) => c.over), 10_000);
  const records = await sb.calls();
  t.equal(records.length, callers.length, 'one call record per caller');
  t.same(new Set(records.map((r) => r.callId)), new Set(callers.map((c) => `twilio:${c.sid}`)), 'every caller accounted for in the records');
  t.equal(records.filter((r) => r.outcome === 'answered').length, staff.answered.size, 'records agree with what callers heard');

  // Nobody is left "on a call": wrap-ups the dead instance would have released are released by the
  // survivors' sweeps.
  for (const member of ['alice', 'bob']) {
    let activity = '';
    for (let i = 0; i < 50 && (activity = await sb.staffActivity(member)) !== 'idle'; i++) await new Promise((r) => setTimeout(r, 100));
    t.equal(activity, 'idle', `${member} is free again`);
  }
  // A caller whose hang-up reached only the dead instance is still queued in Redis; connecting them
  // is refused by Twilio ("not in-progress"), which ends the call: refused updates are only for those.
  const refused = sb.twilio.restRequests.filter((r) => r.status !== 200).map((r) => /Calls\/(CA\w+)\.json/.exec(r.path)?.[1]);
  t.ok(refused.every((sid) => lostInFlight.some((c) => c.sid === sid)), 'live-call updates were refused only for callers already gone');
});

t.test('SIGTERM drains within 10 s; a rolling restart of every instance during calls loses nothing', async (t) => {
  const sb = await threeInstances(t, { SHUTDOWN_DRAIN_MS: '1000' });
  const callers: FakeCall[] = [];
  const staff = staffAnswering(sb.twilio, () => callers, 300);
  t.teardown(staff.stop);
  await Promise.all([setPresence(sb.lb.url, 'alice', 'available'), setPresence(sb.lb.url, 'bob', 'available')]);
  callers.push(...(await placeBurst(sb.twilio, 12)));

  for (let round = 0; round < 3; round++) {
    const old = sb.pool[0]!;
    const signalledAt = Date.now();
    old.child.kill('SIGTERM');
    // Readiness fails at once; the balancer notices a moment later and stops sending.
    let ready = 200;
    for (let i = 0; i < 20 && (ready = await fetch(`${old.url}/readyz`).then((r) => r.status, () => 0)) === 200; i++) await new Promise((r) => setTimeout(r, 10));
    t.equal(ready, 503, `round ${round}: /readyz fails as soon as SIGTERM arrives`);
    callers.push(...(await placeBurst(sb.twilio, 2, 100 + round * 10)));
    await new Promise((r) => setTimeout(r, 150));
    sb.pool.shift();
    const code = await old.exited;
    t.equal(code, 0, `round ${round}: exited cleanly`);
    t.ok(Date.now() - signalledAt < 10_000, `round ${round}: gone ${Date.now() - signalledAt} ms after SIGTERM`);
    sb.pool.push(await sb.spawn());
  }

  await sb.twilio.waitFor('every caller answered', () => callers.every((c) => staff.answered.has(c.sid)), 60_000);
  t.same(callers.flatMap((c) => c.errors), [], 'no caller heard an error during the rolling restart');
  t.same(sb.twilio.webhooks.filter((w) => w.status >= 300).map((w) => `${w.status} ${w.url}`), [], 'every webhook was answered');
  for (const c of callers) if (!c.over) await sb.twilio.hangUp(c);
  await sb.twilio.waitFor('all calls over', () => callers.every((c) => c.over), 10_000);
  const records = await sb.calls();
  t.equal(records.length, callers.length);
  t.ok(records.every((r) => r.outcome === 'answered'), 'every call answered');
});
