import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { londonMidnight, londonWallClock } from '../../../shared/london-time.js';
import { privateRedis } from '../../helpers/redis.js';
import { CallPlayer } from '../../helpers/stats.js';

const DIRECTORY_FILE = fileURLToPath(new URL('../../fixtures/stats-directory.yaml', import.meta.url));

t.test('switchboard-stats reads a directory with ${NAME} placeholders, as the service does', async (t) => {
  const redis = await privateRedis(t);
  // The pattern docs/configuration.md recommends: secrets as placeholders, in flow mappings too.
  const withPlaceholders = readFileSync(DIRECTORY_FILE, 'utf8')
    .replace('authToken: riverside-secret', 'authToken: ${RIVERSIDE_TWILIO_AUTH_TOKEN}')
    .replace('token: riverside-practice-token', 'token: ${RIVERSIDE_PRACTICE_TOKEN}');
  const file = join(mkdtempSync(join(tmpdir(), 'switchboard-stats-')), 'directory.yaml');
  writeFileSync(file, withPlaceholders);
  const secrets = { RIVERSIDE_TWILIO_AUTH_TOKEN: 'from-the-secret', RIVERSIDE_PRACTICE_TOKEN: 'practice-token-from-the-secret' };
  const cli = (env: Record<string, string>, ...args: string[]) =>
    spawnSync(process.execPath, ['dist/services/switchboard-stats/main.js', ...args], { env: { ...process.env, REDIS_URL: redis.url, DIRECTORY_FILE: file, ...env }, encoding: 'utf8' });
  const today = londonWallClock(Date.now()).date;
  await new CallPlayer(redis.connect()).answered('U12345', 'F81001', 'F81001.reception', londonMidnight(today) + 60_000, 30, 90);

  const run = cli(secrets, 'summary', '--scope', 'practice:F81001', '--from', today);
  t.equal(run.status, 0, run.stderr);
  t.match(run.stdout, new RegExp(`${today}\\s+1\\s+0\\s+1\\s`), 'the day\'s figures, from the directory with its secrets filled in');

  const unset = cli({ RIVERSIDE_TWILIO_AUTH_TOKEN: 'from-the-secret' }, 'summary', '--scope', 'practice:F81001', '--from', today);
  t.not(unset.status, 0, 'an unset variable stops it, as it stops the service');
  t.match(unset.stderr, /line \d+: \$\{RIVERSIDE_PRACTICE_TOKEN\} is not set in the environment/);
});
