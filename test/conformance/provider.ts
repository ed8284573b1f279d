import type { Test } from 'tap';
import type { Directory } from '../../shared/directory/directory.js';
import type { EndpointBehaviour, FakeRecording } from '../../loadtest/emulator/phone.js';

/** A caller's call on a fake provider network, as the caller experiences it. */
export interface TestCall {
  readonly sid: string;
  readonly from: string;
  readonly to: string;
  readonly heard: string[];
  readonly errors: string[];
  readonly positions: number[];
  readonly over: boolean;
  readonly dialling?: string;
  readonly bridged?: { endpoint: string; answeredAt: number };
}

/** A webhook's answer reduced to what the caller would hear and whether the call ends. */
export interface Answer {
  status: number;
  said: string;
  hangsUp: boolean;
  body: string;
}

/** How a raw webhook is signed: properly, with a wrong signature, none, an expired one, or another practice's secret. */
export type Signing = 'good' | 'wrong' | 'missing' | 'stale' | 'other-practice-secret';

/** The webhooks every provider sends, in no provider's words. */
export type Webhook = 'incoming' | 'wait' | 'progress' | 'ended' | 'dial-no-answer';

export interface SendOptions {
  signing?: Signing;
  /** The account the request says it is from (1: the practice's own, 2: another practice's). */
  account?: 1 | 2;
  /** The number called, for 'incoming' (default the practice's). */
  to?: string;
}

/**
 * What the conformance suite needs from a provider: its fake network (calls placed, heard,
 * connected), its directory block, and its webhooks sent raw to test the edge itself. Adding a
 * provider means writing its fake and one of these, then passing the same suite.
 */
export interface TestProvider {
  readonly kind: string;
  /** Whether its signatures carry a time, so that a stale one can be refused. */
  readonly signaturesExpire: boolean;
  /** Environment that points a Switchboard process at this fake's REST API. */
  readonly env: Record<string, string>;
  /** The directory's `provider:` block for account 1 or 2 (they differ in every credential). */
  account(n: 1 | 2): string;
  /** A text-to-speech voice of this provider, for the practices' `voice`. */
  readonly voice: string;
  /** Configures the numbers of the directory's practices on this provider to call this Switchboard. */
  connect(directory: Directory, baseUrl: string): void;
  /** A caller rings `to`, and will press `keys` at the keypad prompts, one entry each ('' presses nothing). */
  placeCall(from: string, to: string, keys?: string[]): Promise<TestCall>;
  /** Calls Switchboard placed through the provider's REST API, in order (call-backs: staff phones). */
  outbound(): TestCall[];
  /** Asserts how the outbound call that rang `staffId` to call `patient` back was placed and answered, in the provider's terms. */
  checkPlaceCall(t: Test, call: TestCall, staffId: string, patient: string): void;
  /** Runs `work` between each call's first answer arriving and the provider acting on it. */
  beforeAnswer(work: (() => Promise<void>) | undefined): void;
  /** Live-call API requests received so far. */
  liveRequests(): number;
  /** Real milliseconds the fake network takes for each second of call time (pauses, key time-outs); 10 by default. */
  setTimeScale(msPerSecond: number): void;
  hangUp(call: TestCall): Promise<void>;
  /** The caller hangs up and the final status webhook is lost (the instance it reached died). */
  hangUpUnreported(call: TestCall): Promise<void>;
  /** As hangUpUnreported, and the provider then keeps no record of the call: asking about it answers 404. */
  hangUpUnreportedAndForgotten(call: TestCall): Promise<void>;
  staffHangsUp(call: TestCall): void;
  setEndpoint(endpoint: string, behaviour: EndpointBehaviour): void;
  waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs?: number): Promise<T>;
  /** Each call's first webhook: its status, and whether the answer was a valid document for this provider. */
  firstAnswers(): { status: number; valid: boolean }[];
  /** How many live-call updates asked each call (by sid) to dial staff. */
  connectsPerCall(): Map<string, number>;
  /** Asserts how the live-call update that connected this call to `staffId` was made, in the provider's terms. */
  checkConnect(t: Test, call: TestCall, staffId: string): void;
  /** Sends one webhook for call `sid` of practice F81001 (account 1) as the provider would. */
  send(switchboardUrl: string, webhook: Webhook, sid: string, opts?: SendOptions): Promise<Answer>;
  /** A first webhook without a call id. */
  sendWithoutCallId(switchboardUrl: string): Promise<number>;
  /** Recordings the provider has made, in order (deleted ones too, marked). */
  recordings(): FakeRecording[];
  /**
   * Requests that would tell Switchboard about a recording of call `sid` (F81001's, connected to
   * Alice), forged in every way this provider's signing allows: each must be refused with 403.
   * Twilio: its recordingStatusCallback; jambonz (which reports no recordings): the answer that
   * starts one.
   */
  recordingForgeries(switchboardUrl: string, sid: string): { name: string; send: () => Promise<number> }[];
  /** Forgeries particular to this provider's signing scheme, each to be refused with 403 (`waitingSid`: a caller already queued). */
  forgeries(switchboardUrl: string, sid: string, waitingSid: string): { name: string; send: () => Promise<number> }[];
}

export type ProviderFactory = (t: Test) => Promise<TestProvider>;
