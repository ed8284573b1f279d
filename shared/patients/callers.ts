import type { Cluster, Redis } from 'ioredis';
import type { AuditLog } from '../audit/audit.js';
import type { Directory } from '../directory/directory.js';
import type { Practice } from '../directory/types.js';
import type { Log } from '../log.js';
import { isWithheld, LookupFailure, numberForms, type ArrivingCall, type CallerAdjustments, type CallerLookup, type PatientLookup } from './lookup.js';

/** The actor the audit log names for the look-up the service makes itself as a call arrives. */
export const SERVICE_ACTOR = 'service:switchboard';
/** No call lasts this long: an entry another process's call-end never reached is dropped by then. */
const FORGET_AFTER_MS = 4 * 3_600_000;
const PRUNE_EVERY_MS = 60_000;
/** States in which a call can still be adjusted (not ended, not gone). */
const LIVE_STATES = new Set(['ivr', 'queued', 'connecting', 'talking']);

interface Entry {
  at: number;
  result: Promise<CallerLookup>;
  /** Set once the result is in, so that callers who must not wait can use it. */
  settled?: CallerLookup;
}

export interface CallerLookupsDeps {
  lookup: PatientLookup;
  redis: Redis | Cluster;
  keyPrefix: string;
  directory: () => Directory;
  audit: AuditLog;
  log: Log;
}

const flagged = (r: CallerLookup | undefined) => !!r && r.candidates.some((c) => c.reasonableAdjustment);
/** The outcome as the audit log and /metrics name it: no names, no numbers. */
export const outcomeLabel = (r: CallerLookup) => (r.outcome === 'unavailable' ? r.reason : r.outcome);

/**
 * Who is calling, per call, in this process's memory only: a look-up starts when a call arrives
 * (never awaited by the webhook that reports it) and its result is kept until the call ends. Every
 * look-up that reaches the clinical system is audited. Nothing found is written to Redis, logs or
 * metrics; the one thing Redis learns is that a call was adjusted (`adjusted` on the call, which the
 * call record copies), so that whichever process next handles the call treats it the same.
 */
export class CallerLookups implements CallerAdjustments {
  private readonly entries = new Map<string, Entry>();
  private readonly pruner: NodeJS.Timeout;
  /** Told each look-up's outcome label (for /metrics). */
  onOutcome?: (outcome: string) => void;

  constructor(private readonly deps: CallerLookupsDeps) {
    this.pruner = setInterval(() => this.prune(), PRUNE_EVERY_MS);
    this.pruner.unref();
  }

  close(): void {
    clearInterval(this.pruner);
    this.entries.clear();
  }

  arrived(call: ArrivingCall): void {
    if (!call.practice.patientLookup || this.entries.has(call.callId)) return;
    this.start(call, SERVICE_ACTOR);
  }

  async joining(call: ArrivingCall): Promise<{ team?: string; priority: boolean } | undefined> {
    const adjust = call.practice.patientLookup?.adjustments;
    const entry = this.entries.get(call.callId);
    // Only a decision that must be made now waits, and never past the budget (the look-up's own deadline).
    if (!adjust || !entry || !(adjust.team || adjust.headOfQueue || adjust.callbackAtOnce)) return undefined;
    if (!flagged(await entry.result)) return undefined;
    return { team: adjust.team, priority: adjust.headOfQueue };
  }

  async callbackAtOnce(practice: Practice, callId: string): Promise<boolean> {
    return !!practice.patientLookup?.adjustments?.callbackAtOnce && (await this.adjusted(practice, callId));
  }

  async ringSeconds(practice: Practice, callId: string): Promise<number> {
    const longer = practice.patientLookup?.adjustments?.ringSeconds;
    return longer !== undefined && (await this.adjusted(practice, callId)) ? longer : practice.ringSeconds;
  }

  ended(callId: string): void {
    this.entries.delete(callId);
  }

  /**
   * The caller of a call, for the member of staff it is put through to (the route has checked that
   * in Redis). Started here if this process did not see the call arrive; audited as shown to them.
   */
  async forStaff(call: ArrivingCall, staffId: string): Promise<CallerLookup> {
    const actor = `staff:${staffId}`;
    const result = await (this.entries.get(call.callId)?.result ?? this.start(call, actor));
    await this.deps.audit.record({ practice: call.practice.ods, actor, action: 'patient-lookup-shown', callId: call.callId, outcome: outcomeLabel(result), matches: result.candidates.length });
    return result;
  }

  /** Whether the practice has the look-up switched on (it is, unless a practice token switched it off). */
  async enabled(practice: Practice): Promise<boolean> {
    return (await this.deps.redis.exists(this.offKey(practice))) === 0;
  }

  async setEnabled(practice: Practice, enabled: boolean, actor: string): Promise<void> {
    if (enabled) await this.deps.redis.del(this.offKey(practice));
    else await this.deps.redis.set(this.offKey(practice), '1');
    // Entries already found stay for their calls' lives, but are shown to nobody once it is off (routes check).
    await this.deps.audit.record({ practice: practice.ods, actor, action: enabled ? 'lookup-enabled' : 'lookup-disabled' });
  }

  private offKey(practice: Practice): string {
    return `${this.deps.keyPrefix}patient-lookup-off:${practice.ods}`;
  }

  private callKey(practice: Practice, callId: string): string {
    return `${this.deps.keyPrefix}{${this.deps.directory().shard(practice)}}:call:${callId}`;
  }

  private start(call: ArrivingCall, actor: string): Promise<CallerLookup> {
    const entry: Entry = { at: Date.now(), result: this.run(call, actor) };
    entry.result = entry.result.then((r) => (entry.settled = r));
    this.entries.set(call.callId, entry);
    return entry.result;
  }

  /** Whether the practice's adjustments apply to this call: known here, else as another process marked it. */
  private async adjusted(practice: Practice, callId: string): Promise<boolean> {
    const settled = this.entries.get(callId)?.settled;
    if (settled) return flagged(settled);
    return (await this.deps.redis.hget(this.callKey(practice, callId), 'adjusted')) === '1';
  }

  /** One look-up, within the practice's budget; settles, never rejects. */
  private async run(call: ArrivingCall, actor: string): Promise<CallerLookup> {
    const settings = call.practice.patientLookup!;
    const signal = AbortSignal.timeout(settings.budgetMs);
    let result: CallerLookup;
    try {
      if (isWithheld(call.from)) result = { outcome: 'withheld', candidates: [] };
      else if (!(await this.enabled(call.practice))) result = { outcome: 'off', candidates: [] };
      else {
        const candidates = await this.deps.lookup.find(settings, numberForms(call.from), signal);
        result = { outcome: candidates.length > 0 ? 'matched' : 'no-match', candidates };
      }
    } catch (err) {
      const reason = signal.aborted ? 'timeout' : err instanceof LookupFailure ? err.reason : 'error';
      // The failure's own words name a host and a status, never a patient or a number.
      this.deps.log.warn({ callId: call.callId, practice: call.practice.ods, reason, detail: (err as Error).message }, 'patient lookup unavailable');
      result = { outcome: 'unavailable', reason, candidates: [] };
    }
    this.onOutcome?.(outcomeLabel(result));
    if (result.outcome !== 'withheld' && result.outcome !== 'off') {
      await this.deps.audit
        .record({ practice: call.practice.ods, actor, action: 'patient-lookup', callId: call.callId, outcome: outcomeLabel(result), matches: result.candidates.length })
        .catch((err: unknown) => this.deps.log.error({ err, callId: call.callId }, 'a patient lookup could not be audited'));
    }
    if (flagged(result) && settings.adjustments) await this.markAdjusted(call).catch((err: unknown) => this.deps.log.warn({ err, callId: call.callId }, 'could not mark the call adjusted'));
    return result;
  }

  private async markAdjusted(call: ArrivingCall): Promise<void> {
    const key = this.callKey(call.practice, call.callId);
    if (LIVE_STATES.has((await this.deps.redis.hget(key, 'state')) ?? '')) await this.deps.redis.hset(key, 'adjusted', '1');
  }

  private prune(): void {
    const before = Date.now() - FORGET_AFTER_MS;
    for (const [callId, entry] of this.entries) if (entry.at < before) this.entries.delete(callId);
  }
}
