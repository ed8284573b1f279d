import t from 'tap';
import { londonMidnight } from '../../../shared/london-time.js';
import { dayNumberOf } from '../../../shared/stats/layout.js';
import { StatsStore } from '../../../shared/stats/store.js';
import { privateRedis } from '../../helpers/redis.js';
import { CallPlayer, statsDirectory } from '../../helpers/stats.js';

const R = ['U12345', 'F81001', 'F81001.reception'] as const;

t.test('calls land in the London interval and day they arrived in, clock changes included', async (t) => {
  const redis = await privateRedis(t);
  const directory = statsDirectory();
  const riverside = directory.practice('F81001')!;
  const player = new CallPlayer(redis.connect());
  const store = new StatsStore(redis.connect(), () => directory);
  const busyIntervals = async (date: string) =>
    (await store.intervals(riverside, dayNumberOf(date))).flatMap((c, i) => (c[0] ? [`${String(Math.floor(i / 4)).padStart(2, '0')}:${String((i % 4) * 15).padStart(2, '0')}=${c[0]}`] : []));

  await player.answered(...R, Date.parse('2026-07-01T07:30:00Z'), 20, 60); // 08:30 BST
  await player.missed(...R, Date.parse('2026-07-01T22:59:00Z'), 120); // 23:59 BST, ends after midnight
  t.same(await busyIntervals('2026-07-01'), ['08:30=1', '23:45=1'], 'summer: London time, and the arrival day');
  t.same(await busyIntervals('2026-07-02'), []);

  await player.ivr('U12345', 'F81001', Date.parse('2026-03-29T00:30:00Z')); // 00:30 GMT
  await player.ivr('U12345', 'F81001', Date.parse('2026-03-29T01:30:00Z')); // 02:30 BST
  t.same(await busyIntervals('2026-03-29'), ['00:30=1', '02:30=1'], 'the spring clock change');
  await player.missed(...R, Date.parse('2026-10-25T00:30:00Z'), 5); // 01:30 BST
  await player.missed(...R, Date.parse('2026-10-25T01:30:00Z'), 5); // 01:30 GMT, the repeated hour
  t.same(await busyIntervals('2026-10-25'), ['01:30=2'], 'the autumn repeated hour shares its intervals');

  const days = await store.days(riverside, dayNumberOf('2026-06-30'), dayNumberOf('2026-07-02'));
  t.same([...days.values()].map((c) => c[0]), [0, 2, 0], 'the day counters agree');
  t.equal(londonMidnight('2026-07-01'), Date.parse('2026-06-30T23:00:00Z'));
});
