/**
 * What the call flow asks a provider to do, in no provider's language. Adapters render these as
 * TwiML, jambonz verbs or NCCO, and turn a `Step` into a webhook URL of their own.
 */

/** Where the provider should come back to, and with what. */
export type Step =
  | { step: 'wait' }
  /**
   * A keypad menu's answer. `path` is the keys that led to this menu from the practice's top menu
   * ('' for the top, '3' for the sub-menu behind 3); `attempt` counts plays of it, from 1. The
   * adapter passes the keys pressed to CallFlow.menu(), or none when the caller pressed nothing.
   */
  | { step: 'menu'; path: string; attempt: number }
  | { step: 'dial-result'; staffId: string }
  | { step: 'staff-answered'; staffId: string }
  // Call-back requests, while the caller is on the line (keypad answers arrive as `digits`).
  | { step: 'callback-offer' }
  | { step: 'callback-confirm' }
  | { step: 'callback-number'; tries: number }
  | { step: 'callback-book' }
  // The outbound legs of a call-back: the staff phone first, then the patient.
  | { step: 'callback-staff'; callbackId: string; staffId: string }
  | { step: 'callback-staff-status'; callbackId: string; staffId: string }
  | { step: 'callback-answered'; callbackId: string; staffId: string }
  | { step: 'callback-result'; callbackId: string; staffId: string }
  /** A recording's progress (started, completed, absent), for the call `callId` (ours: `twilio:CA…`, `cb:<id>`). */
  | { step: 'recording-status'; callId: string };

/**
 * What a step's webhook URL must carry back, whatever the provider: the practice and the step's own
 * fields. Adapters add what their provider needs (Twilio the caller's call id, jambonz a seal).
 */
export function stepQuery(practiceOds: string, next: Step): URLSearchParams {
  const q = new URLSearchParams({ practice: practiceOds });
  switch (next.step) {
    case 'menu':
      q.set('path', next.path);
      q.set('attempt', String(next.attempt));
      break;
    case 'callback-number':
      q.set('tries', String(next.tries));
      break;
    case 'dial-result':
    case 'staff-answered':
      q.set('staff', next.staffId);
      break;
    case 'recording-status':
      q.set('rec', next.callId);
      break;
    case 'callback-staff':
    case 'callback-staff-status':
    case 'callback-answered':
    case 'callback-result':
      q.set('callback', next.callbackId);
      q.set('staff', next.staffId);
      break;
  }
  return q;
}

/** What may play while a keypad answer is awaited. */
export type Prompt = { verb: 'say'; text: string } | { verb: 'play'; url: string } | { verb: 'pause'; seconds: number };

export type Instruction =
  | Prompt
  | { verb: 'redirect'; next: Step }
  | {
      verb: 'dial';
      /** E.164 number, sip: URI or client:name */
      endpoint: string;
      /** The number the called party sees; the provider's default when absent. */
      callerId?: string;
      timeoutSeconds: number;
      /** Told when the called party picks up, before the caller is bridged. */
      onAnswer: Step;
      /** Told when the dialled leg ends, answered or not; its instructions continue the caller's call. */
      onEnd: Step;
      /**
       * Record both parties from the answer, one channel each (shared/recording). A provider whose
       * dial can do this reports to `onStatus`; one that cannot is started through RecordingControl
       * when the answer is reported.
       */
      record?: { onStatus: Step };
    }
  /**
   * Speak `prompt` while listening for up to `numDigits` keypad presses (the caller may press
   * during the prompt), waiting `timeoutSeconds` after it for input. The provider must then request
   * `next` with the digits, and request it with none when nothing was pressed (Twilio:
   * actionOnEmptyResult; jambonz: the actionHook with reason timeout). Instructions after a gather
   * are never reached.
   */
  | {
      verb: 'gather';
      prompt: Prompt[];
      numDigits: number;
      timeoutSeconds: number;
      next: Step;
      /** A key that ends the input before numDigits (e.g. '#' after a phone number); none by default. */
      finishOnKey?: string;
    }
  /** Put the caller through to an outside number; their call ends when that call does. */
  | { verb: 'transfer'; number: string }
  | { verb: 'hangup' };

/** An outbound call: ring `to`; when it answers, the provider asks `onAnswer` what to do. */
export interface OutboundCall {
  to: string;
  callerId: string;
  timeoutSeconds: number;
  onAnswer: Step;
  /** Told when the outbound call ends, however it ends (not answered, busy, completed). */
  onEnd: Step;
}
