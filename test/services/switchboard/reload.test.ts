import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { DirectorySource } from '../../../shared/directory/source.js';
import { FakeTwilio } from '../../fakes/twilio.js';
import { spawnSwitchboard } from '../../helpers/processes.js';
import { privateRedis } from '../../helpers/redis.js';
import { movableClock, startSwitchboard } from '../../helpers/switchboard.js';
import { ADMIN_TOKEN, PCN_YAML, PRACTICE_TOKEN, RIVERSIDE, TUESDAY_1000 } from '../../fixtures/directories.js';

const BROKEN = PCN_YAML.replace('"1": { team: reception }', '"1": { team: receptoin }').replace('wrapUpSeconds: 0\n    emergencyPreamble', 'wrapUpSeconds: -5\n    emergencyPreamble');

function directoryFile(yaml: string) {
  const file = join(mkdtempSync(join(tmpdir(), 'sb-directory-')), 'directory.yaml');
  writeFileSync(file, yaml);
  return file;
}

t.test('reload through the API: a bad file is refused and the old directory stays live; calls in progress carry on', async (t) => {
  const redis = await privateRedis(t);
  const twilio = await new FakeTwilio().start();
  t.teardown(() => twilio.stop());
  const file = directoryFile(PCN_YAML);
  const source = new DirectorySource(file);
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: source.current(), twilio, clock: movableClock(TUESDAY_1000), reloadDirectory: () => source.reload() });

  const waiting = await twilio.placeCall('+447700900061', RIVERSIDE, ['1']);
  await twilio.waitFor('queued', () => waiting.positions.length > 0);

  writeFileSync(file, BROKEN);
  t.equal((await sb.api('POST', '/v1/directory/reload')).status, 401, 'a token is needed');
  t.match(await sb.api('POST', '/v1/directory/reload', PRACTICE_TOKEN), { status: 403, body: { detail: /admin/ } }, 'a practice token may not reload');
  const refused = await sb.api('POST', '/v1/directory/reload', ADMIN_TOKEN);
  t.equal(refused.status, 422);
  t.match(refused.type, /application\/problem\+json/);
  t.match(refused.body.detail, /line \d+: practices\[0\]\.wrapUpSeconds: must be >= 0/);
  t.match(refused.body.detail, /The directory in force has not changed\./);

  const during = await twilio.placeCall('+447700900062', RIVERSIDE, ['1']);
  await twilio.waitFor('the old directory still routes key 1', () => during.positions.length > 0);
  t.same(during.positions, [2]);

  writeFileSync(file, PCN_YAML.replace('name: Riverside Surgery', 'name: Riverside Medical Centre'));
  t.match(await sb.api('POST', '/v1/directory/reload', ADMIN_TOKEN), { status: 200, body: { reloaded: true, practices: 2, staff: 5 } });
  const after = await twilio.placeCall('+447700900063', RIVERSIDE, ['1']);
  await twilio.waitFor('queued under the new directory', () => after.positions.length > 0);
  t.match(after.heard[0], 'Thank you for calling Riverside Medical Centre.');
  t.same(after.positions, [3], 'behind the callers from before the reload');

  await sb.api('PUT', '/v1/staff/alice/presence', PRACTICE_TOKEN, { state: 'available' });
  await twilio.waitFor('the caller from before both reloads is answered first', () => waiting.bridged);
  for (const c of [waiting, during, after]) await twilio.hangUp(c);
});

t.test('SIGHUP reloads the directory file of a running process; a bad file leaves it running on the old one', async (t) => {
  const redis = await privateRedis(t);
  const file = directoryFile(PCN_YAML);
  const sb = await spawnSwitchboard(t, { REDIS_URL: redis.url, DIRECTORY_FILE: file });
  const staffWith = (token: string) => fetch(`${sb.url}/v1/staff/alice`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
  const NEW_TOKEN = 'a-token-added-by-reload';
  t.equal(await staffWith(NEW_TOKEN), 401);

  writeFileSync(file, BROKEN.replace('access:', `access:\n  - { token: ${NEW_TOKEN}, role: practice, practice: F81001 }`));
  sb.child.kill('SIGHUP');
  const until = Date.now() + 5000;
  while (!sb.output().includes('directory reload refused') && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  t.match(sb.output(), /directory reload refused/);
  t.match(sb.output(), /line \d+: practices\[0\]\.wrapUpSeconds: must be >= 0/, 'the log says what is wrong, and where');
  t.equal(await staffWith(NEW_TOKEN), 401, 'the bad file was not taken');
  t.equal(await staffWith(PRACTICE_TOKEN), 200, 'the old directory is still served');
  t.equal(sb.child.exitCode, null, 'the process keeps running');

  writeFileSync(file, PCN_YAML.replace('access:', `access:\n  - { token: ${NEW_TOKEN}, role: practice, practice: F81001 }`));
  sb.child.kill('SIGHUP');
  let status = 0;
  for (let i = 0; i < 100 && status !== 200; i++) {
    status = await staffWith(NEW_TOKEN);
    if (status !== 200) await new Promise((r) => setTimeout(r, 20));
  }
  t.equal(status, 200, 'the good file is in force');
});
