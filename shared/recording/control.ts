import type { Practice } from '../directory/types.js';

/** A recording as its provider knows it: the call it was made on, and the provider's own id when known. */
export interface ProviderRecording {
  practice: Practice;
  /** The provider's id of the call recorded (Twilio: the caller's CallSid; jambonz: the call_sid). */
  providerCallId: string;
  /** Twilio: the RE… sid; jambonz: the object's key in the account's bucket (YYYY/MM/DD/<call_sid>.mp3). */
  recordingId?: string;
}

/** Audio streamed from the provider, never stored. */
export interface RecordingAudio {
  contentType: string;
  contentLength?: number;
  body: ReadableStream<Uint8Array>;
}

/**
 * What recording needs from a provider's API, beside the `record` of a dial instruction; each
 * adapter implements it (shared/providers/<kind>/recordings.ts). 'gone' means the provider has no
 * such recording (or no such live call): never retried.
 */
export interface RecordingControl {
  /**
   * Start recording a live call now, both parties from here on. Only for providers whose dial cannot
   * record from the answer (jambonz); resolves the recording's id.
   */
  startOnAnswer?(recording: ProviderRecording): Promise<string>;
  pause(recording: ProviderRecording): Promise<'ok' | 'gone'>;
  resume(recording: ProviderRecording): Promise<'ok' | 'gone'>;
  audio(recording: ProviderRecording): Promise<RecordingAudio | 'gone'>;
  delete(recording: ProviderRecording): Promise<'deleted' | 'gone'>;
}
