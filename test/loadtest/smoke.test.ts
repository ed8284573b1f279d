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
  t.equal(f.callers.lost, 0, 'every call was answered, abandoned by its caller, or still waiting at the end');
  t.same(result.unaccounted, [], 'every call has exactly one call record, with the outcome the caller lived');
  t.ok(result.attempts.every((a) => a.record !== undefined), 'each call placed was matched to its record');
  t.equal(f.machine.errors.webhookFailures, 0, 'every webhook was answered 2xx');
  t.equal(f.machine.errors.serviceErrorLines, 0, 'the service logged no errors');
  t.ok(f.machine.redisCommandsPerWebhook > 0, 'Redis commands were counted');
});
