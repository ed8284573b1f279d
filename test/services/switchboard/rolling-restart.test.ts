import t from 'tap';
import type { FakeCall } from '../../fakes/twilio.js';
import { placeBurst, threeInstances } from '../../helpers/instances.js';
import { setPresence, staffAnswering } from '../../helpers/rush.js';
import { until } from '../../helpers/poll.js';

t.test('SIGTERM drains within 10 s; a rolling restart of every instance during calls loses nothing', async (t) => {
  const sb = await threeInstances(t, { SHUTDOWN_DRAIN_MS: '1000' });
  const callers: FakeCall[] = [];
  const staff = staffAnswering(sb.twilio, () => callers, 300);
  t.teardown(staff.stop);
  await Promise.all([setPresence(sb.lb.url, 'alice', 'available'), setPresence(sb.lb.url, 'bob', 'available')]);
  callers.push(...(await placeBurst(sb.twilio, 8)));

  for (let round = 0; round < 3; round++) {
    const old = sb.pool[0]!;
    const signalledAt = Date.now();
    old.child.kill('SIGTERM');
    // Readiness fails at once; the balancer notices a moment later and stops sending.
    const ready = await until(`round ${round}: /readyz to fail`, () => fetch(`${old.url}/readyz`).then((r) => r.status, () => 0), (status) => status !== 200);
    t.equal(ready, 503, `round ${round}: /readyz fails once SIGTERM arrives, while the instance still serves`);
    callers.push(...(await placeBurst(sb.twilio, 2, 100 + round * 10)));
    await new Promise((r) => setTimeout(r, 150));
    sb.pool.shift();
    const code = await old.exited;
    t.equal(code, 0, `round ${round}: exited cleanly`);
    t.ok(Date.now() - signalledAt < 10_000, `round ${round}: gone ${Date.now() - signalledAt} ms after SIGTERM`);
    sb.pool.push(await sb.spawn());
  }

  await sb.twilio.waitFor('every caller answered', () => callers.every((c) => staff.answered.has(c.sid)), 60_000).catch(async (err) => {
    for (const c of callers.filter((c) => !staff.answered.has(c.sid))) console.error('UNANSWERED', c.sid, c.status, c.over, c.errors, c.heard.slice(-3), await sb.callState(c.sid));
    for (const m of ['alice', 'bob']) console.error('STAFF', m, await sb.staffActivity(m));
    for (const i of sb.pool) console.error('OUT', i.output().slice(-3000));
    throw err;
  });
  t.same(callers.flatMap((c) => c.errors), [], 'no caller heard an error during the rolling restart');
  t.same(sb.twilio.webhooks.filter((w) => w.status >= 300).map((w) => `${w.status} ${w.url}`), [], 'every webhook was answered');
  for (const c of callers) if (!c.over) await sb.twilio.hangUp(c);
  await sb.twilio.waitFor('all calls over', () => callers.every((c) => c.over));
  const records = await sb.calls();
  t.equal(records.length, callers.length);
  t.ok(records.every((r) => r.outcome === 'answered'), 'every call answered');
});
