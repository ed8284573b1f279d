import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { freePort } from '../../../scripts/redis.mjs';
import { londonMoment, shippedBankHolidays } from '../../../shared/callflow/hours.js';
import { londonMidnight } from '../../../shared/london-time.js';
import { privateRedis } from '../../helpers/redis.js';
import { CallPlayer } from '../../helpers/stats.js';

const DIRECTORY_FILE = fileURLToPath(new URL('../../fixtures/stats-directory.yaml', import.meta.url));

/** The latest weekday before today that is not a bank holiday: the command learns from days before today. */
function recentWorkingDay(): { date: string; weekday: string } {
  const holidays = new Set(shippedBankHolidays());
  for (let k = 1; ; k++) {
    const m = londonMoment(Date.now() - k * 86_400_000);
    if (m.day !== 'sat' && m.day !== 'sun' && !holidays.has(m.date)) return { date: m.date, weekday: m.day };
  }
}

t.test('switchboard-stats plan: the plan for a practice or a PCN from the terminal', async (t) => {
  const redis = await privateRedis(t);
  const cli = (...args: string[]) => spawnSync(process.execPath, ['dist/services/switchboard-stats/main.js', ...args], { env: { ...process.env, REDIS_URL: redis.url, DIRECTORY_FILE }, encoding: 'utf8' });
  const { date, weekday } = recentWorkingDay();
  const eight = londonMidnight(date) + 8 * 3600_000;
  const player = new CallPlayer(redis.connect());
  for (let i = 0; i < 12; i++) await player.answered('U12345', 'F81001', 'F81001.reception', eight + 60_000 * i, 20, 240);

  let run = cli('plan', 'F81001', '--weekday', weekday, '--weeks', '1');
  t.equal(run.status, 0, run.stderr);
  const out = run.stdout;
  t.match(out, new RegExp(`^practice:F81001, ${weekday}: learnt from F81001 1 day\\(s\\) of the last 1 weeks \\(short history\\)`));
  t.match(out, /calls last 180 s \(default\) \+ 1 s wrap-up/, 'twelve answered calls (240 s each) are too few to trust: the stated default, 180 s');
  t.match(out, /note: Fewer than 20 answered calls/);
  t.match(out, /\n08:00-08:15\s+12\s+\d+\s+\d+\s+\d+\s/, 'the 08:00 quarter hour: 12 calls');

  run = cli('plan', 'F81001', '--weekday', weekday, '--weeks', '1', '--roster', '08:00-08:15=1', '--csv');
  t.equal(run.status, 0, run.stderr);
  const lines = run.stdout.trim().split('\n');
  t.match(lines[0], /^start,end,calls,handle_s,staff_needed/);
  t.match(lines[1], /^08:00,08:15,12,181,\d+,\d+,1,/);

  run = cli('plan', 'U12345', '--weekday', weekday, '--weeks', '1');
  t.equal(run.status, 0, run.stderr);
  t.match(run.stdout, /^pcn:U12345/);
  t.match(run.stdout, /pool Riverside Surgery \(F81001\): \d+(\.\d+)? staff-hours needed/, 'each staff pool of the PCN');
  t.match(run.stdout, /pool Grays Health Centre \(F81002\)/);
  run = cli('plan', 'U12345', '--weekday', weekday, '--weeks', '1', '--roster', '08:00-08:15=1');
  t.equal(run.status, 2, 'a typed roster is for one pool, not a whole PCN');
  t.match(run.stderr, /a roster is for one staff pool/);
  run = cli('plan', 'F81001', '--weekday', weekday, '--weeks', '1', '--roster', '08:00-08:15=1');
  t.equal(run.status, 0, run.stderr);
  t.match(run.stdout, new RegExp(`to meet the target: \\w+ more (person|people) 08:00–08:15 on `));

  const quiet = weekday === 'mon' ? 'tue' : 'mon';
  run = cli('plan', 'F81001', '--weekday', quiet, '--weeks', '1');
  t.equal(run.status, 0, run.stderr);
  t.match(run.stdout, new RegExp(`^practice:F81001, ${quiet}: learnt from F81001 0 day\\(s\\) of the last 1 weeks \\(no history\\)`), 'a weekday with no calls to learn from says so');

  run = cli('plan', 'F81001', '--weekday', 'someday');
  t.equal(run.status, 2);
  t.match(run.stderr, /weekday someday is not one of mon/);
  run = cli('plan');
  t.equal(run.status, 2);
  t.match(run.stderr, /plan needs a practice ODS code or a PCN code/);
  run = cli('plan', 'Z99999');
  t.equal(run.status, 2);
  t.equal(run.stderr, 'switchboard-stats: no practice or PCN Z99999 in the directory\n');
  // Nothing at REDIS_URL: one sentence, not a stack trace.
  const down = spawnSync(process.execPath, ['dist/services/switchboard-stats/main.js', 'plan', 'F81001'], { env: { ...process.env, REDIS_URL: `redis://127.0.0.1:${await freePort()}`, DIRECTORY_FILE }, encoding: 'utf8' });
  t.equal(down.status, 1);
  t.match(down.stderr, /^switchboard-stats: cannot reach Redis at 127\.0\.0\.1:\d+ \(.*\): start the service first \(npm start\), or set REDIS_URL to the Redis it uses\n$/);
});
