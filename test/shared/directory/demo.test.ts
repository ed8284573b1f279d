import t from 'tap';
import { atTime, spokenTime } from '../../../shared/callbacks/windows.js';
import { closesToday, londonMoment } from '../../../shared/callflow/hours.js';
import { practiceOpening, teamOpen } from '../../../shared/callflow/routing.js';
import { loadDirectoryFile } from '../../../shared/directory/load.js';
import { londonMidnight } from '../../../shared/london-time.js';
import { DEMO_DIRECTORY } from '../../../services/switchboard/config.js';

const directory = loadDirectoryFile(DEMO_DIRECTORY);
const pcnTeamIds = directory.data.pcns.flatMap((pcn) => pcn.teams.map((team) => team.id));
const at = (date: string, hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return londonMidnight(date) + (h * 60 + m) * 60_000;
};

// Someone trying the Quick start hears every practice answer and every team queue, whenever they try.
const moments: [string, number][] = [
  ['a Saturday at 21:00', at('2026-12-05', '21:00')],
  ['a weekday (Tuesday) at 03:00', at('2026-12-08', '03:00')],
  ['a Sunday at 00:00', at('2026-12-06', '00:00')],
  ['a Wednesday at 23:59', at('2026-12-09', '23:59')],
  ['Wednesday lunchtime', at('2026-12-09', '13:30')],
  ['Christmas Day (a bank holiday) at noon', at('2026-12-25', '12:00')],
  ['a summer Sunday evening (BST)', at('2026-07-12', '20:00')],
];

for (const [when, now] of moments) {
  t.test(`the demo directory is open on ${when}`, async (t) => {
    for (const practice of directory.practices) {
      t.same(practiceOpening(directory, practice, [], now), { open: true }, `${practice.ods} answers and queues`);
      for (const id of [...practice.teams.map((team) => team.id), ...pcnTeamIds]) {
        t.ok(teamOpen(directory, directory.team(practice, id)!, [], now), `${practice.ods}: team ${id} takes new callers`);
      }
    }
  });
}

t.test('an ad-hoc closure still closes a demo practice', async (t) => {
  const now = at('2026-12-05', '21:00');
  const riverside = directory.practice('F81001')!;
  t.same(practiceOpening(directory, riverside, [{ id: 'training', from: now - 60_000, to: now + 60_000, reason: 'training' }], now), { open: false });
});

t.test('open through midnight: a caller asking for a call-back late at night is not told "we close at midnight"', async (t) => {
  const riverside = directory.practice('F81001')!;
  const lateSaturday = londonMoment(at('2026-12-05', '23:50'));
  t.equal(closesToday(riverside.hours, lateSaturday, directory.bankHolidays), undefined, 'the demo does not close at midnight: Sunday opens at 00:00');
  const saturdayOnly = { sat: ['18:00-24:00'] };
  t.equal(closesToday(saturdayOnly, lateSaturday, directory.bankHolidays), '24:00', 'a practice closed on Sunday does close at midnight');
  t.equal(spokenTime('24:00'), 'midnight', 'said as midnight');
  t.equal(atTime(londonMidnight('2026-12-05'), '24:00'), londonMidnight('2026-12-06'), 'at the next London midnight');
  t.equal(atTime(londonMidnight('2026-10-24'), '24:00'), londonMidnight('2026-10-25'), 'before the clocks go back too');
});
