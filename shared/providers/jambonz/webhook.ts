import type { DialOutcome } from '../../queue/queue.js';

/**
 * The call information jambonz posts (snake_case JSON) that Switchboard reads: the call webhook,
 * the call-status webhook, every actionHook (call info plus the verb's results) and a dial's
 * confirmHook (the staff leg's own call info, with parent_call_sid).
 */
export interface JambonzCallInfo {
  call_sid: string;
  account_sid: string;
  from?: string;
  to?: string;
  direction?: string;
  call_status?: string;
  /** Set on a leg that a dial verb placed (the staff phone): the caller's call_sid. */
  parent_call_sid?: string;
  dial_call_status?: string;
  dial_sip_status?: number;
  dial_call_sid?: string;
  /** A gather's keypad answer; absent when nothing was pressed (`reason` is then `timeout`). */
  digits?: string;
  reason?: string;
}

/** call_status values after which the call is over. */
export const FINAL_CALL_STATUSES = new Set(['completed', 'failed', 'busy', 'no-answer']);

/**
 * A dial actionHook → what the flow needs to know. jambonz gives no talk time (the flow measures
 * it from the answer it recorded) and reports a dial cut short by the caller hanging up as
 * `no-answer` (487): the caller's own call_status, already final, tells the two apart, and a
 * caller who left is nobody's failure to answer.
 */
export function dialOutcome(info: Pick<JambonzCallInfo, 'dial_call_status' | 'call_status'>): DialOutcome {
  const callerGone = FINAL_CALL_STATUSES.has(info.call_status ?? '');
  switch (info.dial_call_status) {
    case 'completed':
      return 'answered';
    case 'no-answer':
      return callerGone ? 'connect-failed' : 'no-answer';
    case 'busy':
      return callerGone ? 'connect-failed' : 'busy';
    default:
      return callerGone ? 'connect-failed' : 'failed';
  }
}

/**
 * A number as the directory keeps it (E.164), for the number called and the caller's number alike.
 * jambonz passes the user part of the SIP URI, which carriers send with or without the '+';
 * anything that is not all digits (e.g. "anonymous") is left as it is.
 */
export function asE164(to: string | undefined): string {
  const n = (to ?? '').replace(/[\s()-]/g, '');
  return /^\d+$/.test(n) ? `+${n}` : n;
}
