/**
 * What the call flow asks a provider to do, in no provider's language. Adapters render these as
 * TwiML, jambonz verbs or NCCO, and turn a `Step` into a webhook URL of their own.
 */

/** Where the provider should come back to, and with what. */
export type Step =
  | { step: 'wait' }
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
  | { verb: 'hangup' };
