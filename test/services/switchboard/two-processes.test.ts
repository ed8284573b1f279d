import t from 'tap';
import { FakeTwilio, type FakeCall } from '../../fakes/twilio.js';
import { privateRedis } from '../../helpers/redis.js';
import { roundRobin, spawnSwitchboard } from '../../helpers/processes.js';
import { pointNumbersAt } from '../../helpers/switchboard.js';
import { EXAMPLE_FILE, exampleDirectory, PRACTICE_TOKEN, RIVERSIDE } from '../../fixtures/directories.js';

t.test('two service processes sharing one Redis never connect a caller twice', async (t) => {
  const redis = await privateRedis(t);
  const fake = await new FakeTwilio().start();
  t.teardown(() => fake.stop());
  const instances: string[] = [];
  const lb = await roundRobin(t, () => instances);
  const env = { REDIS_URL: redis.url, PUBLIC_URL: lb.url, TWILIO_API_BASE: fake.url, DIRECTORY_FILE: EXAMPLE_FILE };
  const [a, b] = await Promise.all([spawnSwitchboard(t, env), spawnSwitchboard(t, env)]);
  instances.push(a!.url, b!.url);
  pointNumbersAt(fake, exampleDirectory(), lb.url);

  const callers: FakeCall[] = [];
  for (let i = 0; i < 12; i++) callers.push(await fake.placeCall(`+4477009001${String(i).padStart(2, '0')}`, RIVERSIDE));
  t.same(callers.map((c) => c.positions[0]), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], 'positions are exact across both processes');

  // Both staff come on at the same moment, through different processes.
  const set = (url: string, staff: string) => fetch(`${url}/v1/staff/${staff}/presence`, { method: 'PUT', headers: { authorization: `Bearer ${PRACTICE_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ state: 'available' }) });
  await Promise.all([set(a!.url, 'alice'), set(b!.url, 'bob')]);
  await fake.waitFor('two callers bridged', () => callers.filter((c) => c.bridged).length === 2);
  t.same(callers.filter((c) => c.bridged).map((c) => c.sid).sort(), [callers[0]!.sid, callers[1]!.sid].sort(), 'the two longest waiting are connected');
  await new Promise((r) => setTimeout(r, 500)); // both processes' sweeps run in this time
  t.equal(callers.filter((c) => c.bridged).length, 2, 'and nobody else');

  // Count the live-call updates that connected someone.
  const connects = () => fake.restRequests.filter((r) => r.params.Twiml?.includes('<Dial'));
  const perCall = new Map<string, number>();
  for (const r of connects()) perCall.set(r.path, (perCall.get(r.path) ?? 0) + 1);
  t.ok([...perCall.values()].every((n) => n === 1), 'each caller was connected by exactly one live-call update');
  t.equal(connects().length, 2);
  for (const c of callers) await fake.hangUp(c);
  const res = await fetch(`${a!.url}/v1/practices/F81001/calls`, { headers: { authorization: `Bearer ${PRACTICE_TOKEN}` } });
  const calls = ((await res.json()) as { calls: { outcome: string }[] }).calls;
  t.equal(calls.length, 12, 'one record per call');
  t.same(calls.filter((c) => c.outcome === 'answered').length, 2);
});
