import { randomBytes } from 'node:crypto';
import { callableNumber, keyedUkNumber } from '../callbacks/numbers.js';
import type { CallbackJob } from '../callbacks/scheduler.js';
import { atTime, bookableWindows, spokenTime, type BookableWindow } from '../callbacks/windows.js';
import type { Practice } from '../directory/types.js';
import { maskNumber } from '../log.js';
import type { Closure } from '../queue/closures.js';
import type { CallQueue, DialOutcome, Pairing, QueueView } from '../queue/queue.js';
import { reportCounting } from '../reports/retention.js';
import { callbackPrompts as say } from './callback-prompts.js';
import type { CallFlowDeps, InboundCall } from './flow.js';
import type { Instruction, Prompt } from './instructions.js';
import { callIdOf } from './ports.js';
import { closesToday, londonMoment } from './hours.js';
import { teamOpenDuring } from './routing.js';
import { londonMidnight } from '../london-time.js';

/** What the call-back flow borrows from the call flow it is part of. */
export interface CallbackHost {
  /** The caller's wait loop, from where they are now. */
  wait(call: InboundCall): Promise<Instruction[]>;
  pairAndConnect(shard: string, teams: string[]): Promise<unknown>;
  scheduleWrapUpRelease(shard: string, wrapMs: number): void;
  /** Notes activity in a shard, for the sweep; returns the shard. */
  markActive(shard: string): string;
  /** The practice's ad-hoc closures that have not ended. */
  practiceClosures(practice: Practice): Promise<Closure[]>;
}

const KEYED_NUMBER_TRIES = 3;
/** How long the practice keeps anything holding a caller's number. */
export const retentionMs = (practice: Practice) => practice.callRecordRetentionDays * 86_400_000;
/** How long a patient's phone rings on a call-back before it counts as not answered. */
const PATIENT_RING_SECONDS = 30;

/**
 * Call-back: a waiting caller hangs up and keeps their place. The request takes the caller's place
 * in the queue; when it reaches the front and a member of staff is free, the staff member's phone
 * is rung FIRST, and only once they have answered is the patient dialled, so a patient never
 * answers to silence or hold music. Unanswered call-backs are retried, then marked failed for staff.
 */
export class CallbackFlow {
  constructor(
    private readonly deps: CallFlowDeps,
    private readonly host: CallbackHost,
  ) {}

  private get directory() {
    return this.deps.directory();
  }

  private now() {
    return this.deps.clock.now();
  }

  /** Whether this waiting caller is offered a call-back now; whateverTheWait (a reasonable adjustment): even before the wait is long. */
  offerable(call: InboundCall, view: QueueView, whateverTheWait = false): boolean {
    const team = this.directory.teamByKey(view.team)?.team;
    const estimate = this.deps.waits.estimate(call.practice, view);
    return (
      !!team?.callback &&
      this.canCallBack(call.practice) &&
      callableNumber(call.from) !== undefined &&
      (whateverTheWait || (estimate.basis !== 'none' && estimate.seconds > call.practice.callbackOfferAfterSeconds))
    );
  }

  /** Whether the practice's provider can place the outbound calls a call-back is made of. */
  canCallBack(practice: Practice): boolean {
    const control = this.deps.liveCalls(practice.provider.kind);
    return !!control.placeCall && (control.canPlaceCall?.(practice) ?? true);
  }

  /** The announcement, with the offer, listening for a key while the caller holds. */
  offer(practice: Practice, announcement: Prompt[]): Instruction[] {
    const canBook = practice.callbackWindows.length > 0;
    const [spoken, ...hold] = announcement;
    return [{ verb: 'gather', numDigits: 1, timeoutSeconds: 1, next: { step: 'callback-offer' }, prompt: [...(spoken ? [spoken] : []), { verb: 'say', text: say.offer(canBook) }, ...hold] }];
  }

  /** 1: call me back (confirm the number); 2: book a time; nothing: the wait loop goes on; anything else: back to the queue. */
  async onOffer(call: InboundCall, digits: string): Promise<Instruction[]> {
    if (!digits) return this.host.wait(call);
    const own = callableNumber(call.from);
    if (digits === '1' && own) {
      // Only a caller still waiting can ask; for any other call nothing is kept and the wait loop says where it stands.
      if ((await this.deps.queue.setPendingCallbackNumber(this.shard(call.practice), this.callId(call), own)) === 'stale') return this.host.wait(call);
      return this.ask(say.confirmOwn(own), { step: 'callback-confirm' });
    }
    if (digits === '2' && own) {
      const { windows } = await this.bookable(call);
      if (windows.length > 0) return this.ask(say.chooseWindow(windows.map((w) => w.label)), { step: 'callback-book' });
    }
    return this.backToQueue(call);
  }

  /** 1: request the call-back on the pending number; 2: key in another. */
  async onConfirm(call: InboundCall, digits: string): Promise<Instruction[]> {
    const shard = this.shard(call.practice);
    const callId = this.callId(call);
    if (digits === '2') return this.askForNumber(1);
    if (digits !== '1') return this.backToQueue(call);
    const pending = (await this.deps.queue.call(shard, callId)).pendingCallbackNumber ?? callableNumber(call.from);
    if (!pending) return this.askForNumber(1);
    const callbackId = `${call.practice.ods}-${randomBytes(8).toString('hex')}`;
    const request = await this.deps.queue.requestCallback(shard, callId, callbackId, pending, this.now(), retentionMs(call.practice));
    if (request.result === 'stale') return this.backToQueue(call);
    this.deps.log.info({ callId, callbackId: request.callbackId, caller: maskNumber(pending), position: request.position }, 'call-back requested');
    const view = await this.deps.queue.position(shard, `cb:${request.callbackId}`, this.now());
    const estimate = this.deps.waits.estimate(call.practice, view);
    const closing = this.closingTime(call.practice);
    if (closing !== undefined && call.practice.callbackAtClosing === 'flag') {
      await this.schedule({ type: 'closing', practice: call.practice.ods, callbackId: request.callbackId }, closing.at, `closing-${request.callbackId}`);
    }
    // The caller hears what happens at closing only when the expected call-back comes near it.
    const late = closing !== undefined && estimate.basis !== 'none' && this.now() + estimate.seconds * 1000 >= closing.at;
    const atClosing = late ? { time: spokenTime(closing.hhmm), mode: call.practice.callbackAtClosing } : undefined;
    return [{ verb: 'say', text: say.requested(estimate, call.practice.name, atClosing) }, { verb: 'hangup' }];
  }

  async onKeyedNumber(call: InboundCall, digits: string, tries: number): Promise<Instruction[]> {
    if (!digits) return this.backToQueue(call);
    const number = keyedUkNumber(digits);
    if (number) {
      if ((await this.deps.queue.setPendingCallbackNumber(this.shard(call.practice), this.callId(call), number)) === 'stale') return this.host.wait(call);
      return this.ask(say.confirmKeyed(number), { step: 'callback-confirm' });
    }
    if (tries >= KEYED_NUMBER_TRIES) return [{ verb: 'say', text: say.notUk() }, ...(await this.backToQueue(call))];
    return [{ verb: 'say', text: say.notUk() }, ...this.askForNumber(tries + 1)];
  }

  /** The caller chose a window (1, 2, 3) to be called back in. */
  async onBook(call: InboundCall, digits: string): Promise<Instruction[]> {
    const number = callableNumber(call.from);
    const { team, windows } = await this.bookable(call);
    const window = windows[Number(digits) - 1];
    if (!number || !window) return this.backToQueue(call);
    const callId = this.callId(call);
    const callbackId = await this.book(call.practice, team, number, window.start, window.end, callId);
    this.deps.log.info({ callId, callbackId, caller: maskNumber(number) }, 'call-back booked');
    return [{ verb: 'say', text: say.booked(window.label, number) }, { verb: 'hangup' }];
  }

  /** Book a call-back into [windowStart, windowEnd): by a caller on the phone, or staff through the API. */
  async book(practice: Practice, team: string, number: string, windowStart: number, windowEnd: number, origin = ''): Promise<string> {
    const callbackId = `${practice.ods}-${randomBytes(8).toString('hex')}`;
    const shard = this.shard(practice);
    await this.deps.queue.bookCallback(shard, { callbackId, team, practice: practice.ods, number, windowStart, windowEnd, origin, retentionMs: retentionMs(practice) }, this.now());
    await this.schedule({ type: 'open', practice: practice.ods, callbackId }, windowStart, `open-${callbackId}`);
    await this.schedule({ type: 'close', practice: practice.ods, callbackId }, windowEnd, `close-${callbackId}`);
    return callbackId;
  }

  /** Paired with a free member of staff: ring them first. */
  async connect(shard: string, pair: Pairing): Promise<void> {
    const practice = this.directory.practice(pair.practice);
    const staff = this.directory.staff(pair.staffId);
    const callbackId = pair.callId.slice('cb:'.length);
    if (!practice || !staff) return;
    const control = this.deps.liveCalls(practice.provider.kind);
    try {
      if (!control.placeCall || !this.canCallBack(practice)) throw new Error(`${practice.provider.kind} cannot place calls for ${practice.ods}`);
      await control.placeCall(practice, {
        to: staff.endpoint,
        callerId: practice.numbers[0]!,
        timeoutSeconds: practice.ringSeconds,
        onAnswer: { step: 'callback-staff', callbackId, staffId: staff.id },
        onEnd: { step: 'callback-staff-status', callbackId, staffId: staff.id },
      });
      this.deps.log.info({ callbackId, staffId: staff.id }, 'call-back: ringing staff');
    } catch (err) {
      this.deps.log.warn({ err, callbackId, staffId: staff.id }, 'call-back: could not ring staff; back to the head of the queue');
      await this.deps.queue.dialResult(shard, pair.callId, staff.id, 'connect-failed', 0, 0, this.now());
    }
  }

  /** The member of staff picked up: tell them what this is, then ring the patient. */
  async onStaffAnswered(practice: Practice, callbackId: string, staffId: string): Promise<Instruction[]> {
    const shard = this.shard(practice);
    const answered = await this.deps.queue.staffAnswered(shard, `cb:${callbackId}`, staffId, this.now());
    const cb = await this.deps.queue.callback(shard, callbackId);
    if (!answered || !cb) return [{ verb: 'say', text: say.staffNotNeeded() }, { verb: 'hangup' }];
    const record = this.deps.recordings?.dialRecord(practice, `cb:${callbackId}`, 'callback');
    return [
      { verb: 'say', text: say.staffIntro(Math.floor((this.now() - cb.requestedAt) / 60_000)) },
      {
        verb: 'dial',
        endpoint: cb.number,
        callerId: practice.numbers[0]!,
        timeoutSeconds: PATIENT_RING_SECONDS,
        onAnswer: { step: 'callback-answered', callbackId, staffId },
        onEnd: { step: 'callback-result', callbackId, staffId },
        ...(record ? { record } : {}),
      },
    ];
  }

  /** `staffLegCallId`: the provider's id of the staff member's call, from which the patient was dialled (what a recording is made on). */
  async onPatientAnswered(practice: Practice, callbackId: string, staffLegCallId: string): Promise<void> {
    await this.deps.queue.markCallbackAnswered(this.shard(practice), callbackId, this.now());
    await this.deps.recordings?.answered(practice, `cb:${callbackId}`, staffLegCallId, 'callback');
  }

  /**
   * The patient's leg ended: a conversation (staff go to wrap-up), or no answer (retry or fail).
   * talkSeconds undefined: the provider does not report it, so it is measured from the recorded answer.
   */
  async onPatientLegEnded(practice: Practice, callbackId: string, staffId: string, outcome: DialOutcome, talkSeconds: number | undefined): Promise<Instruction[]> {
    const shard = this.shard(practice);
    const staff = this.directory.staff(staffId);
    if (outcome === 'answered') {
      const wrapMs = (staff ? this.directory.staffPractice(staff) : practice).wrapUpSeconds * 1000;
      if ((await this.deps.queue.dialResult(shard, `cb:${callbackId}`, staffId, 'answered', talkSeconds, wrapMs, this.now())) === 'wrap-up') this.host.scheduleWrapUpRelease(shard, wrapMs);
      return [{ verb: 'say', text: say.staffDone() }, { verb: 'hangup' }];
    }
    const attempt = await this.deps.queue.callbackAttemptFailed(shard, callbackId, staffId, practice.callbackAttempts, retentionMs(practice), outcome, this.now());
    this.deps.log.info({ callbackId, outcome, attempt }, 'call-back not answered');
    if (attempt.result === 'retry') {
      await this.schedule({ type: 'retry', practice: practice.ods, callbackId }, this.now() + practice.callbackRetrySeconds * 1000, `retry-${callbackId}-${attempt.attempts}`);
    }
    if (staff && attempt.result !== 'stale') await this.host.pairAndConnect(shard, this.directory.staffTeamKeys(staff));
    return [{ verb: 'say', text: say.staffNoAnswer(attempt.result === 'retry') }, { verb: 'hangup' }];
  }

  /** The staff leg of a call-back ended: never answered (back to the head, staff away), or all done. */
  async onStaffLegEnded(practice: Practice, callbackId: string, staffId: string, outcome: DialOutcome): Promise<void> {
    const shard = this.shard(practice);
    const cb = await this.deps.queue.callback(shard, callbackId);
    if (cb?.state === 'connecting') {
      await this.deps.queue.dialResult(shard, `cb:${callbackId}`, staffId, outcome === 'answered' ? 'failed' : outcome, 0, 0, this.now());
      const team = [cb.team];
      await this.host.pairAndConnect(shard, team);
    } else if (cb?.state === 'talking' && cb.answeredAt === undefined) {
      // The staff member hung up before the patient answered: an attempt that did not reach them.
      await this.onPatientLegEnded(practice, callbackId, staffId, 'no-answer', 0);
    } else if (cb?.state === 'talked' || cb?.state === 'talking') {
      const end = await this.deps.queue.endCall(shard, `cb:${callbackId}`, practice.ods, retentionMs(practice), practice.wrapUpSeconds * 1000, this.now(), reportCounting(practice));
      if (end.staffNext === 'wrap-up') this.host.scheduleWrapUpRelease(shard, practice.wrapUpSeconds * 1000);
      await this.deps.recordings?.ended(practice, `cb:${callbackId}`);
    }
  }

  /** A scheduled job is due (it may run more than once: every step is idempotent). */
  async onJob(job: CallbackJob): Promise<void> {
    const practice = this.directory.practice(job.practice);
    if (!practice) return;
    const shard = this.shard(practice);
    if (job.type === 'close' || job.type === 'closing') {
      // Only one not yet made is closed (a call-back being made, or made, is left alone).
      await this.deps.queue.closeCallback(shard, job.callbackId, 'failed', job.type === 'close' ? 'window-missed' : 'closed', retentionMs(practice), this.now());
      return;
    }
    const moved = await this.deps.queue.requeueCallback(shard, job.callbackId, job.type === 'open' ? 'booked' : 'retry-wait', this.now());
    const cb = await this.deps.queue.callback(shard, job.callbackId);
    if (moved === 'queued' && cb) await this.host.pairAndConnect(shard, [cb.team]);
  }

  async cancel(practice: Practice, callbackId: string): Promise<{ result: 'closed' | 'stale'; state: string }> {
    return this.deps.queue.closeCallback(this.shard(practice), callbackId, 'cancelled', 'cancelled', retentionMs(practice), this.now());
  }

  /** Staff ask for a failed call-back to be tried again: it goes to the head of its queue. */
  async retry(practice: Practice, callbackId: string): Promise<'queued' | 'stale'> {
    const shard = this.shard(practice);
    const moved = await this.deps.queue.requeueCallback(shard, callbackId, 'failed', this.now(), retentionMs(practice));
    const cb = await this.deps.queue.callback(shard, callbackId);
    if (moved === 'queued' && cb) await this.host.pairAndConnect(shard, [cb.team]);
    return moved;
  }

  /** When the practice closes today, if it is open now and its hours say. */
  private closingTime(practice: Practice): { at: number; hhmm: string } | undefined {
    const now = londonMoment(this.now());
    const hhmm = closesToday(practice.hours, now, this.directory.bankHolidays);
    return hhmm === undefined ? undefined : { at: atTime(londonMidnight(now.date), hhmm), hhmm };
  }

  private schedule(job: CallbackJob, at: number, jobId: string): Promise<void> {
    return this.deps.scheduler.schedule(job, at, jobId);
  }

  private ask(text: string, next: { step: 'callback-confirm' } | { step: 'callback-book' }): Instruction[] {
    // No key: the step is asked with none, and the caller goes back to the queue.
    return [{ verb: 'gather', numDigits: 1, timeoutSeconds: 8, next, prompt: [{ verb: 'say', text }] }];
  }

  private askForNumber(tries: number): Instruction[] {
    return [{ verb: 'gather', numDigits: 13, finishOnKey: '#', timeoutSeconds: 10, next: { step: 'callback-number', tries }, prompt: [{ verb: 'say', text: say.keyIn() }] }];
  }

  /** The windows this caller can book now, for their team: bank holidays and closures of the practice or the team skipped. */
  private async bookable(call: InboundCall): Promise<{ team: string; windows: BookableWindow[] }> {
    const [record, closures] = await Promise.all([this.deps.queue.call(this.shard(call.practice), this.callId(call)), this.host.practiceClosures(call.practice)]);
    const team = record.team ?? this.directory.teamKey(call.practice, call.practice.teams[0]!.id);
    const closed = { bankHolidays: this.directory.bankHolidays, closures: closures.filter((c) => c.team === undefined || c.team === team) };
    // The team's own hours too: a window in which it takes nobody is not offered.
    const ref = this.directory.teamByKey(team);
    const windows = bookableWindows(call.practice, this.now(), closed).filter((w) => !ref || teamOpenDuring(this.directory, ref, closures, w.start, w.end));
    return { team, windows };
  }

  private async backToQueue(call: InboundCall): Promise<Instruction[]> {
    return [{ verb: 'say', text: say.backToQueue() }, ...(await this.host.wait(call))];
  }

  private shard(practice: Practice): string {
    return this.host.markActive(this.directory.shard(practice));
  }

  private callId(call: InboundCall): string {
    return callIdOf(call.provider, call.providerCallId);
  }
}
