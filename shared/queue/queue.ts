import type { Cluster, Redis } from 'ioredis';
import { statsArgv } from '../stats/layout.js';
import { runScript } from './commands/index.js';

/** How the reports count a call as it ends: the practice's answer target and how long the figures are kept. */
export interface ReportCounting {
  answerTargetSeconds: number;
  ttlMs: number;
}

export type CallState = 'ivr' | 'queued' | 'connecting' | 'talking' | 'talked' | 'ended' | 'new';
export type Presence = 'available' | 'away' | 'offline';
export type DialOutcome = 'answered' | 'no-answer' | 'busy' | 'failed' | 'connect-failed';

/** What a waiting caller can be told, read in one round trip. */
export interface QueueView {
  /** '' when Redis has never heard of the call. */
  state: CallState | '';
  /** 1-based; 0 when the caller is not waiting. */
  position: number;
  waiting: number;
  /** The team's average handle time in seconds (talk + wrap-up), when there is any history. */
  handleSeconds?: number;
  handleSamples: number;
  /** Staff signed in (available, on a call or in wrap-up) who serve the team. */
  staffOn: number;
  /** The team queue the caller is in ('' when not waiting). */
  team: string;
  /** Of those ahead, how many are call-backs holding a place (they never hang up). */
  callbacksAhead: number;
  /** When the longest-waiting caller ahead was queued (ms); none when nobody ahead is a caller on the line. */
  aheadSince?: number;
}

export interface NewCall {
  callId: string;
  team: string;
  practice: string;
  from: string;
  provider: string;
  providerCallId: string;
  /** A priority line's caller: ahead of every other caller in the queue. */
  priority?: boolean;
  /** How they got here, e.g. `menu:2` or `priority:Care homes`, for the call record. */
  route?: string;
  /** How long the caller's wait loop (or IVR stage) may go without a webhook before their provider is asked whether the call is over (0 or absent: never). */
  silentAfterMs?: number;
  /** The longest the call's hash (which holds the caller's number) may live: the practice's record retention. */
  retentionMs?: number;
}

/** A caller queued: their view after the step's pairing, and the pairings it made. */
export type Enqueued = QueueView & { pairs: Pairing[] };

/** The record retention a call key is bounded by when none is given: the directory's default, 30 days. */
export const DEFAULT_RETENTION_MS = 30 * 86_400_000;

/** A waiting caller not heard from for too long (includes/silent.lua, run by the sweep). */
export interface SilentCall {
  callId: string;
  practice: string;
  provider: string;
  providerCallId: string;
}

/** An overflow rule in queue terms: a threshold of -1 is not set. */
export interface OverflowOffer {
  team: string;
  afterMs: number;
  whenMoreThan: number;
  to: string;
}

export interface Pairing {
  callId: string;
  staffId: string;
  practice: string;
  provider: string;
  providerCallId: string;
  /** A caller on the line, or a call-back to be made. */
  kind: 'call' | 'callback';
  /** When the call arrived (clock ms). */
  arrivedAt: number;
}

export type CallbackState = 'booked' | 'queued' | 'connecting' | 'talking' | 'talked' | 'retry-wait' | 'made' | 'failed' | 'cancelled';

export interface CallbackRecord {
  id: string;
  state: CallbackState;
  practice: string;
  team: string;
  /** The number to ring, in full: only for placing the call; mask it before it leaves the service. */
  number: string;
  /** The call the request was made on ('' when booked through the API). */
  origin: string;
  requestedAt: number;
  firstRingAt: number;
  attempts: number;
  windowStart?: number;
  windowEnd?: number;
  answeredAt?: number;
  endedAt?: number;
  failure?: string;
  staff?: string;
}

/** How a staff leg's end left the call (dialResult-1.lua); the view and pairings only when asked to requeue and pair. */
export interface DialEnd {
  result: 'wrap-up' | 'requeued' | 'stale';
  view?: QueueView;
  pairs: Pairing[];
}

export interface CallEnd {
  result: 'ended' | 'duplicate';
  outcome: string;
  staffId: string;
  staffNext: '' | 'idle' | 'wrap-up';
}

/** A shard as monitoring sees it (shared/queue/commands/snapshot-1.lua). */
export interface ShardSnapshot {
  teams: { team: string; waiting: number; oldestArrivedAt?: number }[];
  staff: { staffId: string; presence: string; activity: string }[];
}

/** Told of each queue script run: its name, how long it took, and whether it failed. */
export type CommandObserver = (command: string, seconds: number, failed: boolean) => void;

type Reply = (string | number)[];

/**
 * The authoritative queue. Every method is one atomic Lua script (shared/queue/commands) and one
 * round trip. Keys are `<keyPrefix>{<shard>}:...`; the shard is the practice's PCN, so all of a
 * PCN's keys share one Redis Cluster slot.
 */
export class CallQueue {
  onCommand?: CommandObserver;

  constructor(
    readonly redis: Redis | Cluster,
    readonly keyPrefix = 'sb:',
  ) {}

  prefix(shard: string): string {
    return `${this.keyPrefix}{${shard}}:`;
  }

  /** Runs a script (one round trip); a script that changed state publishes its shard's change notice itself (changes.ts). */
  private async run(name: string, keys: string[], args: (string | number)[]): Promise<Reply> {
    const started = performance.now();
    const done = (failed: boolean) => this.onCommand?.(name, (performance.now() - started) / 1000, failed);
    let reply: Reply;
    try {
      reply = (await runScript(this.redis, name, keys, args)) as Reply;
    } catch (err) {
      done(true);
      throw err;
    }
    done(false);
    return reply;
  }

  /** The call exists from its first webhook, in the IVR stage; returns the state it is in. */
  async begin(shard: string, call: Omit<NewCall, 'team'>, now: number): Promise<CallState> {
    return (await this.arrive(shard, call, now)).state;
  }

  /** As begin, with the practice's ad-hoc closures as stored (closures.ts), read in the same round trip. */
  async arrive(shard: string, call: Omit<NewCall, 'team'>, now: number): Promise<{ state: CallState; closures: string[] }> {
    const p = this.prefix(shard);
    const [state, ...closures] = await this.run('beginCall', [`${p}call:${call.callId}`], [p, now, call.callId, call.practice, call.from, call.provider, call.providerCallId, call.silentAfterMs ?? 0, call.retentionMs ?? DEFAULT_RETENTION_MS]);
    return { state: state as CallState, closures: closures.map(String) };
  }

  /** Queues the caller, then (given `dispatch`) pairs waiting callers with free staff in the same step. */
  async enqueue(shard: string, call: NewCall, now: number, dispatch?: { teams: string[]; leaseMs: number }): Promise<Enqueued> {
    return (await this.enqueueUnlessClosures(shard, '', call, now, dispatch)) as Enqueued;
  }

  /**
   * As enqueue, but only while the practice `ods` has no ad-hoc closure that has not ended: if it
   * has, nothing is done and its closures (as stored) come back for the caller to judge.
   */
  async enqueueUnlessClosures(shard: string, ods: string, call: NewCall, now: number, dispatch?: { teams: string[]; leaseMs: number }): Promise<Enqueued | { closures: string[] }> {
    const p = this.prefix(shard);
    const r = await this.run('enqueueCall', [`${p}call:${call.callId}`], [p, now, call.callId, call.team, call.practice, call.from, call.provider, call.providerCallId, call.priority ? 1 : 0, call.route ?? '', call.silentAfterMs ?? 0, dispatch?.leaseMs ?? 0, call.retentionMs ?? DEFAULT_RETENTION_MS, ods, ...(dispatch?.teams ?? [])]);
    if (r[0] === 'closures') return { closures: r.slice(1).map(String) };
    return { ...toView(r.slice(0, VIEW_FIELDS)), pairs: toPairings(r.slice(VIEW_FIELDS)) };
  }

  /** Notes on the call that it met a closed practice or team (its record says so). */
  async markClosed(shard: string, callId: string): Promise<void> {
    await this.redis.hset(`${this.prefix(shard)}call:${callId}`, 'closed', '1');
  }

  /** Applies overflow rules; returns the offers made now. */
  async overflow(shard: string, rules: OverflowOffer[], now: number): Promise<{ callId: string; to: string }[]> {
    if (rules.length === 0) return [];
    const p = this.prefix(shard);
    const r = await this.run('overflow', [`${p}seq`], [p, now, ...rules.flatMap((x) => [x.team, x.afterMs, x.whenMoreThan, x.to])]);
    const offers: { callId: string; to: string }[] = [];
    for (let i = 0; i < r.length; i += 2) offers.push({ callId: String(r[i]), to: String(r[i + 1]) });
    return offers;
  }

  /** Where a caller stands; with `silentAfterMs` (a caller's wait loop), they were heard from now. */
  async position(shard: string, callId: string, now: number, silentAfterMs = 0): Promise<QueueView> {
    const p = this.prefix(shard);
    return toView(await this.run('queuePosition', [`${p}call:${callId}`], [p, now, callId, silentAfterMs]));
  }

  /** Waiting callers silent past their time, each handed out at most once per `recheckMs`. */
  async dispatch(shard: string, teams: string[], now: number, leaseMs: number): Promise<Pairing[]> {
    if (teams.length === 0) return [];
    const p = this.prefix(shard);
    return toPairings(await this.run('dispatch', [`${p}seq`], [p, now, leaseMs, ...teams]));
  }

  /**
   * A shard's upkeep in one round trip (sweepShard-2.lua): expired connects put back, finished
   * wrap-ups released, then dispatch; with `silent`, also the waiting callers
   * gone silent, each handed out once per `recheckMs`, at most `limit` of them.
   */
  async sweep(shard: string, teams: string[], now: number, leaseMs: number, silent?: { recheckMs: number; limit: number }): Promise<{ reaped: number; released: number; pairs: Pairing[]; silent: SilentCall[] }> {
    const p = this.prefix(shard);
    const r = await this.run('sweepShard', [`${p}seq`, `${p}heard`], [p, now, leaseMs, silent?.recheckMs ?? 0, silent?.limit ?? 0, ...teams]);
    const silentFields = 4 * Number(r[2] ?? 0);
    const found = r.slice(r.length - silentFields).map(String);
    const calls: SilentCall[] = [];
    for (let i = 0; i < found.length; i += 4) calls.push({ callId: found[i]!, practice: found[i + 1]!, provider: found[i + 2]!, providerCallId: found[i + 3]! });
    return { reaped: Number(r[0] ?? 0), released: Number(r[1] ?? 0), pairs: toPairings(r.slice(3, r.length - silentFields)), silent: calls };
  }

  async staffAnswered(shard: string, callId: string, staffId: string, now: number): Promise<boolean> {
    const p = this.prefix(shard);
    const [result] = await this.run('staffAnswered', [`${p}call:${callId}`], [p, now, callId, staffId]);
    return result === 'talking';
  }

  /** talkSeconds undefined: the provider does not report it, so it is measured from the recorded answer. */
  async dialResult(shard: string, callId: string, staffId: string, outcome: DialOutcome, talkSeconds: number | undefined, wrapMs: number, now: number): Promise<DialEnd['result']> {
    return (await this.dialEnded(shard, callId, staffId, outcome, talkSeconds, wrapMs, now)).result;
  }

  /**
   * As dialResult; given `requeue`, a caller put back is paired in the same step (as dispatch, over
   * `requeue.teams`) and, when still waiting, heard from: the caller's view comes back with the pairings.
   */
  async dialEnded(shard: string, callId: string, staffId: string, outcome: DialOutcome, talkSeconds: number | undefined, wrapMs: number, now: number, requeue?: { teams: string[]; leaseMs: number; silentAfterMs: number }): Promise<DialEnd> {
    const p = this.prefix(shard);
    const r = await this.run('dialResult', [`${p}call:${callId}`], [p, now, callId, staffId, outcome, talkSeconds ?? '', wrapMs, ...(requeue ? [requeue.leaseMs, requeue.silentAfterMs, ...requeue.teams] : [])]);
    const result = r[0] as DialEnd['result'];
    return result === 'requeued' && requeue ? { result, view: toView(r.slice(1, 1 + VIEW_FIELDS)), pairs: toPairings(r.slice(1 + VIEW_FIELDS)) } : { result, pairs: [] };
  }

  /** `reports`: how the reports count the call (shared/reports/retention.ts); without it, a 120 s target and the call record's retention. */
  async endCall(shard: string, callId: string, practice: string, retentionMs: number, wrapMs: number, now: number, reports?: ReportCounting): Promise<CallEnd> {
    const p = this.prefix(shard);
    const [result, outcome, staffId, staffNext] = await this.run('endCall', [`${p}call:${callId}`], [p, now, callId, practice, retentionMs, wrapMs, ...statsArgv(now), reports?.answerTargetSeconds ?? '', reports?.ttlMs ?? '']);
    return { result: result as CallEnd['result'], outcome: String(outcome), staffId: String(staffId), staffNext: staffNext as CallEnd['staffNext'] };
  }

  /**
   * `priorities` (1 first) run parallel to `teams`; all 1 when not given. `reportTtlMs`: how long the
   * reports keep the person's figures (shared/reports/retention.ts). `endWrapUp`: the person also
   * ends their wrap-up now (refused, nothing changed, when they are not in wrap-up).
   */
  async setPresence(shard: string, staffId: string, presence: Presence, teams: string[], now: number, priorities: number[] = teams.map(() => 1), reportTtlMs?: number, endWrapUp = false): Promise<{ presence: Presence; activity: string; notInWrapUp?: true }> {
    const p = this.prefix(shard);
    const [pres, activity, refused] = await this.run('setPresence', [`${p}staff:${staffId}`], [p, now, staffId, presence, teams.join(','), priorities.join(','), reportTtlMs ?? '', endWrapUp ? '1' : '']);
    return { presence: pres as Presence, activity: String(activity), ...(refused ? { notInWrapUp: true as const } : {}) };
  }

  async snapshot(shard: string, teams: string[], staffIds: string[]): Promise<ShardSnapshot> {
    const p = this.prefix(shard);
    const r = await this.run('snapshot', [`${p}seq`], [p, teams.length, ...teams, ...staffIds]);
    return {
      teams: teams.map((team, i) => ({ team, waiting: Number(r[2 * i]), ...(r[2 * i + 1] === '' ? {} : { oldestArrivedAt: Number(r[2 * i + 1]) }) })),
      staff: staffIds.map((staffId, i) => ({ staffId, presence: String(r[2 * (teams.length + i)]), activity: String(r[2 * (teams.length + i) + 1]) })),
    };
  }

  async requestCallback(shard: string, callId: string, callbackId: string, number: string, now: number, retentionMs = DEFAULT_RETENTION_MS): Promise<{ result: 'requested' | 'duplicate' | 'stale'; callbackId: string; position: number }> {
    const p = this.prefix(shard);
    const [result, id, position] = await this.run('requestCallback', [`${p}call:${callId}`], [p, now, callId, callbackId, number, retentionMs]);
    return { result: result as 'requested', callbackId: String(id), position: Number(position) };
  }

  async bookCallback(shard: string, b: { callbackId: string; team: string; practice: string; number: string; windowStart: number; windowEnd: number; origin: string; retentionMs?: number }, now: number): Promise<'booked' | 'duplicate'> {
    const p = this.prefix(shard);
    const [result] = await this.run('bookCallback', [`${p}call:cb:${b.callbackId}`], [p, now, b.callbackId, b.team, b.practice, b.number, b.windowStart, b.windowEnd, b.origin, b.retentionMs ?? DEFAULT_RETENTION_MS, ...statsArgv(now)]);
    return result as 'booked' | 'duplicate';
  }

  async requeueCallback(shard: string, callbackId: string, fromState: 'retry-wait' | 'booked' | 'failed', now: number, retentionMs = DEFAULT_RETENTION_MS): Promise<'queued' | 'stale'> {
    const p = this.prefix(shard);
    const [result] = await this.run('requeueCallback', [`${p}call:cb:${callbackId}`], [p, now, callbackId, fromState, retentionMs]);
    return result as 'queued' | 'stale';
  }

  async callbackAttemptFailed(shard: string, callbackId: string, staffId: string, maxAttempts: number, retentionMs: number, reason: string, now: number): Promise<{ result: 'retry' | 'failed' | 'stale'; attempts: number }> {
    const p = this.prefix(shard);
    const [result, attempts] = await this.run('callbackAttemptFailed', [`${p}call:cb:${callbackId}`], [p, now, callbackId, staffId, maxAttempts, retentionMs, reason]);
    return { result: result as 'retry', attempts: Number(attempts) };
  }

  async closeCallback(shard: string, callbackId: string, to: 'cancelled' | 'failed', reason: string, retentionMs: number, now: number): Promise<{ result: 'closed' | 'stale'; state: string }> {
    const p = this.prefix(shard);
    const [result, state] = await this.run('closeCallback', [`${p}call:cb:${callbackId}`], [p, now, callbackId, to, reason, retentionMs]);
    return { result: result as 'closed', state: String(state) };
  }

  async callback(shard: string, callbackId: string): Promise<CallbackRecord | undefined> {
    const row = await this.redis.hgetall(`${this.prefix(shard)}call:cb:${callbackId}`);
    return row.kind === 'callback' ? toCallback(callbackId, row) : undefined;
  }

  /** A practice's call-backs requested in [from, to), oldest first. */
  async callbacks(shard: string, practice: string, from: number, to: number): Promise<CallbackRecord[]> {
    const p = this.prefix(shard);
    const ids = await this.redis.zrangebyscore(`${p}callbacks:${practice}`, from, `(${to}`);
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(`${p}call:cb:${id}`);
    const rows = (await pipeline.exec()) ?? [];
    return rows.flatMap(([, row], i) => ((row as Record<string, string>).kind === 'callback' ? [toCallback(ids[i]!, row as Record<string, string>)] : []));
  }

  /** The patient picked up a call-back: the time every call-back figure is measured to. */
  async markCallbackAnswered(shard: string, callbackId: string, now: number): Promise<void> {
    await this.redis.hset(`${this.prefix(shard)}call:cb:${callbackId}`, 'answeredAt', now, 'patientAnswered', 1);
  }

  /** Remembers a number a waiting caller gave, until they confirm it; 'stale' (nothing kept) when the call is not waiting. */
  async setPendingCallbackNumber(shard: string, callId: string, number: string): Promise<'set' | 'stale'> {
    const p = this.prefix(shard);
    const [result] = await this.run('setPendingCallbackNumber', [`${p}call:${callId}`], [p, number]);
    return result as 'set' | 'stale';
  }

  async call(shard: string, callId: string): Promise<Record<string, string>> {
    return this.redis.hgetall(`${this.prefix(shard)}call:${callId}`);
  }

  async staff(shard: string, staffId: string): Promise<Record<string, string>> {
    return this.redis.hgetall(`${this.prefix(shard)}staff:${staffId}`);
  }

  /** Call records of a practice that ended in [from, to), oldest first. */
  async records(shard: string, practice: string, from: number, to: number): Promise<Record<string, string>[]> {
    const p = this.prefix(shard);
    const ids = await this.redis.zrangebyscore(`${p}cdrs:${practice}`, from, `(${to}`);
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(`${p}cdr:${id}`);
    const rows = (await pipeline.exec()) ?? [];
    return rows.map(([, row]) => row as Record<string, string>).filter((r) => r.callId);
  }
}

function toCallback(id: string, r: Record<string, string>): CallbackRecord {
  const num = (v: string | undefined) => (v ? Number(v) : undefined);
  return {
    id,
    state: r.state as CallbackState,
    practice: r.practice ?? '',
    team: r.team ?? '',
    number: r.number ?? '',
    origin: r.origin ?? '',
    requestedAt: Number(r.requestedAt),
    firstRingAt: Number(r.firstRingAt),
    attempts: Number(r.attempts ?? 0),
    ...(r.windowStart ? { windowStart: num(r.windowStart), windowEnd: num(r.windowEnd) } : {}),
    ...(r.patientAnswered ? { answeredAt: num(r.answeredAt) } : {}),
    ...(r.endedAt ? { endedAt: num(r.endedAt) } : {}),
    ...(r.failure ? { failure: r.failure } : {}),
    ...(r.staff ? { staff: r.staff } : {}),
  };
}

/** Pairings as dispatch and sweepShard return them: seven flat fields each. */
function toPairings(r: Reply): Pairing[] {
  const pairs: Pairing[] = [];
  for (let i = 0; i < r.length; i += 7) {
    const [callId, staffId, practice, provider, providerCallId, kind, arrivedAt] = r.slice(i, i + 7).map(String) as [string, string, string, string, string, string, string];
    pairs.push({ callId, staffId, practice, provider, providerCallId, kind: kind === 'callback' ? 'callback' : 'call', arrivedAt: Number(arrivedAt) });
  }
  return pairs;
}

/** The fields of a view in a script's reply (includes/position.lua). */
const VIEW_FIELDS = 9;

function toView(r: Reply): QueueView {
  const handle = r[3] === '' ? undefined : Number(r[3]);
  const since = r[8] === '' || r[8] === undefined ? undefined : Number(r[8]);
  return {
    state: String(r[0]) as QueueView['state'],
    position: Number(r[1]),
    waiting: Number(r[2]),
    ...(handle === undefined ? {} : { handleSeconds: handle }),
    handleSamples: Number(r[4]),
    staffOn: Number(r[5]),
    team: String(r[6] ?? ''),
    callbacksAhead: Number(r[7] ?? 0),
    ...(since === undefined ? {} : { aheadSince: since }),
  };
}
