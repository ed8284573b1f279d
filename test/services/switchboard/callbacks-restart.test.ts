import { writeFileSync } from 'node:fs';
import t from 'tap';
import { FakeTwilio } from '../../fakes/twilio.js';
import { privateRedis } from '../../helpers/redis.js';
import { spawnSwitchboard } from '../../helpers/processes.js';
import { pointNumbersAt } from '../../helpers/switchboard.js';
import { freePort } from '../../../scripts/redis.mjs';
import { parseDirectory } from '../../../shared/directory/load.js';
import { EXAMPLE_YAML, PRACTICE_TOKEN } from '../../fixtures/directories.js';

t.test('pending call-backs survive a killed service and a Redis restart, and are each made exactly once', async (t) => {
  const yaml = EXAMPLE_YAML.replace('wrapUpSeconds: 15', 'wrapUpSeconds: 1');
  const file = `${t.testdir({ 'directory.yaml': yaml })}/directory.yaml`;
  writeFileSync(file, yaml);
  const redis = await privateRedis(t);
  const fake = await new FakeTwilio().start();
  t.teardown(() => fake.stop());
  // The replacement process takes over the same address, as behind a load balancer.
  const port = String(await freePort());
  const publicUrl = `http://127.0.0.1:${port}`;
  const env = { REDIS_URL: redis.url, TWILIO_API_BASE: fake.url, DIRECTORY_FILE: file, PORT: port, PUBLIC_URL: publicUrl };
  const first = await spawnSwitchboard(t, env);
  pointNumbersAt(fake, parseDirectory(yaml), publicUrl);
  const api = (method: string, path: string, body?: unknown) =>
    fetch(publicUrl + path, { method, headers: { authorization: `Bearer ${PRACTICE_TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });

  await api('PUT', '/v1/staff/alice/presence', { state: 'available' });
  const soon = Date.now() + 2500;
  const ids: string[] = [];
  for (const [i, number] of ['07700900551', '07700900552'].entries()) {
    const res = await api('POST', '/v1/practices/F81001/callbacks', { number, windowStart: new Date(soon + i * 500).toISOString(), windowEnd: new Date(soon + 60_000).toISOString() });
    t.equal(res.status, 201);
    ids.push(((await res.json()) as { id: string }).id);
  }

  // The only service process dies with its jobs still scheduled; then Redis itself is restarted.
  first.child.kill('SIGKILL');
  await new Promise((r) => first.child.once('exit', r));
  await redis.restart();
  await spawnSwitchboard(t, { ...env, REDIS_URL: redis.url });

  // Alice takes them one after the other.
  for (const i of [0, 1]) {
    const leg = await fake.waitFor(`call-back ${i + 1} rung`, () => fake.outbound[i]);
    await fake.waitFor('patient bridged', () => leg.bridged);
    fake.staffHangsUp(leg);
    await fake.waitFor('leg over', () => leg.over);
  }
  await new Promise((r) => setTimeout(r, 2500)); // time for any duplicate to show itself
  t.equal(fake.outbound.length, 2, 'two call-backs, two staff legs: nothing rung twice');
  const dialled = fake.webhooks.filter((w) => w.url.includes('/callback-answered')).map((w) => w.params.To).sort();
  t.same(dialled, ['+447700900551', '+447700900552'], 'each patient answered once');
  const list = (await (await api('GET', '/v1/practices/F81001/callbacks')).json()) as { callbacks: { id: string; status: string }[] };
  t.same(Object.fromEntries(list.callbacks.map((c) => [c.id, c.status])), { [ids[0]!]: 'completed', [ids[1]!]: 'completed' });
});
