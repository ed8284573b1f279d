import type { Clock } from '../clock.js';
import type { Directory, TeamRef } from '../directory/directory.js';
import type { Menu, MenuAction, Practice, Staff } from '../directory/types.js';
import { maskNumber, type Log } from '../log.js';
import type { CallerAdjustments } from '../patients/lookup.js';
import type { CallRecordings } from '../recording/recordings.js';
import { Closures, type Closure } from '../queue/closures.js';
import type { CallQueue, DialOutcome, NewCall, Pairing, Presence, QueueView, SilentCall } from '../queue/queue.js';
import { reportCounting } from '../reports/retention.js';
import type { CallbackScheduler } from '../callbacks/scheduler.js';
import { CallbackFlow, retentionMs } from './callbacks.js';
import type { Instruction, Prompt } from './instructions.js';
import { callIdOf, type LiveCall, type LiveCallControl, type WaitEstimator } from './ports.js';
import { prompts } from './prompts.js';
import { menuAt, overflowOffers, practiceOpening, priorityLineOf, teamOpen } from './routing.js';

export interface CallFlowDeps {
  queue: CallQueue;
  clock: Clock;
  /** The directory in force now (it can be reloaded). */
  directory: () => Directory;
  /** The live-call API of a provider kind. */
  liveCalls: (provider: string) => LiveCallControl;
  scheduler: CallbackScheduler;
  /** The wait callers are told and call-backs are promised (shared/planning/live-wait.ts). */
  waits: WaitEstimator;
  log: Log;
  /** Who is calling, and the reasonable adjustments that follow (shared/patients); absent: none. */
  callers?: CallerAdjustments;
  /** Call recording (shared/recording); absent: nothing is recorded. */
  recordings?: CallRecordings;
}

/** A call as a webhook presents it to the flow: provider-neutral. */
export interface InboundCall {
  provider: string;
  providerCallId: string;
  practice: Practice;
  from: string;
  /** The number dialled, when the provider says (priority lines can be numbers of their own). */
  to?: string;
}

/** How a caller joins a queue: the words before the queue's, and what the call record says. */
interface Joining {
  intro: Instruction[];
  priority?: boolean;
  route?: string;
}

/** How long a connect may go unreported before the sweep puts the caller back (beyond ring time). */
const CONNECT_LEASE_MARGIN_MS = 30_000;
/** Every this many sweeps, every shard is visited, not only those this process saw activity in. */
const FULL_SWEEP_EVERY = 10;
/** How long (clock ms) after its last event a shard counts as active: longer than any wait-loop turn. */
const ACTIVE_FOR_MS = 5 * 60_000;
/**
 * While a call's first webhook is being answered the provider's live-call API cannot reach it yet
 * (Twilio: 21220 "not in-progress" while it rings; jambonz: unknown until the answer). A "gone" for
 * a call younger than the providers' webhook time-out (Twilio 15 s, jambonz 10 s) means "not yet".
 */
const FIRST_ANSWER_WINDOW_MS = 15_000;
/** How soon a caller not yet reachable is tried again (real ms). */
const NOT_YET_RETRY_MS = 250;
/**
 * A waiting caller's wait loop posts every announceEverySeconds. Three loops missed, and half a
 * minute more for slow webhooks, and the provider is asked whether the call is over: its final
 * status callback may have died with an instance (Twilio does not retry status callbacks).
 */
const silentAfterMs = (practice: Practice) => (3 * practice.announceEverySeconds + 30) * 1000;
/** A silent caller whose call is still live (or whose provider did not answer) is asked about again after this. */
const SILENT_RECHECK_MS = 60_000;
/** Silent callers asked about per shard per sweep: a burst (an instance died mid-rush) is spread over sweeps. */
const SILENT_BATCH = 20;

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
  /** Shards this process has seen events in, with when (clock ms): what the sweep visits. */
  private readonly activeShards = new Map<string, number>();
  private sweeps = 0;
  readonly closures: Closures;

  readonly callbacks: CallbackFlow;

  constructor(private readonly deps: CallFlowDeps) {
    this.closures = new Closures(deps.queue);
    this.callbacks = new CallbackFlow(deps, this);
  }

  private get directory() {
    return this.deps.directory();
  }

  private now() {
    return this.deps.clock.now();
  }

  /**
   * A new call: it exists from now, in the IVR stage. Closed → the out-of-hours message and no
   * queue; a priority line with a team of its own goes straight there; then the menu, if any.
   * Every way into a team (toTeam) checks that team's hours and closures.
   */
  async incoming(call: InboundCall): Promise<Instruction[]> {
    const { practice } = call;
    const shard = this.directory.shard(practice);
    const callId = callIdOf(call.provider, call.providerCallId);
    // The practice's closures come with the call's state: the greeting needs them next.
    const arrived = await this.deps.queue.arrive(shard, { callId, practice: practice.ods, from: call.from, provider: call.provider, providerCallId: call.providerCallId, silentAfterMs: silentAfterMs(practice), retentionMs: retentionMs(practice) }, this.now());
    const { state } = arrived;
    const closures = Closures.fromStored(arrived.closures, this.now());
    const greeting: Instruction = { verb: 'say', text: practice.greeting ?? prompts.greeting(practice.name) };
    // A repeated webhook for a call already past the IVR: where it stands now.
    if (state !== 'ivr') return this.joinQueue(call, this.defaultTeam(practice).key, { intro: [greeting] });
    const opening = practiceOpening(this.directory, practice, closures, this.now());
    if (!opening.open) {
      await this.deps.queue.markClosed(shard, callId);
      this.deps.log.info({ callId, practice: practice.ods }, 'call while closed');
      return [greeting, { verb: 'say', text: prompts.outOfHours(practice.outOfHoursMessage, opening.reopens) }, { verb: 'hangup' }];
    }
    this.deps.callers?.arrived({ callId, practice, from: call.from });
    const intro: Instruction[] = [greeting, ...(practice.emergencyPreamble ? [{ verb: 'say', text: practice.emergencyPreamble } as const] : []), ...(this.deps.recordings?.announcement(practice) ?? [])];
    const line = priorityLineOf(practice, call.from, call.to);
    if (line?.team) return this.toTeam(call, this.directory.team(practice, line.team)!, { intro, priority: true, route: `priority:${line.name ?? line.team}` }, closures);
    if (!practice.menu) return this.toTeam(call, this.defaultTeam(practice), { intro, priority: !!line, route: line ? `priority:${line.name ?? 'line'}` : undefined }, closures);
    return [...intro, this.gather(practice.menu, '', 1)];
  }

  /**
   * The caller answered a menu (`digits`), or did not (undefined). A wrong key or none replays it
   * up to `attempts` times, then the caller goes to the menu's default team: nobody is cut off.
   */
  async menu(call: InboundCall, path: string, attempt: number, digits: string | undefined): Promise<Instruction[]> {
    const { practice } = call;
    const menu = menuAt(practice, path);
    const action = digits ? menu?.options[digits] : undefined;
    if (action) return this.choose(call, action, path + digits);
    if (menu && attempt < menu.attempts) {
      return [{ verb: 'say', text: digits ? prompts.notAnOption() : prompts.noChoice() }, this.gather(menu, path, attempt + 1)];
    }
    const fallback = this.directory.team(practice, menu?.default ?? practice.teams[0]!.id)!;
    return this.toTeam(call, fallback, { intro: [{ verb: 'say', text: prompts.menuFallback(fallback.team.name) }], priority: this.isPriority(call), route: `menu:${path}default` });
  }

  private async choose(call: InboundCall, action: MenuAction, path: string): Promise<Instruction[]> {
    if ('menu' in action) return [this.gather(action.menu, path, 1)];
    if ('say' in action) return [{ verb: 'say', text: action.say }, { verb: 'say', text: prompts.goodbye() }, { verb: 'hangup' }];
    if ('transfer' in action) return [{ verb: 'say', text: prompts.transferring() }, { verb: 'transfer', number: action.transfer }];
    return this.toTeam(call, this.directory.team(call.practice, action.team)!, { intro: [], priority: this.isPriority(call), route: `menu:${path}` });
  }

  private gather(menu: Menu, path: string, attempt: number): Instruction {
    return { verb: 'gather', prompt: [{ verb: 'say', text: menu.prompt }], numDigits: 1, timeoutSeconds: menu.timeoutSeconds, next: { step: 'menu', path, attempt } };
  }

  private isPriority(call: InboundCall): boolean {
    return priorityLineOf(call.practice, call.from, call.to) !== undefined;
  }

  private defaultTeam(practice: Practice): TeamRef {
    return this.directory.team(practice, practice.menu?.default ?? practice.teams[0]!.id)!;
  }

  /**
   * A team that keeps hours of its own (or has a closure) may be closed while its practice is open.
   * `closures`: the caller's practice's, when this webhook has already read them; otherwise the
   * team's practice's closures are checked by the queue step itself (joinQueue).
   */
  private async toTeam(call: InboundCall, team: TeamRef, joining: Joining, closures?: Closure[]): Promise<Instruction[]> {
    const known = !team.practice ? [] : team.practice.ods === call.practice.ods ? closures : undefined;
    if (!teamOpen(this.directory, team, known ?? [], this.now())) return this.teamClosed(call, team, joining);
    return this.joinQueue(call, team.key, joining, known ? undefined : team);
  }

  private async teamClosed(call: InboundCall, team: TeamRef, joining: Joining): Promise<Instruction[]> {
    await this.deps.queue.markClosed(this.directory.shard(call.practice), callIdOf(call.provider, call.providerCallId));
    return [...joining.intro, { verb: 'say', text: team.team.closedMessage ?? prompts.teamClosed(team.team.name) }, { verb: 'hangup' }];
  }

  private async openNow(team: TeamRef): Promise<boolean> {
    return teamOpen(this.directory, team, team.practice ? await this.practiceClosures(team.practice) : [], this.now());
  }

  /**
   * Queue the caller (once) and either connect them at once or tell them where they stand.
   * `unchecked`: a team whose practice's closures have not been read: the queue step refuses while
   * that practice has any, and they are judged here (one round trip on a day without closures).
   */
  private async joinQueue(call: InboundCall, team: string, joining: Joining, unchecked?: TeamRef): Promise<Instruction[]> {
    const { practice } = call;
    const shard = this.markActive(this.directory.shard(practice));
    const callId = callIdOf(call.provider, call.providerCallId);
    const adjusted = await this.deps.callers?.joining({ callId, practice, from: call.from });
    const adjustedTeam = adjusted?.team ? this.directory.team(practice, adjusted.team) : undefined;
    // The team the caller chose is judged first, as for anyone (rare: a flagged caller, one read).
    if (adjustedTeam && unchecked) {
      if (!(await this.openNow(unchecked))) return this.teamClosed(call, unchecked, joining);
      unchecked = undefined;
    }
    // The adjustment's team is a way into a team like any other: while it is closed, the caller keeps their ordinary route.
    if (adjusted) [team, joining] = [adjustedTeam && (await this.openNow(adjustedTeam)) ? adjustedTeam.key : team, { ...joining, priority: joining.priority || adjusted.priority }];
    const queued: NewCall = { callId, team, practice: practice.ods, from: call.from, provider: call.provider, providerCallId: call.providerCallId, priority: joining.priority, route: joining.route, silentAfterMs: silentAfterMs(practice), retentionMs: retentionMs(practice) };
    // Queued and paired in one step: no other pairing can reach this caller before we answer them.
    const dispatch = { teams: this.walk(shard, [team]), leaseMs: this.leaseMs(shard) };
    let step = await this.deps.queue.enqueueUnlessClosures(shard, unchecked?.practice?.ods ?? '', queued, this.now(), dispatch);
    if ('closures' in step) {
      if (!teamOpen(this.directory, unchecked!, Closures.fromStored(step.closures, this.now()), this.now())) return this.teamClosed(call, unchecked!, joining);
      step = await this.deps.queue.enqueue(shard, queued, this.now(), dispatch);
    }
    const { pairs, ...view } = step;
    this.deps.log.info({ callId, practice: practice.ods, team, caller: maskNumber(call.from), position: view.position, route: joining.route }, 'call queued');
    const own = await this.connectAll(shard, pairs, callId);
    if (own) return [...joining.intro, ...own];
    if (view.state === 'ended') return [{ verb: 'hangup' }];
    if (view.state !== 'queued') return [...joining.intro, ...this.holdThenWait(practice)];
    return [...joining.intro, ...this.announceAndHold(call, view, await this.deps.callers?.callbackAtOnce(practice, callId))];
  }

  practiceClosures(practice: Practice): Promise<Closure[]> {
    return this.closures.list(this.directory.shard(practice), practice.ods, this.now());
  }

  /** The caller's wait loop comes round: say where they are now. */
  async wait(call: InboundCall): Promise<Instruction[]> {
    const shard = this.markActive(this.directory.shard(call.practice));
    const view = await this.deps.queue.position(shard, callIdOf(call.provider, call.providerCallId), this.now(), silentAfterMs(call.practice));
    switch (view.state) {
      case 'queued':
        return this.announceAndHold(call, view, await this.deps.callers?.callbackAtOnce(call.practice, callIdOf(call.provider, call.providerCallId)));
      case '':
      case 'ivr':
        // Redis has no record of this call (it was lost or expired): queue it again rather than drop it.
        return this.joinQueue(call, this.defaultTeam(call.practice).key, { intro: [] });
      case 'connecting':
      case 'talking':
        // A connect is under way and will replace this loop; hold quietly until it does.
        return this.holdThenWait(call.practice, 5);
      default:
        return [{ verb: 'hangup' }];
    }
  }

  /**
   * The staff leg ended: after a conversation, say goodbye; if nobody answered, back to the queue.
   * talkSeconds as the provider measured it, or undefined to measure from staffAnswered.
   */
  async dialResult(call: InboundCall, staffId: string, outcome: DialOutcome, talkSeconds: number | undefined): Promise<Instruction[]> {
    const staff = this.directory.staff(staffId);
    const shard = this.markActive(this.directory.shard(call.practice));
    const callId = callIdOf(call.provider, call.providerCallId);
    const wrapMs = (staff ? this.directory.staffPractice(staff) : call.practice).wrapUpSeconds * 1000;
    // Put back in the queue, the caller is paired again in the same step (someone else may be free now) and told their place.
    const { result, view, pairs } = await this.deps.queue.dialEnded(shard, callId, staffId, outcome, talkSeconds, wrapMs, this.now(), { teams: this.walk(shard, []), leaseMs: this.leaseMs(shard), silentAfterMs: silentAfterMs(call.practice) });
    this.deps.log.info({ callId, staffId, outcome, result }, 'dial ended');
    if (result === 'wrap-up') {
      this.scheduleWrapUpRelease(shard, wrapMs);
      return [{ verb: 'say', text: prompts.goodbye() }, { verb: 'hangup' }];
    }
    if (result === 'requeued') {
      const own = await this.connectAll(shard, pairs, callId);
      if (own) return own;
      return [{ verb: 'say', text: prompts.stillWaiting() }, ...this.announceAndHold(call, view!)];
    }
    // Stale: this connect was already settled (its lease ran out and the sweep put the caller back,
    // or it was reported twice). The caller is wherever Redis says: carry on from there, never hang up on a queued caller.
    return this.wait(call);
  }

  async staffAnswered(call: InboundCall, staffId: string): Promise<void> {
    const callId = callIdOf(call.provider, call.providerCallId);
    if (await this.deps.queue.staffAnswered(this.directory.shard(call.practice), callId, staffId, this.now())) await this.deps.recordings?.answered(call.practice, callId, call.providerCallId, 'call');
  }

  /** The caller's call is over, however it ended. */
  async ended(call: InboundCall): Promise<void> {
    const { practice } = call;
    const shard = this.markActive(this.directory.shard(practice));
    const callId = callIdOf(call.provider, call.providerCallId);
    this.deps.callers?.ended(callId);
    const staff = (id: string) => this.directory.staff(id);
    const end = await this.deps.queue.endCall(shard, callId, practice.ods, retentionMs(practice), practice.wrapUpSeconds * 1000, this.now(), reportCounting(practice));
    if (end.result === 'duplicate') return;
    this.deps.log.info({ callId, outcome: end.outcome }, 'call ended');
    if (end.outcome === 'answered') await this.deps.recordings?.ended(practice, callId);
    const member = staff(end.staffId);
    if (!member) return;
    if (end.staffNext === 'wrap-up') this.scheduleWrapUpRelease(shard, this.directory.staffPractice(member).wrapUpSeconds * 1000);
    if (end.staffNext === 'idle') await this.pairAndConnect(shard, this.directory.staffTeamKeys(member));
  }

  /** `endWrapUp`: ready for the next caller now, not when wrap-up time runs out. */
  async setPresence(staff: Staff, presence: Presence, endWrapUp = false): Promise<{ presence: Presence; activity: string; notInWrapUp?: true }> {
    const practice = this.directory.staffPractice(staff);
    const shard = this.markActive(this.directory.shard(practice));
    const served = this.directory.staffTeams(staff);
    const teams = served.map((t) => t.key);
    const state = await this.deps.queue.setPresence(shard, staff.id, presence, teams, this.now(), served.map((t) => t.priority), reportCounting(practice).ttlMs, endWrapUp);
    this.deps.log.info({ staffId: staff.id, presence }, 'presence set');
    if (presence === 'available') await this.pairAndConnect(shard, teams);
    return state;
  }

  /**
   * The safety net every process runs on a timer: put back callers whose connect was never
   * reported (its process died), release finished wrap-ups, overflow long waits, pair anyone left
   * waiting with free staff (one Lua script per shard), and ask the provider about waiting callers
   * gone silent (their final status callback was lost). Only shards this process has seen activity
   * in lately are visited each time; every shard is visited every FULL_SWEEP_EVERY sweeps, for work
   * another process left behind. An idle England costs next to nothing per second.
   */
  async sweep(): Promise<void> {
    const now = this.now();
    const full = this.sweeps++ % FULL_SWEEP_EVERY === 0;
    const shards = full ? this.directory.shards : [...this.activeShards].filter(([, at]) => now - at < ACTIVE_FOR_MS).map(([shard]) => shard);
    await Promise.all(
      shards.map(async (shard) => {
        await this.applyOverflow(shard, now);
        // Silent callers come back from the same round trip (one O(log n) look-up when nobody is silent); the provider's answers are not waited for.
        for (const silent of await this.sweepShard(shard, { recheckMs: SILENT_RECHECK_MS, limit: SILENT_BATCH })) this.track(this.reconcile(silent));
      }),
    );
    for (const [shard, at] of this.activeShards) if (now - at >= ACTIVE_FOR_MS) this.activeShards.delete(shard);
  }

  /** Something happened in this shard that may leave work for the sweep (callers waiting, staff ringing or in wrap-up). */
  markActive(shard: string): string {
    this.activeShards.set(shard, this.now());
    return shard;
  }

  /** A waiting caller gone silent: ended as their status callback would have ended them, if the provider says the call is over. */
  private async reconcile(silent: SilentCall): Promise<void> {
    const practice = this.directory.practice(silent.practice);
    const control = this.deps.liveCalls(silent.provider);
    if (!practice || !control.status) return;
    let status: 'live' | 'over';
    try {
      status = await control.status({ practice, callId: silent.callId, providerCallId: silent.providerCallId });
    } catch (err) {
      this.deps.log.warn({ err, callId: silent.callId }, 'silent caller: the provider did not say whether the call is over; asking again later');
      return;
    }
    this.deps.log.info({ callId: silent.callId, status }, 'silent caller checked');
    if (status === 'over') await this.ended({ provider: silent.provider, providerCallId: silent.providerCallId, practice, from: '' });
  }

  /** Resolves when connects and timers started by this process have settled (for shutdown). */
  async settle(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    // Work that settles can start more (a released wrap-up connects the next caller): until none is left.
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Offer long-waiting callers (or those beyond a queue's limit) to the teams their team overflows to. */
  private async applyOverflow(shard: string, now: number): Promise<void> {
    if (!this.directory.teamsOfShard(shard).some((t) => t.team.overflow.length > 0)) return;
    const members = this.directory.practicesOfShard(shard);
    const closures = new Map(await Promise.all(members.map(async (p) => [p.ods, await this.practiceClosures(p)] as const)));
    const offers = await this.deps.queue.overflow(shard, overflowOffers(this.directory, shard, (t) => (t.practice ? closures.get(t.practice.ods) ?? [] : []), now), now);
    for (const offer of offers) this.deps.log.info({ callId: offer.callId, to: offer.to }, 'caller overflowed');
  }

  /** Position and wait, then hold; with a call-back offer when the wait is long enough. */
  private announceAndHold(call: InboundCall, view: QueueView, callbackAtOnce = false): Instruction[] {
    const { practice } = call;
    const announcement: Instruction = { verb: 'say', text: `${prompts.position(view.position)} ${prompts.wait(this.deps.waits.estimate(practice, view))}` };
    const [hold, loop] = this.holdThenWait(practice) as [Prompt, Instruction];
    if (this.callbacks.offerable(call, view, callbackAtOnce)) return this.callbacks.offer(practice, [announcement as Prompt, hold]);
    return [announcement, hold, loop];
  }

  private holdThenWait(practice: Practice, seconds = practice.announceEverySeconds): Instruction[] {
    const hold: Instruction = practice.holdMusicUrl && seconds === practice.announceEverySeconds
      ? { verb: 'play', url: practice.holdMusicUrl }
      : { verb: 'pause', seconds };
    return [hold, { verb: 'redirect', next: { step: 'wait' } }];
  }

  private dialInstructions(practice: Practice, staff: Staff, ringSeconds: number, callId: string): Instruction[] {
    const record = this.deps.recordings?.dialRecord(practice, callId, 'call');
    return [
      { verb: 'say', text: prompts.connecting() },
      {
        verb: 'dial',
        endpoint: staff.endpoint,
        timeoutSeconds: ringSeconds,
        onAnswer: { step: 'staff-answered', staffId: staff.id },
        onEnd: { step: 'dial-result', staffId: staff.id },
        ...(record ? { record } : {}),
      },
    ];
  }

  /**
   * Pair waiting callers with free staff in these teams (in order). Each pairing is connected
   * through the provider's live-call API, except `ownCallId`'s, whose instructions are returned so
   * the current webhook can answer with them directly.
   */
  async pairAndConnect(shard: string, teams: string[], ownCallId?: string): Promise<Instruction[] | undefined> {
    return this.connectAll(shard, await this.deps.queue.dispatch(shard, this.walk(shard, teams), this.now(), this.leaseMs(shard)), ownCallId);
  }

  /** Teams to pair in, these first; the rest of the shard's follow: staff held back for a team they serve first must still be used there. */
  private walk(shard: string, teams: string[]): string[] {
    return [...new Set([...teams, ...this.shardTeams(shard)])];
  }

  /** The shard's upkeep (see sweep), then its pairings connected; the callers gone silent when asked for. */
  private async sweepShard(shard: string, silent?: { recheckMs: number; limit: number }): Promise<SilentCall[]> {
    const swept = await this.deps.queue.sweep(shard, this.shardTeams(shard), this.now(), this.leaseMs(shard), silent);
    await this.connectAll(shard, swept.pairs);
    return swept.silent;
  }

  private shardTeams(shard: string): string[] {
    return this.directory.teamsOfShard(shard).map((t) => t.key);
  }

  /** How long a connect may stay unreported before the sweep puts the caller back. */
  private leaseMs(shard: string): number {
    const rings = this.directory.practicesOfShard(shard).flatMap((p) => [p.ringSeconds, p.patientLookup?.adjustments?.ringSeconds ?? 0]);
    return (rings.length > 0 ? Math.max(...rings) : 20) * 1000 + CONNECT_LEASE_MARGIN_MS;
  }

  private async connectAll(shard: string, pairs: Pairing[], ownCallId?: string): Promise<Instruction[] | undefined> {
    let own: Instruction[] | undefined;
    for (const pair of pairs) {
      if (pair.kind === 'callback') {
        this.track(this.callbacks.connect(shard, pair));
        continue;
      }
      const instructions = await this.instructionsFor(pair);
      if (!instructions) continue;
      if (pair.callId === ownCallId) own = instructions;
      else this.track(this.connect(shard, pair, instructions));
    }
    return own;
  }

  private async instructionsFor(pair: Pairing): Promise<Instruction[] | undefined> {
    const practice = this.directory.practice(pair.practice);
    const staff = this.directory.staff(pair.staffId);
    if (!practice || !staff) {
      this.deps.log.error({ callId: pair.callId, staffId: pair.staffId }, 'paired call or staff is not in the directory');
      return undefined;
    }
    return this.dialInstructions(practice, staff, (await this.deps.callers?.ringSeconds(practice, pair.callId)) ?? practice.ringSeconds, pair.callId);
  }

  private async connect(shard: string, pair: Pairing, instructions: Instruction[]): Promise<void> {
    const practice = this.directory.practice(pair.practice)!;
    const live: LiveCall = { practice, callId: pair.callId, providerCallId: pair.providerCallId };
    const call: InboundCall = { provider: pair.provider, providerCallId: pair.providerCallId, practice, from: '' };
    try {
      const result = await this.deps.liveCalls(pair.provider).redirect(live, instructions);
      const notYet = result === 'gone' && this.deps.clock.realDelay(this.now() - pair.arrivedAt) < FIRST_ANSWER_WINDOW_MS;
      this.deps.log.info({ callId: pair.callId, staffId: pair.staffId, result: notYet ? 'not-yet-answered' : result }, 'connect sent');
      if (notYet) {
        // Nobody was rung: the caller goes back to the head with the same staff free, and is tried again.
        await this.deps.queue.dialResult(shard, pair.callId, pair.staffId, 'connect-failed', 0, 0, this.now());
        this.later(NOT_YET_RETRY_MS, () => this.pairAndConnect(shard, []));
      } else if (result === 'gone') {
        // The caller hung up before we reached them: end the call now rather than wait for its status webhook.
        await this.ended(call);
      }
    } catch (err) {
      this.deps.log.warn({ err, callId: pair.callId, staffId: pair.staffId }, 'connect failed; caller back to the head of the queue');
      await this.deps.queue.dialResult(shard, pair.callId, pair.staffId, 'connect-failed', 0, 0, this.now());
    }
  }

  scheduleWrapUpRelease(shard: string, wrapMs: number): void {
    this.later(this.deps.clock.realDelay(wrapMs) + 20, () => this.sweepShard(shard));
  }

  /** Runs `work` after `realMs`, tracked so shutdown waits for it or cancels it. */
  private later(realMs: number, work: () => Promise<unknown>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.track(work());
    }, realMs);
    this.timers.add(timer);
  }

  private track(work: Promise<unknown>): void {
    const p = work.catch((err: unknown) => this.deps.log.error({ err }, 'background call work failed'));
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }
}
