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
  /** Keys pressed, from a <Gather>. */
  Digits?: string;
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
