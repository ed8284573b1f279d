/**
 * What the call flow asks a provider to do, in no provider's language. Adapters render these as
 * TwiML, jambonz verbs or NCCO, and turn a `Step` into a webhook URL of their own.
 */

/** Where the provider should come back to, and with what. */
export type Step =
  | { step: 'wait' }
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
  | { step: 'callback-result'; callbackId: string; staffId: string };

/** What may play while a keypad answer is awaited. */
export type Prompt = { verb: 'say'; text: string } | { verb: 'play'; url: string } | { verb: 'pause'; seconds: number };

export type Instruction =
  | Prompt
  | { verb: 'redirect'; next: Step }
  | {
      /** Play the prompt while listening for keys; the keys go to `next`. No keys: carry on with the next instruction. */
      verb: 'gather';
      prompt: Prompt[];
      maxDigits: number;
      /** A key that ends the input early (e.g. '#'). */
      finishOnKey?: string;
      /** Seconds to wait for a key once the prompt has finished. */
      timeoutSeconds: number;
      next: Step;
    }
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
    }
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
