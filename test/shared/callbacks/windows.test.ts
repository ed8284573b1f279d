import t from 'tap';
import { bookableWindows, spokenTime } from '../../../shared/callbacks/windows.js';
import { exampleDirectory } from '../../fixtures/directories.js';

const directory = exampleDirectory();
const practice = directory.practice('F81001')!; // default windows 10:00–12:00 and 14:00–16:00, no hours (Monday to Friday)
const open = { bankHolidays: directory.bankHolidays, closures: [] };
const closure = (from: string, to: string) => ({ id: 'x', from: Date.parse(from), to: Date.parse(to), reason: 'training' });
const labels = (w: { label: string }[]) => w.map((x) => x.label);

t.test('windows a caller can book', async (t) => {
  // Monday 2026-11-23, 08:05 London (GMT).
  let w = bookableWindows(practice, Date.parse('2026-11-23T08:05:00Z'), open);
  t.same(w.map((x) => x.label), ['this morning between 10 am and 12 noon', 'this afternoon between 2 pm and 4 pm', 'tomorrow morning between 10 am and 12 noon']);
  t.equal(new Date(w[0]!.start).toISOString(), '2026-11-23T10:00:00.000Z');
  // Monday 11:00: the morning window has started, so it is not offered.
  w = bookableWindows(practice, Date.parse('2026-11-23T11:00:00Z'), open);
  t.equal(w[0]!.label, 'this afternoon between 2 pm and 4 pm');
  // Friday afternoon: the next working day is Monday.
  w = bookableWindows(practice, Date.parse('2026-11-27T15:00:00Z'), open);
  t.same(w.map((x) => x.label), ['on Monday morning between 10 am and 12 noon', 'on Monday afternoon between 2 pm and 4 pm']);
  t.equal(new Date(w[0]!.start).toISOString(), '2026-11-30T10:00:00.000Z');
  // In summer the windows are in BST.
  w = bookableWindows(practice, Date.parse('2026-07-01T06:00:00Z'), open);
  t.equal(new Date(w[0]!.start).toISOString(), '2026-07-01T09:00:00.000Z', '10 am BST is 09:00 UTC');
});

t.test('the next working day skips bank holidays, closures and days the practice does not open', async (t) => {
  // Friday 22 May 2026, 15:30 BST: the afternoon window has started; Monday 25 May is the spring bank holiday.
  const friday = Date.parse('2026-05-22T14:30:00Z');
  let w = bookableWindows(practice, friday, open);
  t.same(labels(w), ['on Tuesday morning between 10 am and 12 noon', 'on Tuesday afternoon between 2 pm and 4 pm']);
  t.equal(new Date(w[0]!.start).toISOString(), '2026-05-26T09:00:00.000Z', 'Tuesday 10 am BST');
  // A directory that removes the bank holiday (the practice opens that Monday) gets Monday.
  t.equal(bookableWindows(practice, friday, { ...open, bankHolidays: new Set() })[0]!.label, 'on Monday morning between 10 am and 12 noon');

  // A training morning on the Tuesday: only its afternoon is offered.
  w = bookableWindows(practice, friday, { ...open, closures: [closure('2026-05-26T07:00:00Z', '2026-05-26T11:00:00Z')] });
  t.same(labels(w), ['on Tuesday afternoon between 2 pm and 4 pm']);
  // Closed all Tuesday: Wednesday.
  w = bookableWindows(practice, friday, { ...open, closures: [closure('2026-05-25T23:00:00Z', '2026-05-26T23:00:00Z')] });
  t.same(labels(w), ['on Wednesday morning between 10 am and 12 noon', 'on Wednesday afternoon between 2 pm and 4 pm']);
  // A closure this afternoon takes today's window away, not tomorrow's.
  w = bookableWindows(practice, Date.parse('2026-11-23T11:00:00Z'), { ...open, closures: [closure('2026-11-23T13:00:00Z', '2026-11-23T17:00:00Z')] });
  t.same(labels(w), ['tomorrow morning between 10 am and 12 noon', 'tomorrow afternoon between 2 pm and 4 pm']);

  // Opening hours decide the working days: open Saturday mornings, never on Mondays.
  const saturdays = { ...practice, hours: { tue: ['08:00-18:30'], fri: ['08:00-18:30'], sat: ['08:00-12:00'] } };
  w = bookableWindows(saturdays, Date.parse('2026-11-27T15:00:00Z'), open);
  t.same(labels(w), ['tomorrow morning between 10 am and 12 noon', 'tomorrow afternoon between 2 pm and 4 pm'], 'Saturday follows Friday');
  w = bookableWindows(saturdays, Date.parse('2026-11-28T15:00:00Z'), open);
  t.equal(w[0]!.label, 'on Tuesday morning between 10 am and 12 noon', 'Sunday and Monday skipped');
  // Hours that open on bank holidays make them working days.
  const bankHolidayHours = { ...practice, hours: { mon: ['08:00-18:30'], tue: ['08:00-18:30'], fri: ['08:00-18:30'], bankHolidays: ['09:00-13:00'] } };
  t.equal(bookableWindows(bankHolidayHours, friday, open)[0]!.label, 'on Monday morning between 10 am and 12 noon');
});

t.test('times as people say them', async (t) => {
  t.equal(spokenTime('12:00'), '12 noon');
  t.equal(spokenTime('14:30'), '2:30 pm');
  t.equal(spokenTime('09:00'), '9 am');
  t.equal(spokenTime('00:15'), '12:15 am');
});
