/** The directory: who the practices, teams, staff and API users are. Loaded from YAML (docs/directory.md). */

export interface TwilioAccount {
  kind: 'twilio';
  accountSid: string;
  authToken: string;
}
export interface JambonzAccount {
  kind: 'jambonz';
  accountSid: string;
  /** Bearer key for the REST API (live-call updates). */
  apiKey: string;
  /** The account's webhook secret: every webhook is signed with it. */
  webhookSecret: string;
  /** Text-to-speech vendor to name in `say`; unset, the jambonz application's speech settings apply. */
  ttsVendor?: string;
}
export type ProviderAccount = TwilioAccount | JambonzAccount;
export type ProviderKind = ProviderAccount['kind'];

export type WeekDay = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
/** "HH:MM-HH:MM" ranges in Europe/London time per weekday (and for bank holidays); a day not listed is closed. */
export type WeeklyHours = Partial<Record<WeekDay | 'bankHolidays', string[]>>;

/** "After afterSeconds waiting, or while more than whenMoreThan wait ahead, also offer the caller to `to`." */
export interface OverflowRule {
  /** A team key (`F81002.reception`, `U12345.hub`) or an id of the same practice or its PCN. */
  to: string;
  afterSeconds?: number;
  whenMoreThan?: number;
}

export interface Team {
  id: string;
  name: string;
  /** When absent the team keeps its practice's hours (a PCN team: always open). */
  hours?: WeeklyHours;
  closedMessage?: string;
  overflow: OverflowRule[];
  /** Whether waiting callers are offered a call-back. */
  callback: boolean;
}

/** One keypad option: queue for a team, hear a message, go to a sub-menu, or be put through to a number. */
export type MenuAction = { team: string } | { say: string } | { menu: Menu } | { transfer: string };

export interface Menu {
  prompt: string;
  /** Keyed by the key pressed: '0'-'9', '*', '#'. */
  options: Record<string, MenuAction>;
  /** Times the menu is played before the caller goes to `default`. */
  attempts: number;
  timeoutSeconds: number;
  /** The team for no or wrong input after the last attempt; the practice's first team when absent. */
  default?: string;
}

/** Callers (by their number) or lines (by the number dialled) who go to the head of the queue or to a team of their own. */
export interface PriorityLine {
  name?: string;
  from?: string[];
  to?: string[];
  team?: string;
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
  /** Sub-ICB location code (the former CCG), for the CBT extract. */
  subIcb?: string;
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
  /** Days the reports' per-staff and per-team figures are kept (docs/reports.md); callRecordRetentionDays when absent. */
  reportRetentionDays?: number;
  /** Seconds within which an answer counts as on target on the wallboard (NHS: 2 minutes). */
  answerTargetSeconds: number;
  /** When the wallboard's figures turn amber and red (docs/wallboard.md). */
  wallboard: WallboardThresholds;
  /** Spoken first; "Thank you for calling <name>." when absent. */
  greeting?: string;
  /** Spoken after the greeting, before the menu, e.g. "If your life is in danger, hang up and dial 999." */
  emergencyPreamble?: string;
  /** The keypad menu; without one, calls go to the first team. */
  menu?: Menu;
  /** When absent the practice is always open (bank holidays and closures still apply). */
  hours?: WeeklyHours;
  outOfHoursMessage: string;
  priorityLines: PriorityLine[];
  /** Offer a call-back once the estimated wait is longer than this. */
  callbackOfferAfterSeconds: number;
  /** Wait between attempts when a call-back is not answered. */
  callbackRetrySeconds: number;
  /** Attempts before a call-back is marked failed for staff to follow up. */
  callbackAttempts: number;
  /** A call-back not made by closing time: carried to when staff are next available, or flagged (failed, listed) for staff. */
  callbackAtClosing: 'carry' | 'flag';
  /** Windows a call-back can be booked into, later today or on the next working day. */
  callbackWindows: CallbackWindow[];
  teams: Team[];
  /** Who is calling, from the practice's clinical system over FHIR (docs/clinical-systems.md); absent: off. */
  patientLookup?: PatientLookupSettings;
  /** Call recording (docs/recording.md); off unless set. */
  recording: RecordingPolicy;
}

/** Which calls are recorded: none, answered calls, or answered calls and call-backs. */
export type RecordingMode = 'off' | 'answered' | 'answered-and-callbacks';

export interface RecordingPolicy {
  mode: RecordingMode;
  /** Spoken to every caller before the queue while recording is on. */
  announcement: string;
  /** Days a recording is kept at the provider before it is deleted (NHS: 1 to 6 years). */
  retentionDays: number;
}

/** Bearer token, or OAuth 2.0 client credentials (SMART Backend Services). */
export type FhirAuth = { bearerToken: string } | { tokenUrl: string; clientId: string; clientSecret: string; scope?: string };

export interface PatientLookupSettings {
  /** The practice's FHIR R4 base URL: `Patient?phone=` is searched there. */
  fhirBaseUrl: string;
  auth: FhirAuth;
  /** Where `Flag?patient=<NHS number>&code=national-reasonable-adjustment-flag` is asked (same auth); absent: no flags. */
  flagServiceUrl?: string;
  /** The most a lookup may take (ms); past it the answer is "lookup unavailable". */
  budgetMs: number;
  /** What changes for a caller with a reasonable-adjustment flag; absent: nothing but the marker staff see. */
  adjustments?: ReasonableAdjustments;
}

export interface ReasonableAdjustments {
  /** Queue flagged callers for this team (an id of the practice or its PCN, e.g. care-coordination) instead. */
  team?: string;
  /** Put flagged callers at the head of their team's queue. */
  headOfQueue: boolean;
  /** Offer flagged callers a call-back at once, not only past callbackOfferAfterSeconds. */
  callbackAtOnce: boolean;
  /** Ring staff this long for a flagged caller before no-answer (instead of ringSeconds). */
  ringSeconds?: number;
}

export interface WallboardThresholds {
  longestWaitAmberSeconds: number;
  longestWaitRedSeconds: number;
  waitingAmber: number;
  waitingRed: number;
  /** Answered within target (%): amber below the amber figure, red below the red one (lower is worse). */
  withinTargetAmberPercent: number;
  withinTargetRedPercent: number;
  abandonedAmberPercent: number;
  abandonedRedPercent: number;
}

export interface Pcn {
  code: string;
  name: string;
  /** Teams serving the whole PCN (a medicines team, a care-coordination hub). */
  teams: Team[];
}

export interface Staff {
  id: string;
  name: string;
  practice: string;
  /** Where to ring them: a phone number in E.164, or a sip: URI, or client:name for a softphone. */
  endpoint: string;
  /** Team ids of their practice or PCN; priority 1 (the default) is served before 2, and so on. */
  teams: (string | { team: string; priority?: number })[];
  /** Their sign-in identity: the value of the provider's claim (email or CIS2 UUID). */
  identity?: string;
}

/** What a grant reaches: a practice, one member of staff, a PCN, the ICB, or the directory itself. */
export type RoleScope =
  | { role: 'practice'; practice: string }
  | { role: 'staff'; staff: string }
  | { role: 'pcn'; pcn: string }
  | { role: 'icb'; icb: string }
  | { role: 'admin' };

/**
 * An `access` entry as written: a machine's static token (its SHA-256 digest, or the plain token,
 * read with a warning), or a person's identity (the sign-in claim's value) for a role.
 */
export type AccessEntry = RoleScope & {
  token?: string;
  tokenSha256?: string;
  identity?: string;
  /** A machine's name, for logs and the audit log (e.g. prometheus). */
  name?: string;
  /** Refused on POST, PUT and DELETE (ticket requests for live screens excepted). */
  readOnly?: boolean;
};

/**
 * What a request may do and who is asking: a machine (a static token: Prometheus, an extract
 * job, a kiosk screen) or a person signed in with OpenID Connect.
 */
export type AccessGrant = RoleScope & {
  kind: 'machine' | 'person';
  /** Who acted, as the audit log names them: staff:<id>, oidc:<identity> or token:<name>. */
  actor: string;
  readOnly: boolean;
};

/** Sign-in with an OpenID Connect provider (docs/sign-in.md). */
export interface SignInSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The ID token claim whose value is matched against `identity` in the directory: email, sub, … */
  claim: string;
  scopes: string;
  /** Signs session cookies (HMAC-SHA256). */
  cookieSecret: string;
  sessionHours: number;
  idleMinutes: number;
}

export interface DirectoryData {
  /** region: the NHS England region code (e.g. Y61), for the CBT extract. */
  icb: { code: string; name: string; region?: string };
  pcns: Pcn[];
  /** Changes to the shipped England and Wales bank holidays. */
  bankHolidays: { add: string[]; remove: string[] };
  practices: Practice[];
  staff: Staff[];
  access: AccessEntry[];
  signIn?: SignInSettings;
}
