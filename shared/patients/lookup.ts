import type { Practice, PatientLookupSettings } from '../directory/types.js';

/** A patient whose record carries the caller's number. Held in memory only, for the life of the call. */
export interface PatientCandidate {
  name: string;
  /** YYYY-MM-DD, when the record has one. */
  birthDate?: string;
  nhsNumber?: string;
  /** A national reasonable-adjustment flag exists (its contents are not read). */
  reasonableAdjustment: boolean;
}

/** Why a lookup gave no answer: too slow, refused, failed, or answered something that is not FHIR. */
export type UnavailableReason = 'timeout' | 'unauthorised' | 'error' | 'bad-answer';

/** What staff are told about a caller. */
export type CallerLookup =
  | { outcome: 'matched' | 'no-match'; candidates: PatientCandidate[] }
  /** The number was withheld (nothing was asked), or the practice has the lookup off. */
  | { outcome: 'withheld' | 'off'; candidates: [] }
  | { outcome: 'unavailable'; reason: UnavailableReason; candidates: [] };

/** The port: a clinical system that finds patients by phone number. The FHIR R4 adapter is fhir.ts. */
export interface PatientLookup {
  /**
   * Patients whose record has this number (any of its forms), with whether each has a
   * reasonable-adjustment flag. Rejects with LookupFailure; stops when `signal` aborts.
   */
  find(settings: PatientLookupSettings, numbers: string[], signal: AbortSignal): Promise<PatientCandidate[]>;
}

export class LookupFailure extends Error {
  constructor(
    readonly reason: UnavailableReason,
    message: string,
  ) {
    super(message);
  }
}

/** A call as the lookup sees it. */
export interface ArrivingCall {
  callId: string;
  practice: Practice;
  from: string;
}

/**
 * What the call flow asks about the caller (shared/patients/callers.ts implements it). Nothing here
 * ever makes the caller wait longer than the practice's lookup budget, and only where the practice
 * has configured an adjustment that must be decided as the caller joins the queue.
 */
export interface CallerAdjustments {
  /** A call has arrived: start finding out who is calling, in the background. */
  arrived(call: ArrivingCall): void;
  /** The caller is joining a queue: the team and place the practice's reasonable adjustments give them; undefined: as usual. */
  joining(call: ArrivingCall): Promise<{ team?: string; priority: boolean } | undefined>;
  /** Whether this caller is to be offered a call-back now, whatever the wait (any process can ask). */
  callbackAtOnce(practice: Practice, callId: string): Promise<boolean>;
  /** How long to ring staff for this caller before no-answer. */
  ringSeconds(practice: Practice, callId: string): Promise<number>;
  /** The call is over: forget what was found. */
  ended(callId: string): void;
}

/**
 * The forms a clinical system may hold a UK number in: as dialled (+44…) and national (0…). FHIR
 * token search matches exactly, so both are asked for in one search (comma: either).
 */
export function numberForms(from: string): string[] {
  const forms = [from];
  if (/^\+44[1-9]\d{8,9}$/.test(from)) forms.push(`0${from.slice(3)}`);
  return forms;
}

/** Twilio's stand-ins for a withheld number: ANONYMOUS, RESTRICTED, BLOCKED and UNAVAILABLE spelt on a keypad. */
const WITHHELD_MARKERS = new Set(['+266696687', '+7378742833', '+2562533', '+86282452253']);

/** A caller whose number we cannot look up: withheld, unknown or not a phone number. */
export function isWithheld(from: string): boolean {
  return WITHHELD_MARKERS.has(from) || !/^\+?[0-9]{7,15}$/.test(from);
}
