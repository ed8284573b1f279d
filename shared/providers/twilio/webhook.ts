import type { DialOutcome } from '../../queue/queue.js';

/** The form fields Switchboard reads from Twilio's voice, status and dial-action requests. */
export interface TwilioCallFields {
  CallSid: string;
  AccountSid: string;
  From?: string;
  To?: string;
  CallStatus?: string;
  DialCallStatus?: string;
  DialCallDuration?: string;
  /** Keys pressed in a <Gather>; empty or absent when none were. */
  Digits?: string;
  /** On a dialled leg's own callbacks: the call it was dialled from. */
  ParentCallSid?: string;
}

/**
 * What Switchboard reads of a recordingStatusCallback (the RecordingUrl that comes with it is
 * never read or kept: the audio is fetched by sid, with the account's credentials).
 */
export interface TwilioRecordingFields extends TwilioCallFields {
  RecordingSid: string;
  /** in-progress, completed or absent (the events asked for). */
  RecordingStatus: string;
  RecordingDuration?: string;
}

/** Call statuses after which the caller's call is over. */
export const FINAL_CALL_STATUSES = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);

/**
 * DialCallStatus → what the flow needs to know. `canceled` means our own update or the caller's
 * hang-up cut the dial short, which is nobody's failure to answer.
 */
export function dialOutcome(status: string | undefined): DialOutcome {
  switch (status) {
    case 'completed':
    case 'answered':
      return 'answered';
    case 'busy':
      return 'busy';
    case 'no-answer':
      return 'no-answer';
    case 'canceled':
      return 'connect-failed';
    default:
      return 'failed';
  }
}
