import type { ProviderRecording, RecordingAudio, RecordingControl } from '../../recording/control.js';
import { apiError, jambonzRequest } from './rest.js';

/**
 * jambonz's cloud recording (docs.jambonz.org "Call Recording"; jambonz-feature-server
 * CallSession.notifyRecordOptions, jambonz-api-server lib/record/upload.js and RecentCalls):
 * started, paused and resumed with the REST update-call `record` action (`type: cloud`, else jambonz
 * takes it for SIPREC); the audio is uploaded, both parties in two channels, to the account's own
 * bucket as `YYYY/MM/DD/<call_sid>.<format>` (the day it started, UTC), and fetched or deleted through
 * GET and DELETE /v1/Accounts/{sid}/RecentCalls/{call_sid}/record/{YYYY}/{MM}/{DD}/{format}.
 */
export class JambonzRecordings implements RecordingControl {
  constructor(
    private readonly apiBase: string,
    private readonly timeoutMs = 5000,
    private readonly audioTimeoutMs = 30_000,
  ) {}

  async startOnAnswer(r: ProviderRecording): Promise<string> {
    if ((await this.record(r, 'startCallRecording')) === 'gone') throw new Error(`jambonz call ${r.providerCallId} is gone: not recorded`);
    const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
    return `${day}/${r.providerCallId}.mp3`;
  }

  pause(r: ProviderRecording): Promise<'ok' | 'gone'> {
    // silence: the paused part is padded with silence rather than cut out, so times still match the call.
    return this.record(r, 'pauseCallRecording', { silence: true });
  }

  resume(r: ProviderRecording): Promise<'ok' | 'gone'> {
    return this.record(r, 'resumeCallRecording');
  }

  async audio(r: ProviderRecording): Promise<RecordingAudio | 'gone'> {
    const path = this.objectPath(r);
    if (!path) return 'gone';
    const res = await jambonzRequest(this.apiBase, r.practice, 'GET', path, undefined, this.audioTimeoutMs);
    if (res.status === 404) return 'gone';
    if (res.status !== 200 || !res.body) throw await apiError(res);
    return { contentType: res.headers.get('content-type') ?? 'audio/mpeg', body: res.body };
  }

  async delete(r: ProviderRecording): Promise<'deleted' | 'gone'> {
    const path = this.objectPath(r);
    if (!path) return 'gone';
    const res = await jambonzRequest(this.apiBase, r.practice, 'DELETE', path, undefined, this.timeoutMs);
    if (res.status === 204 || res.status === 200) return 'deleted';
    if (res.status === 404) return 'gone';
    throw await apiError(res);
  }

  private async record(r: ProviderRecording, action: string, extra: Record<string, unknown> = {}): Promise<'ok' | 'gone'> {
    const res = await jambonzRequest(this.apiBase, r.practice, 'PUT', `/Calls/${encodeURIComponent(r.providerCallId)}`, { record: { action, type: 'cloud', ...extra } }, this.timeoutMs);
    if (res.status === 202 || res.status === 200 || res.status === 204) return 'ok';
    if (res.status === 404 || res.status === 422) return 'gone';
    throw await apiError(res);
  }

  /** RecentCalls/{call_sid}/record/{YYYY}/{MM}/{DD}/{format} for an object key YYYY/MM/DD/<call_sid>.<format>. */
  private objectPath(r: ProviderRecording): string | undefined {
    const m = /^(\d{4})\/(\d{2})\/(\d{2})\/([^/]+)\.(mp3|wav)$/.exec(r.recordingId ?? '');
    if (!m) return undefined;
    const [, y, mo, d, callSid, format] = m;
    return `/RecentCalls/${encodeURIComponent(callSid!)}/record/${y}/${mo}/${d}/${format}`;
  }
}
