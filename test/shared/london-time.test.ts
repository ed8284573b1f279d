import t from 'tap';
import { londonDayBounds, londonInstant, londonMidnight, londonWallClock } from '../../shared/london-time.js';

t.test('London days, across the clock changes', async (t) => {
  t.equal(new Date(londonMidnight('2026-01-15')).toISOString(), '2026-01-15T00:00:00.000Z', 'winter: GMT');
  t.equal(new Date(londonMidnight('2026-07-01')).toISOString(), '2026-06-30T23:00:00.000Z', 'summer: BST');
  const spring = londonDayBounds('2026-03-29', 0);
  t.equal((spring.to - spring.from) / 3600_000, 23, 'the spring-forward Sunday has 23 hours');
  const autumn = londonDayBounds('2026-10-25', 0);
  t.equal((autumn.to - autumn.from) / 3600_000, 25, 'the fall-back Sunday has 25 hours');
  t.same(londonWallClock(Date.parse('2026-06-01T07:00:00Z')), { date: '2026-06-01', hour: 8, minute: 0, second: 0 }, '07:00 UTC is 8am in June');
  t.equal(londonDayBounds(undefined, Date.parse('2026-06-01T23:30:00Z')).date, '2026-06-02', 'today is the London date');
  t.throws(() => londonDayBounds('2026-13-01', 0), /not a calendar date/);
});

t.test('a London time of day on a date, across the clock changes', async (t) => {
  const iso = (date: string, minutes: number) => new Date(londonInstant(date, minutes)).toISOString();
  t.equal(iso('2026-01-15', 8 * 60 + 30), '2026-01-15T08:30:00.000Z', 'winter: 08:30 GMT');
  t.equal(iso('2026-06-16', 8 * 60), '2026-06-16T07:00:00.000Z', 'summer: 08:00 BST');
  t.equal(iso('2026-03-29', 2 * 60 + 30), '2026-03-29T01:30:00.000Z', 'spring-forward day, after the change');
  t.equal(iso('2026-03-29', 60 + 30), '2026-03-29T01:30:00.000Z', 'the hour the clocks skip is read an hour later');
  t.equal(iso('2026-10-25', 60 + 30), '2026-10-25T01:30:00.000Z', 'the hour they repeat: its second time');
  t.equal(iso('2026-10-25', 9 * 60), '2026-10-25T09:00:00.000Z', 'fall-back day, after the change');
  t.equal(londonInstant('2026-06-16', 1440), londonMidnight('2026-06-17'), '24:00 is the next midnight');
});
