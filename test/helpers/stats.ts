import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import type { Clock } from '../../shared/clock.js';
import { parseDirectory } from '../../shared/directory/load.js';
import { CallQueue } from '../../shared/queue/queue.js';

export const statsDirectory = () => parseDirectory(readFileSync(new URL('../fixtures/stats-directory.yaml', import.meta.url), 'utf8'), 'stats-directory');

/** A clock the test sets. */
export function manualClock(start: number): Clock & { set: (ms: number) => void } {
  let t = start;
  return { now: () => t, realDelay: (ms) => ms, set: (ms) => (t = ms) };
}

const RETENTION_MS = 30 * 86_400_000;
let serial = 0;

/**
 * Plays calls through the real queue scripts at exact instants, as the flow would: a caller joins,
 * waits, is answered by a member of staff (or hangs up), and the call ends. Returns the call id.
 */
export class CallPlayer {
  readonly queue: CallQueue;
  constructor(redis: Redis) {
    this.queue = new CallQueue(redis, 'sb:');
  }

  async answered(shard: string, practice: string, team: string, arriveAt: number, waitS: number, talkS: number, endTwice = false): Promise<string> {
    return this.answeredBy(`staff-${++serial}`, shard, practice, team, arriveAt, waitS, talkS, endTwice);
  }

  /** Answered by a member of staff the test names (several calls in turn: the gaps between them are theirs). */
  async answeredBy(staffId: string, shard: string, practice: string, team: string, arriveAt: number, waitS: number, talkS: number, endTwice = false): Promise<string> {
    const callId = await this.join(shard, practice, team, arriveAt);
    const answeredAt = arriveAt + waitS * 1000;
    // Their last call's wrap-up over (the service's sweep does this), they are free for this one.
    await this.queue.sweep(shard, [], answeredAt, 60_000);
    await this.queue.setPresence(shard, staffId, 'available', [team], answeredAt);
    const pairs = await this.queue.dispatch(shard, [team], answeredAt, 60_000);
    if (pairs[0]?.callId !== callId) throw new Error(`call ${callId} was not paired: ${JSON.stringify(pairs)}`);
    await this.queue.staffAnswered(shard, callId, staffId, answeredAt);
    await this.end(shard, callId, practice, answeredAt + talkS * 1000, endTwice);
    await this.queue.setPresence(shard, staffId, 'offline', [team], answeredAt + talkS * 1000);
    return callId;
  }

  async missed(shard: string, practice: string, team: string, arriveAt: number, waitS: number, endTwice = false): Promise<string> {
    const callId = await this.join(shard, practice, team, arriveAt);
    await this.end(shard, callId, practice, arriveAt + waitS * 1000, endTwice);
    return callId;
  }

  /** A call that ended before it reached a queue: only its end is ever reported. */
  async ivr(shard: string, practice: string, at: number, endTwice = false): Promise<string> {
    const callId = `twilio:CA-ivr-${++serial}`;
    await this.end(shard, callId, practice, at, endTwice);
    return callId;
  }

  private async join(shard: string, practice: string, team: string, at: number): Promise<string> {
    const providerCallId = `CA-${++serial}`;
    const callId = `twilio:${providerCallId}`;
    await this.queue.enqueue(shard, { callId, team, practice, from: `+4477009${String(serial).padStart(5, '0')}`, provider: 'twilio', providerCallId }, at);
    return callId;
  }

  private async end(shard: string, callId: string, practice: string, at: number, twice: boolean): Promise<void> {
    const first = await this.queue.endCall(shard, callId, practice, RETENTION_MS, 1000, at);
    if (first.result !== 'ended') throw new Error(`call ${callId} did not end: ${first.result}`);
    if (twice && (await this.queue.endCall(shard, callId, practice, RETENTION_MS, 1000, at + 500)).result !== 'duplicate') throw new Error(`repeat end of ${callId} was not a duplicate`);
  }
}

export const R = ['U12345', 'F81001', 'F81001.reception'] as const;
/** London 08:00 BST on a summer date is 07:00 UTC. */
export const at = (date: string, bst: string, plusSeconds = 0) => Date.parse(`${date}T${bst}:00+01:00`) + plusSeconds * 1000;

/** A known month of Mondays at Riverside (F81001; wrap-up 1 s): counted by hand below. */
export async function playMondayHistory(player: CallPlayer) {
  // Monday 24 August 2026
  for (const [wait, talk] of [[10, 100], [20, 200], [30, 300]] as const) await player.answered(...R, at('2026-08-24', '08:00'), wait, talk);
  await player.missed(...R, at('2026-08-24', '08:00'), 60);
  for (let i = 0; i < 2; i++) await player.answered(...R, at('2026-08-24', '08:15'), 0, 120);
  for (let i = 0; i < 20; i++) await player.answered(...R, at('2026-08-24', '09:00', 30 * i), 5, 150);
  for (let i = 0; i < 8; i++) await player.missed(...R, at('2026-08-24', '10:00'), 45);
  // Monday 17 August 2026
  for (let i = 0; i < 2; i++) await player.answered(...R, at('2026-08-17', '08:00'), 40, 180);
  await player.missed(...R, at('2026-08-17', '08:00'), 30);
  await player.missed(...R, at('2026-08-17', '08:00'), 90);
  // Monday 31 August 2026 is the summer bank holiday: its calls must not count.
  for (let i = 0; i < 5; i++) await player.missed(...R, at('2026-08-31', '08:00'), 10);
  // Monday 10 August 2026: no calls at all (closed, or before Switchboard).
}
