import t from 'tap';
import { answeredBy, callbacksDue, rollingServiceLevel } from '../../../shared/live/figures.js';
import type { CallbackRecord } from '../../../shared/queue/queue.js';

const NOW = 10_000_000;
const MIN = 60_000;
const answered = (minutesAgo: number, waitSeconds: number, team = 'F1.reception', staff = 'alice') => ({ outcome: 'answered', team, staff, answeredAt: String(NOW - minutesAgo * MIN), waitSeconds: String(waitSeconds) });

t.test('the rolling service level: answered in the last 30 minutes within target, by a hand count', async (t) => {
  const records = [
    answered(1, 10), // in, within
    answered(29, 120), // in, at the target exactly: within
    answered(29.9, 121), // in, over
    answered(30, 5), // just out (the window is (now − 30 min, now])
    answered(45, 5), // out
    answered(2, 300, 'F1.dispensary', 'dee'), // in, over, another team
    { outcome: 'abandoned', team: 'F1.reception', answeredAt: '', waitSeconds: '50' },
  ];
  t.same(rollingServiceLevel(records, NOW, 120), { windowMinutes: 30, answered: 4, withinTarget: 2, percent: 50 });
  t.same(rollingServiceLevel(records, NOW, 120, new Set(['F1.reception'])), { windowMinutes: 30, answered: 3, withinTarget: 2, percent: 66.7 }, 'a team screen counts its team');
  t.same(rollingServiceLevel([], NOW, 120), { windowMinutes: 30, answered: 0, withinTarget: 0, percent: null }, 'nothing answered: no figure');
  t.same([...answeredBy(records)].sort(), [['alice', 5], ['dee', 1]], 'answered per member of staff');
});

t.test('call-backs due next: the queue, then retries, then booked windows by start; made, failed and in-progress ones left out', async (t) => {
  const cb = (id: string, state: CallbackRecord['state'], requestedAt: number, windowStart?: number): CallbackRecord => ({
    id, state, practice: 'F1', team: 'F1.reception', number: '+447700900123', origin: '', requestedAt, firstRingAt: requestedAt, attempts: 0, ...(windowStart ? { windowStart, windowEnd: windowStart + 30 * MIN } : {}),
  });
  const due = callbacksDue([cb('late-booked', 'booked', 1, 5_000_000), cb('retry', 'retry-wait', 50), cb('q2', 'queued', 20), cb('made', 'made', 1), cb('early-booked', 'booked', 2, 4_000_000), cb('q1', 'queued', 10), cb('ringing', 'connecting', 5), cb('failed', 'failed', 1)], 10);
  t.same(due.map((c) => c.id), ['q1', 'q2', 'retry', 'early-booked', 'late-booked']);
  t.match(due[3], { state: 'booked', dueAt: 4_000_000, windowEnd: 4_000_000 + 30 * MIN, caller: '•••••••••123' }, 'numbers masked');
  t.equal(callbacksDue([cb('a', 'queued', 1), cb('b', 'queued', 2)], 1).length, 1, 'at most the limit');
});
