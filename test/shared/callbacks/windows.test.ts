import t from 'tap';
import { bookableWindows, spokenTime } from '../../../shared/callbacks/windows.js';
import { exampleDirectory } from '../../fixtures/directories.js';

const practice = exampleDirectory().practice('F81001')!; // default windows 10:00–12:00 and 14:00–16:00

t.test('windows a caller can book', async (t) => {
  // Monday 2026-11-23, 08:05 London (GMT).
  let w = bookableWindows(practice, Date.parse('2026-11-23T08:05:00Z'));
  t.same(w.map((x) => x.label), ['this morning between 10 am and 12 noon', 'this afternoon between 2 pm and 4 pm', 'tomorrow morning between 10 am and 12 noon']);
  t.equal(new Date(w[0]!.start).toISOString(), '2026-11-23T10:00:00.000Z');
  // Monday 11:00: the morning window has started, so it is not offered.
  w = bookableWindows(practice, Date.parse('2026-11-23T11:00:00Z'));
  t.equal(w[0]!.label, 'this afternoon between 2 pm and 4 pm');
  // Friday afternoon: the next working day is Monday.
  w = bookableWindows(practice, Date.parse('2026-11-27T15:00:00Z'));
  t.same(w.map((x) => x.label), ['on Monday morning between 10 am and 12 noon', 'on Monday afternoon between 2 pm and 4 pm']);
  t.equal(new Date(w[0]!.start).toISOString(), '2026-11-30T10:00:00.000Z');
  // In summer the windows are in BST.
  w = bookableWindows(practice, Date.parse('2026-07-01T06:00:00Z'));
  t.equal(new Date(w[0]!.start).toISOString(), '2026-07-01T09:00:00.000Z', '10 am BST is 09:00 UTC');
});

t.test('times as people say them', async (t) => {
  t.equal(spokenTime('12:00'), '12 noon');
  t.equal(spokenTime('14:30'), '2:30 pm');
  t.equal(spokenTime('09:00'), '9 am');
  t.equal(spokenTime('00:15'), '12:15 am');
});
