import type { Clock } from '../clock.js';
import type { Directory } from '../directory/directory.js';
import type { Practice, Staff } from '../directory/types.js';
import { maskNumber, type Log } from '../log.js';
import type { CallQueue, DialOutcome, Pairing, Presence, QueueView } from '../queue/queue.js';
import { estimateWait } from './estimate.js';
import type { Instruction } from './instructions.js';
import { callIdOf, type LiveCall, type LiveCallControl } from './ports.js';
import { prompts } from './prompts.js';

export interface CallFlowDeps {
  queue: CallQueue;
  clock: Clock;
  /** The directory in force now (it can be reloaded). */
  directory: () => Directory;
  /** The live-call API of a provider kind. */
  liveCalls: (provider: string) => LiveCallControl;
  log: Log;
}

/** A call as a webhook presents it to the flow: provider-neutral. */
export interface InboundCall {
  provider: string;
  providerCallId: string;
  practice: Practice;
  from: string;
}

/** Per directory (it is replaced whole on reload): each shard's teams and one of its practices, so sweeps and pairings need no scan of every practice. */
const shardIndexes = new WeakMap<Directory, { teams: Map<string, string[]>; practice: Map<string, Practice> }>();

function shardIndex(directory: Directory) {
  let index = shardIndexes.get(directory);
  if (!index) {
    index = { teams: new Map(), practice: new Map() };
    for (const p of directory.practices) {
      const shard = directory.shard(p);
      index.teams.set(shard, [...(index.teams.get(shard) ?? []), ...p.teams.map((t) => directory.teamKey(p, t.id))]);
      if (!index.practice.has(shard)) index.practice.set(shard, p);
    }
    shardIndexes.set(directory, index);
  }
  return index;
}

/** How long a connect may go unreported before the sweep puts the caller back (beyond ring time). */
const CONNECT_LEASE_MARGIN_MS = 30_000;

/**
 * What a caller hears when the flow itself cannot run (Redis unreachable): a holding message, then
 * the wait loop, which queues the call afresh if it never got in.
 */
export function holdAndRetry(): Instruction[] {
  return [{ verb: 'say', text: prompts.holding() }, { verb: 'pause', seconds: 5 }, { verb: 'redirect', next: { step: 'wait' } }];
}

/**
 * The call flow: what a caller hears and where they go, driven by provider-neutral events. It
 * keeps no state of its own; Redis (through CallQueue) is the only truth, so any number of
 * processes can run it side by side.
 */
export class CallFlow {
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly deps: CallFlowDeps) {}

  private get directory() {
    return this.deps.directory();
  }

  private now() {
    return this.deps.clock.now();
  }

  /** A new call: greet, queue, and either connect at once or tell the caller where they stand. */
  async incoming(call: InboundCall): Promise<Instruction[]> {
    const { practice } = call;
    const shard = this.directory.shard(practice);
    const team = this.directory.teamKey(practice, practice.teams[0]!.id);
    const callId = callIdOf(call.provider, call.providerCallId);
    const view = await this.deps.queue.enqueue(shard, { callId, team, practice: practice.ods, from: call.from, provider: call.provider, providerCallId: call.providerCallId }, this.now());
    this.deps.log.info({ callId, practice: practice.ods, caller: maskNumber(call.from), position: view.position }, 'call queued');
    const greeting: Instruction = { verb: 'say', text: prompts.greeting(practice.name) };
    if (view.state === 'ended') return [{ verb: 'hangup' }];
    if (view.state !== 'queued') return [greeting, ...this.holdThenWait(practice)];
    const own = await this.pairAndConnect(shard, [team], callId);
    if (own) return [greeting, ...own];
    return [greeting, ...this.announceAndHold(practice, view)];
  }

  /** The caller's wait loop comes round: say where they are now. */
  async wait(call: InboundCall): Promise<Instruction[]> {
    const shard = this.directory.shard(call.practice);
    const view = await this.deps.queue.position(shard, callIdOf(call.provider, call.providerCallId), this.now());
    switch (view.state) {
      case 'queued':
        return this.announceAndHold(call.practice, view);
      case '':
        // Redis has no record of this call (it was lost or expired): queue it again rather than drop it.
        return this.incoming(call);
      case 'connecting':
      case 'talking':
        // A connect is under way and will replace this loop; hold quietly until it does.
        return this.holdThenWait(call.practice, 5);
      default:
        return [{ verb: 'hangup' }];
    }
  }

  /** The staff leg ended: after a conversation, say goodbye; if nobody answered, back to the queue. */
  async dialResult(call: InboundCall, staffId: string, outcome: DialOutcome, talkSeconds: number): Promise<Instruction[]> {
    const staff = this.directory.staff(staffId);
    const shard = this.directory.shard(call.practice);
    const callId = callIdOf(call.provider, call.providerCallId);
    const wrapMs = (staff ? this.directory.staffPractice(staff) : call.practice).wrapUpSeconds * 1000;
    const result = await this.deps.queue.dialResult(shard, callId, staffId, outcome, talkSeconds, wrapMs, this.now());
    this.deps.log.info({ callId, staffId, outcome, result }, 'dial ended');
    if (result === 'wrap-up') {
      this.scheduleWrapUpRelease(shard, wrapMs);
      return [{ verb: 'say', text: prompts.goodbye() }, { verb: 'hangup' }];
    }
    if (result === 'requeued') {
      const view = await this.deps.queue.position(shard, callId, this.now());
      const team = this.directory.teamKey(call.practice, call.practice.teams[0]!.id);
      const own = await this.pairAndConnect(shard, [team], callId);
      return own ?? [{ verb: 'say', text: prompts.stillWaiting() }, ...this.announceAndHold(call.practice, view)];
    }
    // Stale: this connect was already settled (its lease ran out and the sweep put the caller back,
    // or it was reported twice). The caller is wherever Redis says: carry on from there, never hang up on a queued caller.
    return this.wait(call);
  }

  async staffAnswered(call: InboundCall, staffId: string): Promise<void> {
    await this.deps.queue.staffAnswered(this.directory.shard(call.practice), callIdOf(call.provider, call.providerCallId), staffId, this.now());
  }

  /** The caller's call is over, however it ended. */
  async ended(call: InboundCall): Promise<void> {
    const { practice } = call;
    const shard = this.directory.shard(practice);
    const callId = callIdOf(call.provider, call.providerCallId);
    const staff = (id: string) => this.directory.staff(id);
    const end = await this.deps.queue.endCall(shard, callId, practice.ods, practice.callRecordRetentionDays * 86_400_000, practice.wrapUpSeconds * 1000, this.now());
    if (end.result === 'duplicate') return;
    this.deps.log.info({ callId, outcome: end.outcome }, 'call ended');
    const member = staff(end.staffId);
    if (!member) return;
    if (end.staffNext === 'wrap-up') this.scheduleWrapUpRelease(shard, this.directory.staffPractice(member).wrapUpSeconds * 1000);
    if (end.staffNext === 'idle') await this.pairAndConnect(shard, this.directory.staffTeamKeys(member));
  }

  async setPresence(staff: Staff, presence: Presence): Promise<{ presence: Presence; activity: string }> {
    const practice = this.directory.staffPractice(staff);
    const shard = this.directory.shard(practice);
    const teams = this.directory.staffTeamKeys(staff);
    const state = await this.deps.queue.setPresence(shard, staff.id, presence, teams, this.now());
    this.deps.log.info({ staffId: staff.id, presence }, 'presence set');
    if (presence === 'available') await this.pairAndConnect(shard, teams);
    return state;
  }

  /**
   * The safety net every process runs on a timer: release finished wrap-ups, put back callers whose
   * connect was never reported (its process died), and pair anyone left waiting with free staff.
   */
  async sweep(): Promise<void> {
    const now = this.now();
    await Promise.all(
      this.shards().map(async ([shard, teams]) => {
        await this.deps.queue.reapStaleConnects(shard, now);
        await this.deps.queue.releaseWrapUps(shard, now);
        await this.pairAndConnect(shard, teams);
      }),
    );
  }

  /** Resolves when connects and timers started by this process have settled (for shutdown). */
  async settle(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.inFlight]);
  }

  private shards(): [string, string[]][] {
    return [...shardIndex(this.directory).teams];
  }

  private announceAndHold(practice: Practice, view: QueueView): Instruction[] {
    return [
      { verb: 'say', text: `${prompts.position(view.position)} ${prompts.wait(estimateWait(view))}` },
      ...this.holdThenWait(practice),
    ];
  }

  private holdThenWait(practice: Practice, seconds = practice.announceEverySeconds): Instruction[] {
    const hold: Instruction = practice.holdMusicUrl && seconds === practice.announceEverySeconds
      ? { verb: 'play', url: practice.holdMusicUrl }
      : { verb: 'pause', seconds };
    return [hold, { verb: 'redirect', next: { step: 'wait' } }];
  }

  private dialInstructions(practice: Practice, staff: Staff): Instruction[] {
    return [
      { verb: 'say', text: prompts.connecting() },
      {
        verb: 'dial',
        endpoint: staff.endpoint,
        timeoutSeconds: practice.ringSeconds,
        onAnswer: { step: 'staff-answered', staffId: staff.id },
        onEnd: { step: 'dial-result', staffId: staff.id },
      },
    ];
  }

  /**
   * Pair waiting callers with free staff in these teams (in order). Each pairing is connected
   * through the provider's live-call API, except `ownCallId`'s, whose instructions are returned so
   * the current webhook can answer with them directly.
   */
  private async pairAndConnect(shard: string, teams: string[], ownCallId?: string): Promise<Instruction[] | undefined> {
    const practice = shardIndex(this.directory).practice.get(shard);
    const ringMs = (practice?.ringSeconds ?? 20) * 1000;
    const pairs = await this.deps.queue.dispatch(shard, teams, this.now(), ringMs + CONNECT_LEASE_MARGIN_MS);
    let own: Instruction[] | undefined;
    for (const pair of pairs) {
      const instructions = this.instructionsFor(pair);
      if (!instructions) continue;
      if (pair.callId === ownCallId) own = instructions;
      else this.track(this.connect(shard, pair, instructions));
    }
    return own;
  }

  private instructionsFor(pair: Pairing): Instruction[] | undefined {
    const practice = this.directory.practice(pair.practice);
    const staff = this.directory.staff(pair.staffId);
    if (!practice || !staff) {
      this.deps.log.error({ callId: pair.callId, staffId: pair.staffId }, 'paired call or staff is not in the directory');
      return undefined;
    }
    return this.dialInstructions(practice, staff);
  }

  private async connect(shard: string, pair: Pairing, instructions: Instruction[]): Promise<void> {
    const practice = this.directory.practice(pair.practice)!;
    const live: LiveCall = { practice, callId: pair.callId, providerCallId: pair.providerCallId };
    const call: InboundCall = { provider: pair.provider, providerCallId: pair.providerCallId, practice, from: '' };
    try {
      const result = await this.deps.liveCalls(pair.provider).redirect(live, instructions);
      this.deps.log.info({ callId: pair.callId, staffId: pair.staffId, result }, 'connect sent');
      // The caller hung up before we reached them: end the call now rather than wait for its status webhook.
      if (result === 'gone') await this.ended(call);
    } catch (err) {
      this.deps.log.warn({ err, callId: pair.callId, staffId: pair.staffId }, 'connect failed; caller back to the head of the queue');
      await this.deps.queue.dialResult(shard, pair.callId, pair.staffId, 'connect-failed', 0, 0, this.now());
    }
  }

  private scheduleWrapUpRelease(shard: string, wrapMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.track(this.releaseWrapUps(shard));
    }, this.deps.clock.realDelay(wrapMs) + 20);
    this.timers.add(timer);
  }

  private async releaseWrapUps(shard: string): Promise<void> {
    const released = await this.deps.queue.releaseWrapUps(shard, this.now());
    const teams = released.flatMap((id) => {
      const member = this.directory.staff(id);
      return member ? this.directory.staffTeamKeys(member) : [];
    });
    await this.pairAndConnect(shard, [...new Set(teams)]);
  }

  private track(work: Promise<unknown>): void {
    const p = work.catch((err: unknown) => this.deps.log.error({ err }, 'background call work failed'));
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }
}
