import t from 'tap';
import { FakeTwilio } from '../../fakes/twilio.js';
import { until } from '../../helpers/poll.js';
import { privateRedis } from '../../helpers/redis.js';
import { startSwitchboard } from '../../helpers/switchboard.js';
import { londonWallClock } from '../../../shared/london-time.js';
import { dayNumberOf } from '../../../shared/stats/layout.js';
import { StatsStore } from '../../../shared/stats/store.js';
import { exampleDirectory, PRACTICE_TOKEN } from '../../fixtures/directories.js';

/**
 * Call-backs booked by staff are requests: a known day, counted by hand — staff book three
 * call-backs, one is made, one cancelled, one left pending — and every figure agrees: CBT005 3,
 * CBT006 1, 33.3 %, today's figures, the monthly extract, and the same again after `rebuild`.
 */
t.test('staff-booked call-backs count as requested (CBT005) in every figure, and survive a rebuild', async (t) => {
  const redis = await privateRedis(t);
  const fake = await new FakeTwilio().start();
  t.teardown(() => fake.stop());
  const directory = exampleDirectory();
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory, twilio: fake });
  await sb.api('PUT', '/v1/staff/alice/presence', PRACTICE_TOKEN, { state: 'available' });
  const start = Date.now() + 1500;
  const book = async (number: string, from: number) => {
    const res = await sb.api('POST', '/v1/practices/F81001/callbacks', PRACTICE_TOKEN, { number, windowStart: new Date(from).toISOString(), windowEnd: new Date(from + 3_600_000).toISOString() });
    t.equal(res.status, 201);
    return res.body.id as string;
  };
  await book('07700 900555', start);
  const cancelled = await book('07700 900666', start + 3_000_000);
  await book('07700 900777', start + 3_000_000);
  t.equal((await sb.api('DELETE', `/v1/callbacks/${cancelled}`, PRACTICE_TOKEN)).status, 204);
  const leg = await fake.waitFor('the first booked call-back rings Alice', () => fake.outbound[0], 6000);
  await fake.waitFor('patient bridged', () => leg.bridged?.endpoint === '+447700900555', 5000);
  fake.staffHangsUp(leg);
  const callbacks = async () => (await sb.api('GET', '/v1/practices/F81001/callbacks', PRACTICE_TOKEN)).body.callbacks as Record<string, unknown>[];
  await until('made', callbacks, (l) => l.some((c) => c.status === 'completed'));

  const today = londonWallClock(Date.now()).date;
  const headline = async () => {
    const res = await sb.api('GET', `/v1/stats?scope=practice:F81001&from=${today}&measures=CBT001,CBT005,CBT006,callbacks_made_pct`, PRACTICE_TOKEN);
    return (res.body.rows as Record<string, unknown>[])[0];
  };
  const expected = { period: today, CBT001: 0, CBT005: 3, CBT006: 1, callbacks_made_pct: 33.3 };
  t.same(await headline(), expected, 'three requested (none from an inbound call), one made: 33.3 %, never over 100');
  const metrics = (await sb.api('GET', '/v1/practices/F81001/metrics', PRACTICE_TOKEN)).body;
  t.match(metrics, { callbacksRequested: 3, callbacksMade: 1 }, "today's figures (the wallboard's) agree");
  const extract = (await sb.api('GET', `/v1/stats/cbt-extract?scope=practice:F81001&month=${today.slice(0, 7)}&format=json`, PRACTICE_TOKEN)).body.rows as (string | number)[][];
  const total = (indicator: string) => extract.filter((r) => r[0] === today && r[6] === indicator).reduce((n, r) => n + Number(r[10]), 0);
  t.same([total('CBT005'), total('CBT006')], [3, 1], 'the monthly extract agrees');

  // switchboard-stats rebuild: the day recounted from what is kept gives the same figures.
  const store = new StatsStore(redis.connect(), () => directory);
  await store.rebuildDay(directory.practice('F81001')!, dayNumberOf(today), Date.now());
  t.same(await headline(), expected, 'rebuild keeps CBT005 and CBT006');
});
