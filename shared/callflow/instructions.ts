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
  | { step: 'staff-answered'; staffId: string };

export type Instruction =
  | { verb: 'say'; text: string }
  | { verb: 'play'; url: string }
  | { verb: 'pause'; seconds: number }
  | { verb: 'redirect'; next: Step }
  | {
      verb: 'dial';
      /** E.164 number, sip: URI or client:name */
      endpoint: string;
      timeoutSeconds: number;
      /** Told when the staff member picks up, before the caller is bridged. */
      onAnswer: Step;
      /** Told when the staff leg ends, answered or not; its instructions continue the caller's call. */
      onEnd: Step;
    }
  /**
   * Speak `prompt` while listening for up to `numDigits` keypad presses (the caller may press
   * during the prompt), waiting `timeoutSeconds` after it for input. The provider must then request
   * `next` with the digits, and request it with none when nothing was pressed (Twilio:
   * actionOnEmptyResult; jambonz: the actionHook with reason timeout). Instructions after a gather
   * are never reached.
   */
  | { verb: 'gather'; prompt: Instruction[]; numDigits: number; timeoutSeconds: number; next: Step }
  /** Put the caller through to an outside number; their call ends when that call does. */
  | { verb: 'transfer'; number: string }
  | { verb: 'hangup' };
