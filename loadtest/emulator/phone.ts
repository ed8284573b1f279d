/** What the fake provider networks share: a caller's call as the caller experiences it, and timing helpers. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type EndpointBehaviour =
  /** Answers after `afterMs` real ms; with `talkSeconds` the member of staff hangs up after that many seconds (scaled). */
  | { answer: 'answer'; afterMs?: number; talkSeconds?: number }
  | { answer: 'no-answer' }
  | { answer: 'busy' }
  | { answer: 'failed' };

export class PhoneCall {
  status: 'ringing' | 'trying' | 'in-progress' | 'completed' = 'ringing';
  readonly heard: string[] = [];
  /** When (real ms since the epoch) each entry of `heard` was heard. */
  readonly heardAt: number[] = [];
  readonly errors: string[] = [];
  readonly startedAt = Date.now();
  answeredAt?: number;
  dialling?: string;
  bridged?: { endpoint: string; childSid: string; answeredAt: number };
  /** Set when the caller hung up themselves (not at the end of a document). */
  hungUpByCaller = false;
  /** The call's final status webhook is lost (the instance it reached died): only the provider's REST API knows the call is over. */
  finalStatusLost = false;
  control = new AbortController();
  endStaffLeg?: () => void;
  /** Keys the caller will press, one entry per <Gather> ('' presses nothing); none left: nothing pressed. */
  readonly keys: string[] = [];
  /** Every <Gather> prompt the caller heard, in order. */
  readonly menusHeard: string[] = [];

  constructor(
    readonly sid: string,
    readonly from: string,
    readonly to: string,
  ) {}

  get over(): boolean {
    return this.status === 'completed';
  }

  /** Every "You are number N" the caller has heard, in order. */
  get positions(): number[] {
    return this.heard.flatMap((h) => [...h.matchAll(/You are number (\d+) in the queue/g)].map((m) => Number(m[1])));
  }

  hear(text: string): void {
    this.heard.push(text);
    this.heardAt.push(Date.now());
  }
}

export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = () => (clearTimeout(t), resolve());
    const t = setTimeout(() => (signal?.removeEventListener('abort', onAbort), resolve()), ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** Resolves when either the staff member hangs up or the call's current work is cut short. */
export function staffLegEnds(call: PhoneCall, signal: AbortSignal): Promise<void> {
  const ended = new Promise<void>((resolve) => (call.endStaffLeg = resolve));
  return Promise.race([ended, new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }))]);
}

export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/**
 * A provider's network: numbers configured to call a webhook, calls in progress, how staff phones
 * answer, and the provider's REST API on a local port (each provider serves its own routes).
 */
export abstract class FakeNetwork<Call extends PhoneCall, NumberConfig> {
  readonly numbers = new Map<string, NumberConfig>();
  readonly calls = new Map<string, Call>();
  readonly endpoints = new Map<string, EndpointBehaviour>();
  /** Real milliseconds per second of call time (pauses, ring time-outs): 1000 is real time. */
  timeScale = 10;
  url = '';
  readonly waitFor = waitFor;
  /**
   * Runs after a call's first answer arrives and before the provider acts on it: until then the
   * call rings and its live-call API cannot reach it. A test widens that window with this.
   */
  beforeAnswer?: (call: Call) => Promise<void>;
  private server?: Server;

  protected abstract handleRest(req: IncomingMessage, res: ServerResponse): Promise<void>;

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handleRest(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const call of this.calls.values()) call.control.abort();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  addNumber(number: string, config: NumberConfig): void {
    this.numbers.set(number, config);
  }
}

/** A recording as a fake provider keeps it: when it ran, its pauses, and what was done to it. */
export class FakeRecording {
  status: 'in-progress' | 'paused' | 'completed' = 'in-progress';
  readonly startedAt = Date.now();
  endedAt?: number;
  readonly pauses: { at: number; resumedAt?: number; behaviour: string }[] = [];
  /** Successful deletions (a second DELETE finds nothing: 404, not counted). */
  deletes = 0;
  /** Audio requests answered with the audio. */
  plays = 0;

  constructor(
    /** The provider's id: Twilio's RE… sid, or jambonz's bucket key. */
    readonly id: string,
    /** The call recorded: the caller's (the parent leg), or a call-back's staff leg. */
    readonly callSid: string,
    readonly account: string,
  ) {}

  get deleted(): boolean {
    return this.deletes > 0;
  }

  pause(behaviour: string): boolean {
    if (this.status !== 'in-progress') return false;
    this.status = 'paused';
    this.pauses.push({ at: Date.now(), behaviour });
    return true;
  }

  resume(): boolean {
    if (this.status !== 'paused') return false;
    this.status = 'in-progress';
    this.pauses.at(-1)!.resumedAt = Date.now();
    return true;
  }

  stop(): void {
    if (this.status === 'completed') return;
    if (this.status === 'paused') this.pauses.at(-1)!.resumedAt = Date.now();
    this.status = 'completed';
    this.endedAt = Date.now();
  }

  /** Stand-in audio: an MP3 header and bytes that name the recording, so a test can tell which it got. */
  audio(): Buffer {
    return Buffer.concat([Buffer.from('ID3\x04\x00\x00\x00\x00\x00\x00'), Buffer.from(`fake audio of ${this.id}`)]);
  }
}
