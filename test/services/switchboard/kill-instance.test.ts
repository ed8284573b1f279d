import t from 'tap';
import type { FakeCall } from '../../fakes/twilio.js';
import { placeBurst, threeInstances } from '../../helpers/instances.js';
import { setPresence, staffAnswering } from '../../helpers/rush.js';
import { until } from '../../helpers/poll.js';

t.test('three instances, a burst of callers, one instance SIGKILLed mid-rush: nobody stranded, nobody stuck', async (t) => {
  const sb = await threeInstances(t);
  const callers: FakeCall[] = [];
  const staff = staffAnswering(sb.twilio, () => callers);
  t.teardown(staff.stop);
  await Promise.all([setPresence(sb.lb.url, 'alice', 'available'), setPresence(sb.lb.url, 'bob', 'available')]);

  callers.push(...(await placeBurst(sb.twilio, 16)));
  await sb.twilio.waitFor('four callers answered', () => staff.answered.size >= 4);

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
  // How many webhooks reach the dead instance before the balancer drops it is timing; what must
  // hold is that every caller whose webhooks all reached a live instance was answered.
  const hitDeadInstance = callers.filter((c) => c.errors.some((e) => /^502 /.test(e)));
  t.ok(callers.filter((c) => !hitDeadInstance.includes(c)).every((c) => staff.answered.has(c.sid)), `every caller not cut off by the dead instance was answered (${staff.answered.size} of ${callers.length})`);
  t.ok(lostInFlight.length < callers.length / 2, `only the few calls whose webhooks were in flight there were lost (${lostInFlight.length})`);
  for (const c of callers) if (!c.over) await sb.twilio.hangUp(c);

  await sb.twilio.waitFor('all calls over', () => callers.every((c) => c.over));
  const records = await sb.calls();
  const recorded = new Set(records.map((r) => r.callId.replace(/^twilio:/, '')));
  t.ok(callers.every((c) => staff.answered.has(c.sid) || recorded.has(c.sid)), 'every caller was answered or has a call record');
  t.ok(records.every((r) => callers.some((c) => `twilio:${c.sid}` === r.callId)), 'no record without a caller');
  t.ok(records.every((r) => (r.outcome === 'answered') === staff.answered.has(r.callId.replace(/^twilio:/, ''))), 'records agree with what callers heard');
  // A caller's final status callback in flight at the dead instance is lost (Twilio does not retry
  // status callbacks), so that call has no record yet: at most the requests in flight there.
  t.ok(records.length >= callers.length - hitDeadInstance.length, `${records.length} records for ${callers.length} callers`);

  // Nobody is left "on a call": wrap-ups the dead instance would have released are released by the
  // survivors' sweeps.
  for (const member of ['alice', 'bob']) {
    const activity = await until(`${member} free again`, () => sb.staffActivity(member), (a) => a === 'idle').catch(() => sb.staffActivity(member));
    t.equal(activity, 'idle', `${member} is free again`) || console.error('STUCK', member, await sb.staffRow(member), JSON.stringify(sb.twilio.webhooks.filter((w) => w.status !== 200 && w.status !== 204).map((w) => [w.status, w.url])));
  }
  // A caller whose hang-up reached only the dead instance is still queued in Redis; connecting them
  // is refused by Twilio ("not in-progress"), which ends the call. The other refusals Twilio gives
  // are for a call whose first answer is still on its way: that caller is tried again and put through.
  const refused = sb.twilio.restRequests.filter((r) => r.status !== 200).map((r) => /Calls\/(CA\w+)\.json/.exec(r.path)?.[1]);
  t.ok(refused.every((sid) => lostInFlight.some((c) => c.sid === sid) || staff.answered.has(sid!)), 'live-call updates were refused only for callers already gone, or not yet answered and then put through');
});
