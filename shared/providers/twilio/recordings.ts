import type { ProviderRecording, RecordingAudio, RecordingControl } from '../../recording/control.js';
import { TwilioApiError, twilioRequest } from './rest.js';

/**
 * Twilio's Recordings API. A <Dial record> recording belongs to the caller's (parent) call: paused
 * and resumed through .../Calls/{CallSid}/Recordings/{Sid}.json (Twilio.CURRENT, the call's
 * recording in progress, before its sid has been reported), fetched as .../Recordings/{Sid}.mp3 and
 * deleted with DELETE .../Recordings/{Sid}.json. Twilio keeps a recording until it is deleted.
 */
export class TwilioRecordings implements RecordingControl {
  constructor(
    private readonly apiBase: string,
    private readonly timeoutMs = 5000,
    /** Audio can take longer than a live-call update to start coming. */
    private readonly audioTimeoutMs = 30_000,
  ) {}

  pause(r: ProviderRecording): Promise<'ok' | 'gone'> {
    // silence: the paused part is kept as silence, so the recording's timeline stays the call's.
    return this.update(r, { Status: 'paused', PauseBehavior: 'silence' });
  }

  resume(r: ProviderRecording): Promise<'ok' | 'gone'> {
    return this.update(r, { Status: 'in-progress' });
  }

  async audio(r: ProviderRecording): Promise<RecordingAudio | 'gone'> {
    if (!r.recordingId) return 'gone';
    const res = await twilioRequest(this.apiBase, r.practice, `Recordings/${encodeURIComponent(r.recordingId)}.mp3`, { timeoutMs: this.audioTimeoutMs });
    if (res.status === 404) return 'gone';
    if (!res.ok || !res.body) throw await apiError(res);
    const length = Number(res.headers.get('content-length'));
    return { contentType: res.headers.get('content-type') ?? 'audio/mpeg', ...(length > 0 ? { contentLength: length } : {}), body: res.body };
  }

  async delete(r: ProviderRecording): Promise<'deleted' | 'gone'> {
    if (!r.recordingId) return 'gone';
    const res = await twilioRequest(this.apiBase, r.practice, `Recordings/${encodeURIComponent(r.recordingId)}.json`, { method: 'DELETE', timeoutMs: this.timeoutMs });
    if (res.status === 204 || res.status === 200) return 'deleted';
    if (res.status === 404) return 'gone';
    throw await apiError(res);
  }

  private async update(r: ProviderRecording, form: Record<string, string>): Promise<'ok' | 'gone'> {
    const sid = r.recordingId ?? 'Twilio.CURRENT';
    const res = await twilioRequest(this.apiBase, r.practice, `Calls/${encodeURIComponent(r.providerCallId)}/Recordings/${encodeURIComponent(sid)}.json`, { form, timeoutMs: this.timeoutMs });
    if (res.ok) return 'ok';
    if (res.status === 404) return 'gone';
    throw await apiError(res);
  }
}

async function apiError(res: Response): Promise<TwilioApiError> {
  const body = (await res.json().catch(() => ({}))) as { code?: number; message?: string };
  return new TwilioApiError(res.status, body.code, body.message ?? res.statusText);
}
