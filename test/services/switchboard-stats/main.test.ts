import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { londonMidnight, londonWallClock } from '../../../shared/london-time.js';
import { privateRedis } from '../../helpers/redis.js';
import { CallPlayer } from '../../helpers/stats.js';

const DIRECTORY_FILE = fileURLToPath(new URL('../../fixtures/stats-directory.yaml', import.meta.url));

t.test('switchboard-stats: summary, extract, rebuild and purge from the terminal', async (t) => {
  const redis = await privateRedis(t);
  const cli = (...args: string[]) => spawnSync(process.execPath, ['dist/services/switchboard-stats/main.js', ...args], { env: { ...process.env, REDIS_URL: redis.url, DIRECTORY_FILE }, encoding: 'utf8' });
  // Calls today, so that they are inside Riverside's 30 days of records and can be rebuilt.
  const today = londonWallClock(Date.now()).date;
  const midnight = londonMidnight(today);
  const player = new CallPlayer(redis.connect());
  await player.answered('U12345', 'F81001', 'F81001.reception', midnight + 60_000, 30, 90);
  await player.missed('U12345', 'F81001', 'F81001.reception', midnight + 120_000, 200);
  await player.answered('U99999', 'F81003', 'F81003.reception', midnight + 180_000, 0, 10);

  let run = cli('summary', '--scope', 'icb:QH8', '--from', today);
  t.equal(run.status, 0, run.stderr);
  const lines = run.stdout.trim().split('\n');
  t.equal(lines[0], `icb:QH8: 3 practice(s), ${today} to ${today}`);
  t.match(lines[1], /^period\s+CBT001\s+CBT002\s+CBT003\s+CBT004/);
  t.match(lines[2], new RegExp(`^${today}\\s+3\\s+0\\s+2\\s+1\\s+0\\s+0\\s+100\\s+15\\s+200$`));
  t.match(lines[3], /^total\s+3\s+0\s+2\s+1/);

  run = cli('extract', '--month', today.slice(0, 7), '--scope', 'practice:F81001');
  t.equal(run.status, 0, run.stderr);
  t.match(run.stdout, new RegExp(`^Date,REGION_CODE,`));
  t.match(run.stdout, new RegExp(`${today},Y61,QH8,99E,U12345,F81001,CBT004,00:00-05:59,Non-Core,181_240,1\\n`), 'unsuppressed for the operator');

  // Lose the counters, rebuild them from the records.
  const r = redis.connect();
  await r.del(...(await r.keys('sb:*stats:*')));
  t.match(cli('summary', '--scope', 'practice:F81001', '--from', today).stdout, new RegExp(`${today}\\s+0\\s`));
  run = cli('rebuild', '--scope', 'pcn:U12345', '--from', today);
  t.equal(run.status, 0, run.stderr);
  t.same(run.stdout.trim().split('\n'), [`F81001 ${today}: 2 call(s) counted`, `F81002 ${today}: 0 call(s) counted`]);
  t.match(cli('summary', '--scope', 'practice:F81001', '--from', today).stdout, new RegExp(`${today}\\s+2\\s+0\\s+1\\s+1\\s`), 'the same figures again');

  run = cli('rebuild', '--scope', 'practice:F81001', '--from', '2020-01-01');
  t.equal(run.status, 2);
  t.match(run.stderr, /F81001 2020-01-01: its call records are no longer all kept/);
  run = cli('summary', '--scope', 'pcn:NOPE1');
  t.equal(run.status, 2);
  t.match(run.stderr, /no PCN NOPE1 in the directory/);
  t.match(cli('housekeeping').stdout, /F81001: 0 record\(s\) deleted, 0 day\(s\) compressed/, 'nothing is old enough to purge or compress');
  t.match(cli('--help').stdout, /switchboard-stats <command>/);
});
