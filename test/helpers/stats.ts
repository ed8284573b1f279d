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
    const callId = await this.join(shard, practice, team, arriveAt);
    const staffId = `staff-${++serial}`;
    const answeredAt = arriveAt + waitS * 1000;
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
