import t from 'tap';
import { figures } from '../../loadtest/report.js';
import { loadScenario } from '../../loadtest/scenario.js';
import { runScenario } from '../../loadtest/simulate.js';

// CI's short version of `npm run loadtest -- monday-8am-practice`: the first 10 minutes of the
// rush at 120x (five seconds, then at most 2.5 s for queues to empty), against a real service
// process and a private Redis. Waits depend on how busy the machine is; what is asserted does not.
t.test('the 8am rush at one practice: no engaged tones, no lost calls, every call on record', async (t) => {
  const scenario = loadScenario('monday-8am-practice');
  const result = await runScenario(scenario, { speed: 120, minutes: 10, drainMinutes: 5, serviceEnv: { SWEEP_INTERVAL_MS: '12000' } });
  const f = figures(result);
  t.ok(f.callers.calls >= 40, `the burst arrived: ${f.callers.calls} calls`);
  t.ok(f.callers.answered >= 1, `staff answered calls: ${f.callers.answered}`);
  t.equal(f.callers.engaged, 0, 'no caller heard an engaged tone or an error');
  t.equal(f.callers.lost, 0, 'every call was answered, abandoned by its caller, turned into a call-back, or still waiting at the end');
  t.same(result.unaccounted, [], 'every call has exactly one call record, with the outcome the caller lived');
  t.ok(result.attempts.every((a) => a.record !== undefined), 'each call placed was matched to its record');
  // Menus: both choices were made and led to staff (the prescriptions line has its own receptionist).
  t.same(f.callers.menu.map((m) => m.digits), ['1', '2'], 'callers chose from the menu');
  t.ok(f.callers.menu.every((m) => m.answered >= 1), 'each menu choice reached staff');
  // Call-backs: the burst's waits pass the offer threshold, some callers take one, and each is on the
  // service's list (made, failed, or still to be made), linked to the call that asked for it.
  t.ok(f.callers.callbacks.requested >= 1, `callers took call-backs: ${f.callers.callbacks.requested}`);
  const origins = new Set(result.callbacks.map((c) => c.originCallId));
  t.ok(result.attempts.filter((a) => a.callbackRequested).every((a) => origins.has(`twilio:${a.sid}`)), 'every call-back asked for is on the service\'s list');
  t.equal(result.callbacks.length, f.callers.callbacks.requested, 'and nothing else is');
  t.equal(f.callers.callbacks.made + f.callers.callbacks.failed + f.callers.callbacks.open, result.callbacks.length, 'each is made, failed or still open');
  t.equal(f.machine.errors.webhookFailures, 0, 'every webhook was answered 2xx');
  t.equal(f.machine.errors.serviceErrorLines, 0, 'the service logged no errors');
  t.ok(f.machine.redisCommandsPerWebhook > 0, 'Redis commands were counted');
});
