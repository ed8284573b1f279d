import t from 'tap';
import { menuAt, overflowOffers, practiceOpening, priorityLineOf, teamOpen } from '../../../shared/callflow/routing.js';
import { parseDirectory } from '../../../shared/directory/load.js';
import { PCN_YAML, pcnDirectory } from '../../fixtures/directories.js';

const directory = pcnDirectory();
const riverside = directory.practice('F81001')!;
const openAt = (iso: string, d = directory) => practiceOpening(d, d.practice('F81001')!, [], Date.parse(iso));

t.test('weekly hours at their edges, lunchtime included (Tuesday, GMT)', async (t) => {
  t.same(openAt('2026-11-24T07:59:59Z'), { open: false, reopens: '08:00' }, '07:59:59 closed; opens at 08:00');
  t.same(openAt('2026-11-24T08:00:00Z'), { open: true }, '08:00 open');
  t.same(openAt('2026-11-24T12:59:59Z'), { open: true }, '12:59:59 open');
  t.same(openAt('2026-11-24T13:00:00Z'), { open: false, reopens: '14:00' }, 'closed for lunch at 13:00, back at 14:00');
  t.same(openAt('2026-11-24T14:00:00Z'), { open: true }, '14:00 open again');
  t.same(openAt('2026-11-24T18:29:59Z'), { open: true }, '18:29:59 open');
  t.same(openAt('2026-11-24T18:30:00Z'), { open: false }, '18:30 closed, not again today');
  t.same(openAt('2026-11-28T10:00:00Z'), { open: false }, 'Saturday: no hours, closed');
});

t.test('hours are London wall-clock times in summer and across clock-change Sundays', async (t) => {
  t.same(openAt('2026-07-07T07:00:00Z'), { open: true }, 'a July Tuesday 07:00 UTC is 08:00 BST: open');
  t.same(openAt('2026-07-07T06:59:00Z'), { open: false, reopens: '08:00' }, '06:59 UTC is 07:59 BST: closed');
  t.same(openAt('2026-07-07T17:30:00Z'), { open: false }, '17:30 UTC is 18:30 BST: closed');
  // Sunday 29 March 2026: clocks go forward at 01:00 UTC. Sunday hours 09:00-12:00 London.
  t.same(openAt('2026-03-29T07:59:00Z'), { open: false, reopens: '09:00' }, 'spring-forward Sunday 07:59 UTC = 08:59 BST: closed');
  t.same(openAt('2026-03-29T08:00:00Z'), { open: true }, 'spring-forward Sunday 08:00 UTC = 09:00 BST: open');
  t.same(openAt('2026-03-29T11:00:00Z'), { open: false }, '11:00 UTC = 12:00 BST: closed');
  t.same(openAt('2026-03-22T08:30:00Z'), { open: false, reopens: '09:00' }, 'the Sunday before (GMT), 08:30 UTC is 08:30: closed');
  // Sunday 25 October 2026: clocks go back at 01:00 UTC.
  t.same(openAt('2026-10-25T08:59:00Z'), { open: false, reopens: '09:00' }, 'fall-back Sunday 08:59 UTC = 08:59 GMT: closed');
  t.same(openAt('2026-10-25T09:00:00Z'), { open: true }, 'fall-back Sunday 09:00 UTC = 09:00 GMT: open');
  t.same(openAt('2026-10-18T08:00:00Z'), { open: true }, 'the Sunday before (BST), 08:00 UTC = 09:00: open');
});

t.test('bank holidays: shipped, removed and added in the directory', async (t) => {
  t.same(openAt('2026-12-28T10:00:00Z'), { open: false }, 'Monday 28 December 2026 (Boxing Day substitute) is closed');
  t.same(openAt('2026-12-29T10:00:00Z'), { open: true }, 'the Tuesday after is open');
  t.same(openAt('2026-04-03T10:00:00Z'), { open: false }, 'Good Friday 2026 is closed');
  const changed = parseDirectory(PCN_YAML.replace('pcns:', 'bankHolidays: { remove: ["2026-12-28"], add: ["2026-11-24"] }\npcns:'), 'changed');
  t.same(openAt('2026-12-28T10:00:00Z', changed), { open: true }, 'a removed bank holiday is a working day');
  t.same(openAt('2026-11-24T10:00:00Z', changed), { open: false }, 'an added date is closed');
  const bankHolidayHours = parseDirectory(PCN_YAML.replace('sun: ["09:00-12:00"]', 'sun: ["09:00-12:00"]\n      bankHolidays: ["10:00-12:00"]'), 'bh-hours');
  t.same(openAt('2026-12-28T10:30:00Z', bankHolidayHours), { open: true }, 'bank-holiday hours open the practice');
  t.same(openAt('2026-12-28T09:30:00Z', bankHolidayHours), { open: false, reopens: '10:00' });
});

t.test('ad-hoc closures and team hours', async (t) => {
  const now = Date.parse('2026-11-24T14:30:00Z');
  const training = { id: 'x', from: Date.parse('2026-11-24T13:00:00Z'), to: Date.parse('2026-11-24T17:00:00Z'), reason: 'training' };
  t.same(practiceOpening(directory, riverside, [training], now), { open: false }, 'a closure shuts the practice');
  t.same(practiceOpening(directory, riverside, [{ ...training, to: now }], now), { open: true }, 'a closure ends at its "to"');
  const reception = directory.team(riverside, 'reception')!;
  t.same(practiceOpening(directory, riverside, [{ ...training, team: reception.key }], now), { open: true }, 'a team closure leaves the practice open');
  t.notOk(teamOpen(directory, reception, [{ ...training, team: reception.key }], now), 'but closes the team');
  const medicines = directory.team(riverside, 'medicines')!;
  t.equal(medicines.key, 'U12345.medicines', 'a PCN team is reached from a practice by its id');
  t.ok(teamOpen(directory, medicines, [], Date.parse('2026-11-24T16:59:00Z')));
  t.notOk(teamOpen(directory, medicines, [], Date.parse('2026-11-24T17:00:00Z')), 'the medicines team keeps its own hours');
  t.ok(teamOpen(directory, directory.team(riverside, 'hub')!, [], Date.parse('2026-11-28T23:00:00Z')), 'a PCN team without hours is always open');
});

t.test('menus, priority lines and overflow rules', async (t) => {
  t.equal(menuAt(riverside, '')?.prompt.slice(0, 16), 'For appointments');
  t.match(menuAt(riverside, '4')?.prompt, /care coordinator/);
  t.equal(menuAt(riverside, '1'), undefined, 'a key that leads to a team is not a menu');
  t.equal(priorityLineOf(riverside, '+447700900999', '+441375100001')?.name, 'Care homes');
  t.equal(priorityLineOf(riverside, '+447700900001', '+441375100011')?.team, 'professionals');
  t.equal(priorityLineOf(riverside, '+447700900001', '+441375100001'), undefined);
  const offers = overflowOffers(directory, 'U12345', () => [], Date.parse('2026-11-24T10:00:00Z'));
  t.same(offers, [
    { team: 'F81001.reception', afterMs: 300_000, whenMoreThan: 3, to: 'F81002.reception' },
    { team: 'F81002.reception', afterMs: 300_000, whenMoreThan: -1, to: 'F81001.reception' },
  ]);
  t.same(overflowOffers(directory, 'U12345', () => [], Date.parse('2026-11-24T19:00:00Z')), [], 'no overflow to a practice that is closed');
  const graysReceptionClosed = (team: { key: string }) => (team.key === 'F81002.reception' ? [{ id: 'c', from: 0, to: Date.parse('2026-11-25T00:00:00Z'), team: 'F81002.reception', reason: 'Training' }] : []);
  t.same(overflowOffers(directory, 'U12345', graysReceptionClosed, Date.parse('2026-11-24T10:00:00Z')), [offers[1]], 'no overflow into a team closed by a closure');
});
