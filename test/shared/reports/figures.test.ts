import t from 'tap';
import { Redis } from 'ioredis';
import { londonMidnight } from '../../../shared/london-time.js';
import { bandP90, resolveQuery, staffFigures, staffReport } from '../../../shared/reports/figures.js';
import { BANDS, empty, hourLabel, hoursOf, periodDates, STAFF } from '../../../shared/reports/layout.js';
import { ReportsStore } from '../../../shared/reports/store.js';
import { CallQueue } from '../../../shared/queue/queue.js';
import { reportsDirectory } from '../../helpers/known-day.js';
import { privateRedis } from '../../helpers/redis.js';

/** Talk times counted into bands as the Lua does, then read back. */
function p90Of(seconds: number[]) {
  const c = empty(STAFF.record);
  const upper = [15, 30, 60, 90, 120, 180, 240, 300, 600, 900, 1800];
  for (const s of seconds) {
    const band = upper.findIndex((u) => s <= u);
    c[STAFF.talkBand + (band === -1 ? BANDS - 1 : band)]!++;
  }
  return bandP90(c, STAFF.talkBand);
}

t.test('the 90th percentile is the upper bound of the band holding the nearest-rank value', async (t) => {
  t.equal(p90Of([]), null, 'nothing counted');
  t.equal(p90Of([15]), 15, 'bounds are inclusive');
  t.equal(p90Of([16]), 30);
  // Ten calls: the 9th longest decides (rank ceil(0.9 × 10) = 9).
  t.equal(p90Of([10, 10, 10, 10, 10, 10, 10, 10, 200, 2000]), 240);
  t.equal(p90Of([10, 2000, 2000]), '>1800', 'the open last band');
});

t.test('periods and hours in London time', async (t) => {
  t.same(periodDates('week', '2026-07-01'), { from: '2026-06-29', to: '2026-07-05' }, 'a week across a month end, Monday to Sunday');
  t.same(periodDates('month', '2028-02-10'), { from: '2028-02-01', to: '2028-02-29' }, 'a leap February');
  t.same(periodDates('day', '2026-06-16'), { from: '2026-06-16', to: '2026-06-16' });
  t.throws(() => periodDates('day', '2026-13-01'), /not a calendar date/);
  t.equal(hoursOf('2026-03-29', '2026-03-29').length, 23, 'the spring clock change: 23 hours');
  const autumn = hoursOf('2026-10-25', '2026-10-25');
  t.equal(autumn.length, 25, 'the autumn clock change: 25 hours');
  t.same(autumn.slice(0, 4).map(hourLabel), ['2026-10-25T00:00', '2026-10-25T01:00', '2026-10-25T01:00', '2026-10-25T02:00'], 'the repeated hour has one label');
  t.same(resolveQuery('week', '2026-06-16', undefined, 0).granularity, 'day', 'a week defaults to days');
  t.throws(() => resolveQuery('month', '2026-06-16', 'hour', 0), /granularity=hour/);
});

t.test('time signed in across the autumn clock change is the time that passed', async (t) => {
  const server = await privateRedis(t);
  const redis = new Redis(server.url);
  t.teardown(() => redis.disconnect());
  const directory = reportsDirectory();
  const queue = new CallQueue(redis, 'sb:');
  const midnight = londonMidnight('2026-10-25');
  // 00:30 to 03:30 on the London clock is four hours: 01:00–01:59 happens twice.
  await queue.setPresence('U12345', 'gita', 'available', ['F81002.reception'], midnight + 30 * 60_000, [1], 30 * 86_400_000);
  await queue.setPresence('U12345', 'gita', 'offline', ['F81002.reception'], midnight + 4.5 * 3_600_000, [1], 30 * 86_400_000);
  const store = new ReportsStore(redis, () => directory, 'sb:');
  const gita = [directory.staff('gita')!];
  const practice = directory.practice('F81002')!;
  const now = midnight + 12 * 3_600_000;
  const day = await staffReport(store, practice, gita, resolveQuery('day', '2026-10-25', 'period', now), now);
  t.equal(day.totals[0]!.signed_in_s, 4 * 3600);
  const hours = await staffReport(store, practice, gita, resolveQuery('day', '2026-10-25', 'hour', now), now);
  t.equal(hours.rows.length, 24, 'a row per hour of the London clock');
  t.same(hours.rows.slice(0, 5).map((r) => [r.period, r.signed_in_s]), [['2026-10-25T00:00', 1800], ['2026-10-25T01:00', 7200], ['2026-10-25T02:00', 3600], ['2026-10-25T03:00', 1800], ['2026-10-25T04:00', 0]], 'the repeated hour holds both of its hours, as CBT does');
  t.same(staffFigures(empty(STAFF.record)).mean_talk_s, null, 'no calls: no mean');
});
