import type { Instruction, OutboundCall } from '../../callflow/instructions.js';
import type { LiveCall, LiveCallControl } from '../../callflow/ports.js';
import type { Practice } from '../../directory/types.js';
import { connectUrl } from './connect.js';
import { dialTarget, jambonzAccount, jambonzBasePath, jambonzStepUrl } from './verbs.js';

export class JambonzApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(`jambonz API ${status}: ${message}`);
  }
}

/**
 * jambonz's REST API (Bearer API key). Live-call updates: PUT /v1/Accounts/{account_sid}/Calls/{call_sid}
 * with a new call hook; 202 means jambonz will fetch the hook and run what it returns in place of
 * what the call was doing; 404 (unknown) and 422 (the call session is gone) mean the caller is no
 * longer there. Outbound calls: POST /v1/Accounts/{account_sid}/Calls; 201 {sid}.
 */
export class JambonzLiveCalls implements LiveCallControl {
  private readonly basePath: string;
  /** scheme://host:port of PUBLIC_URL: an outbound call's hooks must be absolute. */
  private readonly origin: string;

  constructor(
    private readonly apiBase: string,
    publicUrl: string,
    private readonly timeoutMs = 5000,
  ) {
    this.basePath = jambonzBasePath(publicUrl);
    this.origin = new URL(publicUrl).origin;
  }

  async redirect(call: LiveCall, instructions: Instruction[]): Promise<'ok' | 'gone'> {
    const { accountSid, apiKey } = jambonzAccount(call.practice);
    const url = connectUrl(this.basePath, call.practice, call.providerCallId, instructions);
    const res = await fetch(`${this.apiBase}/v1/Accounts/${encodeURIComponent(accountSid)}/Calls/${encodeURIComponent(call.providerCallId)}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ call_hook: { url, method: 'POST' } }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (res.status === 202 || res.status === 200 || res.status === 204) return 'ok';
    if (res.status === 404 || res.status === 422) return 'gone';
    const body = (await res.json().catch(() => ({}))) as { msg?: string; message?: string };
    throw new JambonzApiError(res.status, body.msg ?? body.message ?? res.statusText);
  }

  /**
   * A call placed outside any jambonz application: jambonz-api-server (validateCreateCall) then
   * requires absolute hooks and the call's speech settings, all five, which come from the
   * practice's `ttsVendor`, `language` and `voice`. The hooks' own '/'-relative hooks resolve
   * against the call hook, as for an application's.
   */
  canPlaceCall(practice: Practice): boolean {
    return !!jambonzAccount(practice).ttsVendor && !!practice.voice;
  }

  async placeCall(practice: Practice, call: OutboundCall): Promise<string> {
    const { accountSid, apiKey, ttsVendor } = jambonzAccount(practice);
    if (!ttsVendor || !practice.voice) throw new Error(`practice ${practice.ods} needs ttsVendor and voice to place jambonz calls`);
    const hook = (step: OutboundCall['onAnswer']) => ({ url: this.origin + jambonzStepUrl(this.basePath, practice, step), method: 'POST' });
    const res = await fetch(`${this.apiBase}/v1/Accounts/${encodeURIComponent(accountSid)}/Calls`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        from: call.callerId,
        to: dialTarget(call.to),
        call_hook: hook(call.onAnswer),
        call_status_hook: hook(call.onEnd),
        timeout: call.timeoutSeconds,
        speech_synthesis_vendor: ttsVendor,
        speech_synthesis_language: practice.language,
        speech_synthesis_voice: practice.voice,
        // Required with the rest, though nothing on these calls listens for speech.
        speech_recognizer_vendor: ttsVendor,
        speech_recognizer_language: practice.language,
      }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const body = (await res.json().catch(() => ({}))) as { sid?: string; msg?: string; message?: string };
    if (res.status !== 201 || !body.sid) throw new JambonzApiError(res.status, body.msg ?? body.message ?? res.statusText);
    return body.sid;
  }
}
