import t from 'tap';
import { londonMidnight } from '../../../shared/london-time.js';
import { coreCategory, monthDays } from '../../../shared/stats/extract.js';
import { dateOf, dayNumberOf, londonDayNumber, londonZone, readRecord } from '../../../shared/stats/layout.js';

t.test('londonZone finds the clock change Lua needs to place a call in London time', async (t) => {
  t.same(londonZone(Date.parse('2026-11-03T12:00:00Z')), [0, 0, 0], 'winter: GMT, no change');
  t.same(londonZone(Date.parse('2026-07-01T12:00:00Z')), [3_600_000, 0, 3_600_000], 'summer: BST');
  const [before, switchAt, after] = londonZone(Date.parse('2026-03-29T12:00:00Z'));
  t.same([before, after], [0, 3_600_000], 'spring forward');
  t.ok(switchAt > Date.parse('2026-03-29T00:59:59Z') && switchAt <= Date.parse('2026-03-29T01:00:01Z'), 'at 01:00 UTC');
  const back = londonZone(Date.parse('2026-10-26T00:30:00Z'));
  t.same([back[0], back[2]], [3_600_000, 0], 'fall back, seen the day after');
});

t.test('London day numbers and dates', async (t) => {
  t.equal(londonDayNumber(Date.parse('2026-07-01T23:30:00Z')), dayNumberOf('2026-07-02'), '00:30 BST is the next London day');
  t.equal(londonDayNumber(londonMidnight('2026-11-03')), dayNumberOf('2026-11-03'));
  t.equal(dateOf(dayNumberOf('2028-02-29')), '2028-02-29');
  t.same(monthDays('2026-02').map(dateOf), ['2026-02-01', '2026-02-28']);
  t.throws(() => monthDays('2026-2'), /not a month/);
  t.throws(() => monthDays('0001-01'), /outside 2000-01 to 2099-12/, 'not read as 1901 (Date.UTC takes years 0–99 as 1900–1999)');
  t.throws(() => monthDays('1999-12'), /outside/);
  t.throws(() => monthDays('2100-01'), /outside/);
  t.same([monthDays('2000-01')[0], monthDays('2099-12')[1]].map(dateOf), ['2000-01-01', '2099-12-31'], 'the first and last months allowed');
});

t.test('counters read from the Redis layout (big-endian u16 counts, u32 sums, 72 bytes a record)', async (t) => {
  const buf = Buffer.alloc(72 * 2);
  buf.writeUInt16BE(7, 72 + 0);
  buf.writeUInt16BE(65535, 72 + 27 * 2);
  buf.writeUInt32BE(100000, 72 + 56 + 3 * 4);
  const c = readRecord(buf, 1);
  t.same([c[0], c[27], c[31], c[1]], [7, 65535, 100000, 0]);
  t.same([...readRecord(buf.subarray(0, 100), 1)].slice(0, 2), [7, 0], 'a short string reads as zeros beyond its end');
  t.same([...readRecord(null, 5)].every((v) => v === 0), true);
});

t.test('core hours: weekdays 08:00–18:30 that are not bank holidays in England', async (t) => {
  t.equal(coreCategory('2026-11-03', '08:00-09:59'), 'Core_8_10');
  t.equal(coreCategory('2026-11-03', '18:00-18:29'), 'Core_10_1830');
  t.equal(coreCategory('2026-11-03', '18:30-23:59'), 'Non-Core');
  t.equal(coreCategory('2026-11-07', '10:00-11:59'), 'Non-Core', 'Saturday');
  t.equal(coreCategory('2026-12-28', '10:00-11:59'), 'Non-Core', 'the Boxing Day substitute bank holiday');
});
