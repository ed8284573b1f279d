import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { parseDirectory } from '../../shared/directory/load.js';
import { londonMidnight } from '../../shared/london-time.js';
import { CallQueue, type Presence } from '../../shared/queue/queue.js';

export const reportsDirectory = () => parseDirectory(readFileSync(new URL('../fixtures/reports-directory.yaml', import.meta.url), 'utf8'), 'reports-directory');

/** The known day: a Tuesday in British Summer Time, so London hours are UTC hours + 1. */
export const DAY = '2026-06-16';
/** An instant of the known day, London wall clock "HH:MM:SS". */
export const at = (hms: string) => {
  const [h, m, s] = hms.split(':').map(Number) as [number, number, number];
  return londonMidnight(DAY) + ((h * 60 + m) * 60 + s) * 1000;
};

const SHARD = 'U12345';
const RETENTION_MS = 30 * 86_400_000;
const WRAP_MS = 60_000;
const LEASE_MS = 60_000;
const RECEPTION = 'F81001.reception';
const PRESCRIPTIONS = 'F81001.prescriptions';
const HUB = 'U12345.hub';
const TEAMS: Record<string, [string[], number[]]> = {
  alice: [[RECEPTION], [1]],
  bob: [[RECEPTION, PRESCRIPTIONS], [1, 2]],
  carol: [[PRESCRIPTIONS], [1]],
  hana: [[HUB], [1]],
};

/**
 * Plays the known day through the real queue scripts at exact instants, as the call flow would
 * (sign-ins, calls, a ring not answered, an abandoned call, overflow, a call-back, sign-outs).
 * Every step names who it expects to be paired, so the day cannot drift from the hand count.
 */
export async function playKnownDay(redis: Redis): Promise<void> {
  const q = new CallQueue(redis, 'sb:');
  const presence = async (staff: string, p: Presence, when: string) => {
    const [teams, priorities] = TEAMS[staff]!;
    await q.setPresence(SHARD, staff, p, teams, at(when), priorities, RETENTION_MS);
  };
  let serial = 0;
  const join = async (team: string, practice: string, when: string) => {
    const callId = `twilio:CA-day-${++serial}`;
    await q.enqueue(SHARD, { callId, team, practice, from: `+44770090${String(serial).padStart(4, '0')}`, provider: 'twilio', providerCallId: `CA-day-${serial}` }, at(when));
    return callId;
  };
  const dispatch = async (team: string, when: string, expect: [string, string]) => {
    const pairs = await q.dispatch(SHARD, [team], at(when), LEASE_MS);
    if (pairs.length !== 1 || pairs[0]!.callId !== expect[0] || pairs[0]!.staffId !== expect[1]) throw new Error(`at ${when} expected ${expect.join(' to ')}, paired ${JSON.stringify(pairs)}`);
  };
  const end = async (callId: string, practice: string, when: string, outcome: string) => {
    const e = await q.endCall(SHARD, callId, practice, RETENTION_MS, WRAP_MS, at(when), { answerTargetSeconds: 120, ttlMs: RETENTION_MS });
    if (e.outcome !== outcome) throw new Error(`${callId} ended ${e.outcome}, expected ${outcome}`);
  };
  const wrapUpOver = async (when: string) => {
    const { released } = await q.sweep(SHARD, [], at(when), LEASE_MS);
    if (released !== 1) throw new Error(`at ${when} expected one wrap-up over, got ${released}`);
  };

  await presence('alice', 'available', '07:50:00');
  await presence('bob', 'available', '08:00:00');
  // C1: Alice answers after 10 s, talks 200 s.
  const c1 = await join(RECEPTION, 'F81001', '08:00:00');
  await dispatch(RECEPTION, '08:00:00', [c1, 'alice']);
  await q.staffAnswered(SHARD, c1, 'alice', at('08:00:10'));
  await end(c1, 'F81001', '08:03:30', 'answered');
  // C2: Bob does not answer (he is set away), signs back in and answers: waited 65 s, talks 95 s.
  const c2 = await join(RECEPTION, 'F81001', '08:01:00');
  await dispatch(RECEPTION, '08:01:00', [c2, 'bob']);
  await q.dialResult(SHARD, c2, 'bob', 'no-answer', undefined, WRAP_MS, at('08:01:20'));
  await presence('bob', 'available', '08:02:00');
  await dispatch(RECEPTION, '08:02:00', [c2, 'bob']);
  await q.staffAnswered(SHARD, c2, 'bob', at('08:02:05'));
  await end(c2, 'F81001', '08:03:40', 'answered');
  await wrapUpOver('08:04:30'); // Alice
  await wrapUpOver('08:04:40'); // Bob
  await presence('carol', 'available', '08:05:00');
  // C3: hangs up after 90 s waiting.
  const c3 = await join(RECEPTION, 'F81001', '08:05:00');
  await end(c3, 'F81001', '08:06:30', 'abandoned');
  // C4: overflows to prescriptions after 60 s; Carol answers after 160 s and talks 400 s.
  const c4 = await join(RECEPTION, 'F81001', '08:10:00');
  const offers = await q.overflow(SHARD, [{ team: RECEPTION, afterMs: 60_000, whenMoreThan: -1, to: PRESCRIPTIONS }], at('08:11:00'));
  if (offers.length !== 1 || offers[0]!.callId !== c4) throw new Error(`expected C4 to overflow: ${JSON.stringify(offers)}`);
  await dispatch(PRESCRIPTIONS, '08:12:30', [c4, 'carol']);
  await q.staffAnswered(SHARD, c4, 'carol', at('08:12:40'));
  await end(c4, 'F81001', '08:19:20', 'answered');
  await wrapUpOver('08:20:20'); // Carol
  // C5: asks for a call-back; Alice makes it: rung at 08:30:00, picks up 08:30:05, the patient 08:30:20.
  const c5 = await join(RECEPTION, 'F81001', '08:20:00');
  await q.requestCallback(SHARD, c5, 'cb1', '+447700900555', at('08:21:00'));
  await end(c5, 'F81001', '08:21:10', 'callback-requested');
  await dispatch(RECEPTION, '08:30:00', ['cb:cb1', 'alice']);
  await q.staffAnswered(SHARD, 'cb:cb1', 'alice', at('08:30:05'));
  await q.markCallbackAnswered(SHARD, 'cb1', at('08:30:20'));
  await q.dialResult(SHARD, 'cb:cb1', 'alice', 'answered', 100, WRAP_MS, at('08:32:00'));
  await end('cb:cb1', 'F81001', '08:32:00', 'callback-made');
  await wrapUpOver('08:33:00'); // Alice
  // The PCN hub: Hana answers a Riverside caller at once (talk 30 s) and a Grays caller after 20 s (talk 61 s).
  await presence('hana', 'available', '09:00:00');
  const c6 = await join(HUB, 'F81001', '09:10:00');
  await dispatch(HUB, '09:10:00', [c6, 'hana']);
  await q.staffAnswered(SHARD, c6, 'hana', at('09:10:00'));
  await end(c6, 'F81001', '09:10:30', 'answered');
  await wrapUpOver('09:11:30');
  const c7 = await join(HUB, 'F81002', '09:20:00');
  await dispatch(HUB, '09:20:00', [c7, 'hana']);
  await q.staffAnswered(SHARD, c7, 'hana', at('09:20:20'));
  await end(c7, 'F81002', '09:21:21', 'answered');
  await wrapUpOver('09:22:21');
  await presence('bob', 'away', '09:30:00');
  // C8: hangs up after 15 s while Alice's phone rings (not a ring she failed to answer).
  const c8 = await join(RECEPTION, 'F81001', '09:40:00');
  await dispatch(RECEPTION, '09:40:00', [c8, 'alice']);
  await end(c8, 'F81001', '09:40:15', 'abandoned');
  await presence('bob', 'available', '09:45:00');
  await presence('carol', 'offline', '10:00:00');
  await presence('hana', 'offline', '10:00:00');
  // A caller who hangs up in the greeting: a CBT call, in no team.
  await end('twilio:CA-day-ivr', 'F81001', '10:30:00', 'ivr');
  await presence('bob', 'offline', '12:00:00');
  await presence('alice', 'offline', '12:30:00');
}
