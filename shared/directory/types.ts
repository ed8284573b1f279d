/** The directory: who the practices, teams, staff and API users are. Loaded from YAML (docs/directory.md). */

export interface TwilioAccount {
  kind: 'twilio';
  accountSid: string;
  authToken: string;
}
export type ProviderAccount = TwilioAccount;
export type ProviderKind = ProviderAccount['kind'];

export interface Team {
  id: string;
  name: string;
  /** Whether waiting callers are offered a call-back. */
  callback: boolean;
}

/** A time of day, "HH:MM", in Europe/London. */
export type ClockTime = string;

export interface CallbackWindow {
  start: ClockTime;
  end: ClockTime;
}

export interface Practice {
  ods: string;
  name: string;
  pcn?: string;
  numbers: string[];
  provider: ProviderAccount;
  /** Seconds between queue announcements to a waiting caller. */
  announceEverySeconds: number;
  /** Seconds a member of staff stays in wrap-up after a call before taking the next. */
  wrapUpSeconds: number;
  /** Seconds a staff phone rings before the caller goes back to the head of the queue. */
  ringSeconds: number;
  /** Text-to-speech voice and language passed to the provider. */
  voice?: string;
  language: string;
  /** Audio played while waiting between announcements; silence (a pause) when unset. */
  holdMusicUrl?: string;
  /** Days a call record keeps the caller's number. */
  callRecordRetentionDays: number;
  /** Offer a call-back once the estimated wait is longer than this. */
  callbackOfferAfterSeconds: number;
  /** Wait between attempts when a call-back is not answered. */
  callbackRetrySeconds: number;
  /** Attempts before a call-back is marked failed for staff to follow up. */
  callbackAttempts: number;
  /** Windows a call-back can be booked into, later today or on the next working day. */
  callbackWindows: CallbackWindow[];
  teams: Team[];
}

export interface Pcn {
  code: string;
  name: string;
}

export interface Staff {
  id: string;
  name: string;
  practice: string;
  /** Where to ring them: a phone number in E.164, or a sip: URI, or client:name for a softphone. */
  endpoint: string;
  teams: string[];
}

export type AccessGrant =
  | { token: string; role: 'practice'; practice: string }
  | { token: string; role: 'staff'; staff: string }
  | { token: string; role: 'pcn'; pcn: string }
  | { token: string; role: 'icb'; icb: string };

export interface DirectoryData {
  icb: { code: string; name: string };
  pcns: Pcn[];
  practices: Practice[];
  staff: Staff[];
  access: AccessGrant[];
}
