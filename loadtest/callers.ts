import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { SimPractice } from './directory.js';
import { FakeTwilio, type FakeCall } from './emulator/twilio.js';
import { Random } from './random.js';
import type { Scenario, Spread } from './scenario.js';
import type { CallerAttempt, RunResult } from './simulate.js';

/** How long a patient takes to pick up when rung back. */
const PATIENT_PICKS_UP: Spread = { medianSeconds: 8, sigma: 0.4 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How "less than a minute" is recorded: the middle of the minute (report.ts judges it as "under 60 s"). */
export const LESS_THAN_A_MINUTE = 30;

/** "The wait is about 5 minutes." → 300; "less than a minute" → LESS_THAN_A_MINUTE; no figure → undefined. */
export function announcedSeconds(text: string): number | undefined {
  if (/less than a minute/.test(text)) return LESS_THAN_A_MINUTE;
  const m = /about (\d+) minutes?/.exec(text);
  return m ? Number(m[1]) * 60 : undefined;
}

/** The call-back confirmation a caller hears before hanging up ("We expect to call you back in about 10 minutes"). */
const CALLBACK_CONFIRMED = /You have kept your place in the queue\. We expect to call you back/;

/** What one caller side (the whole simulator, or one of its workers) is doing now. */
export interface CallerCounts {
  waiting: number;
  talking: number;
  /** Calls live, being placed or due, or outbound calls not over: the run is not finished. */
  busy: boolean;
}

/** What a caller side hands back when the run stops. */
export interface CallerResults {
  attempts: CallerAttempt[];
  webhooks: RunResult['webhooks'];
  missedRings: RunResult['missedRings'];
  liveCallUpdates: [number, number][];
  eventLoop: { p99: number; max: number };
}

/** A run's callers on one emulator: which practices, where each rings in, and the run's clock. */
export interface CallerPlan {
  scenario: Scenario;
  /** The practices this side rings, each with the service URL its number points at. */
  practices: { practice: SimPractice; serviceUrl: string }[];
  seed: number;
  /** Distinguishes this side's callers' numbers from other sides' (0 for the first). */
  side: number;
  timeScale: number;
  startedAt: number;
  arrivalMinutes: number;
}

/**
 * The simulated callers and staff phones of a run on one provider emulator: callers ring in on the
 * scenario's curve, wait, give up and redial; staff phones answer (or not) and talk. `start` gives
 * the emulator's URL (the service's Calls API base); `begin` schedules the callers.
 */
export class CallerSide {
  readonly fake = new FakeTwilio();
  private readonly attempts: CallerAttempt[] = [];
  private readonly webhooks: RunResult['webhooks'] = [];
  private readonly missedRings: RunResult['missedRings'] = [];
  private readonly bySid = new Map<string, { attempt: CallerAttempt; call: FakeCall; patience: NodeJS.Timeout }>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly placing = new Set<Promise<void>>();
  private readonly loop = monitorEventLoopDelay({ resolution: 10 });
  private live = 0;
  private stopping = false;
  private plan?: CallerPlan;
  private random = new Random(1);

  async start(): Promise<string> {
    await this.fake.start();
    this.fake.record = false;
    this.fake.onWebhook = (w) => this.webhooks.push(w);
    return this.fake.url;
  }

  begin(plan: CallerPlan): void {
    this.plan = plan;
    const { scenario, timeScale } = plan;
    const random = (this.random = new Random(plan.seed));
    this.fake.timeScale = timeScale;
    this.fake.durationScale = timeScale;
    for (const { practice: p, serviceUrl } of plan.practices) {
      this.fake.addNumber(p.number, { accountSid: p.accountSid, authToken: p.authToken, voiceUrl: `${serviceUrl}/v1/twilio/voice`, statusCallback: `${serviceUrl}/v1/twilio/status` });
    }
    // Staff phones are client: endpoints; anything else rung is a patient being called back.
    this.fake.behaviourFor = (endpoint) =>
      endpoint.startsWith('client:')
        ? random.chance(scenario.staff.noAnswerRate)
          ? (this.missedRings.push({ at: Date.now(), endpoint }), { answer: 'no-answer' })
          : { answer: 'answer', afterMs: random.seconds(scenario.staff.answerDelay) * timeScale, talkSeconds: random.seconds(scenario.staff.handle) }
        : random.chance(scenario.callers.callbackMissedRate)
          ? { answer: 'no-answer' }
          : { answer: 'answer', afterMs: random.seconds(PATIENT_PICKS_UP) * timeScale, talkSeconds: random.seconds(scenario.staff.handle) };
    this.fake.onCallEvent = (call, event) => this.callEvent(call, event);
    this.loop.enable();
    let callers = 0;
    for (const { practice: p } of plan.practices) {
      for (let i = 0; i < scenario.arrivals.callsPerPractice; i++) {
        const minute = random.arrivalMinute(scenario.arrivalMinutes, scenario.arrivals.burstShare, scenario.arrivals.burstMinutes);
        if (minute >= plan.arrivalMinutes) continue;
        const from = `+4477${String(plan.side).padStart(2, '0')}${String(callers++).padStart(6, '0')}`;
        this.at(plan.startedAt + minute * 60 * timeScale, () => this.placeAttempt(p, from, 1));
      }
    }
  }

  counts(): CallerCounts {
    let waiting = 0;
    let talking = 0;
    for (const { attempt } of this.bySid.values()) attempt.bridgedAt === undefined ? waiting++ : talking++;
    return { waiting, talking, busy: this.live > 0 || this.timers.size > 0 || this.placing.size > 0 || this.fake.outbound.some((c) => !c.over) };
  }

  /** Whoever is still waiting is hung up (the run is over, not their patience); resolves once the last webhooks are in. */
  async stop(): Promise<CallerResults> {
    this.stopping = true;
    this.loop.disable();
    const eventLoop = { p99: this.loop.percentile(99) / 1e6, max: this.loop.max / 1e6 };
    for (const t of this.timers) clearTimeout(t);
    // In batches: thousands of simultaneous hang-ups would exhaust the simulator's file descriptors.
    await inBatches([...this.bySid.values()], 100, async (entry) => this.cutOff(entry));
    await Promise.all([...this.placing]);
    for (let i = 0; i < 600 && this.live > 0; i++) await sleep(50);
    await sleep(Math.max(300, 3 * (this.plan?.timeScale ?? 0))); // last status webhooks and wrap-up timers
    return { attempts: this.attempts, webhooks: this.webhooks, missedRings: this.missedRings, liveCallUpdates: [...this.fake.restStatuses], eventLoop };
  }

  close(): Promise<void> {
    return this.fake.stop();
  }

  private callEvent(call: FakeCall, event: 'bridged' | 'ended'): void {
    const entry = this.bySid.get(call.sid);
    if (!entry) return;
    if (event === 'bridged' && entry.attempt.bridgedAt === undefined) {
      entry.attempt.bridgedAt = Date.now();
      clearTimeout(entry.patience);
    }
    if (event === 'ended') {
      entry.attempt.endedAt = Date.now();
      clearTimeout(entry.patience);
      const i = call.heard.findIndex((h) => announcedSeconds(h) !== undefined);
      if (i >= 0) {
        const place = /number (\d+) in the queue/.exec(call.heard[i]!);
        entry.attempt.announcedWait = { seconds: announcedSeconds(call.heard[i]!)!, at: call.heardAt[i]!, ...(place && { position: Number(place[1]) }) };
      }
      const confirmed = call.heard.findIndex((h) => CALLBACK_CONFIRMED.test(h));
      if (confirmed >= 0) entry.attempt.callbackRequested = { at: call.heardAt[confirmed]!, promisedSeconds: announcedSeconds(call.heard[confirmed]!) };
      entry.attempt.errors.push(...call.errors);
      entry.attempt.lastHeard = call.heard.at(-1);
      this.bySid.delete(call.sid);
      this.fake.forget(call);
      this.live--;
    }
  }

  private at(realMs: number, fn: () => void): void {
    const t = setTimeout(() => (this.timers.delete(t), fn()), Math.max(0, realMs - Date.now()));
    this.timers.add(t);
  }

  // Once the run stops, no new calls start; calls already being placed are cut off as they connect.
  private placeAttempt(practice: SimPractice, from: string, attemptNo: number): void {
    if (this.stopping) return;
    const p = this.place(practice, from, attemptNo);
    this.placing.add(p);
    void p.finally(() => this.placing.delete(p));
  }

  private async place(practice: SimPractice, from: string, attemptNo: number): Promise<void> {
    const { scenario, timeScale } = this.plan!;
    const random = this.random;
    const attempt: CallerAttempt = { practice: practice.ods, from, attempt: attemptNo, placedAt: Date.now(), engaged: false, abandoned: false, cutOff: false, errors: [] };
    this.attempts.push(attempt);
    // Keys in the order the caller meets the prompts: the menu, then a call-back offer and its confirmation.
    const keys: string[] = [];
    if (scenario.callers.keypad.length > 0) keys.push((attempt.menuChoice = String(random.pick(scenario.callers.keypad).digits)));
    if (random.chance(scenario.callers.callbackUptake)) keys.push('1', '1');
    let call: FakeCall;
    try {
      call = await this.fake.placeCall(from, practice.number, keys);
    } catch (err) {
      attempt.engaged = true;
      attempt.errors.push(String(err));
      return;
    }
    attempt.sid = call.sid;
    if (call.errors.length > 0) attempt.engaged = true;
    if (call.over) return; // ended at once (engaged): no status to wait for
    this.live++;
    const patience = setTimeout(() => {
      if (attempt.bridgedAt !== undefined || call.over) return;
      attempt.abandoned = true;
      void this.fake.hangUp(call);
      if (attemptNo <= scenario.callers.maxRedials && random.chance(scenario.callers.redialProbability)) {
        this.at(Date.now() + random.seconds(scenario.callers.redialAfter) * timeScale, () => this.placeAttempt(practice, from, attemptNo + 1));
      }
    }, random.seconds(scenario.callers.patience) * timeScale);
    this.bySid.set(call.sid, { attempt, call, patience });
    if (this.stopping) await this.cutOff(this.bySid.get(call.sid)!);
  }

  private cutOff({ attempt, call, patience }: { attempt: CallerAttempt; call: FakeCall; patience: NodeJS.Timeout }): Promise<void> {
    clearTimeout(patience);
    if (attempt.bridgedAt === undefined) attempt.cutOff = true;
    return this.fake.hangUp(call);
  }
}

/** Runs `fn` over items with at most `limit` at a time. */
export async function inBatches<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}
