import type { Instruction, OutboundCall } from '../../callflow/instructions.js';
import type { LiveCall, LiveCallControl } from '../../callflow/ports.js';
import type { Practice } from '../../directory/types.js';
import { connectUrl } from './connect.js';
import { ProviderApiError } from '../api-error.js';
import { dialTarget, jambonzAccount, jambonzBasePath, jambonzStepUrl } from './verbs.js';

export class JambonzApiError extends ProviderApiError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(`jambonz API ${status}: ${message}`);
  }
}

/** A call's `call_status` once it is over (the others: trying, ringing, early-media, in-progress, queued). */
const FINAL_STATUS = new Set(['completed', 'failed', 'busy', 'no-answer']);

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
    const url = connectUrl(this.basePath, call.practice, call.providerCallId, instructions);
    const res = await this.request(call.practice, 'PUT', `/${encodeURIComponent(call.providerCallId)}`, { call_hook: { url, method: 'POST' } });
    if (res.status === 202 || res.status === 200 || res.status === 204) return 'ok';
    if (res.status === 404 || res.status === 422) return 'gone';
    throw await apiError(res);
  }

  /**
   * GET /v1/Accounts/{account_sid}/Calls/{call_sid}: the call's information (`call_status`) while
   * jambonz keeps it, 404 once it is gone (it keeps a call while it is live, and a while after).
   */
  async status(call: LiveCall): Promise<'live' | 'over'> {
    const res = await this.request(call.practice, 'GET', `/${encodeURIComponent(call.providerCallId)}`);
    if (res.status === 404) return 'over';
    const body = (await res.clone().json().catch(() => ({}))) as { call_status?: string };
    if (res.status !== 200 || !body.call_status) throw await apiError(res);
    return FINAL_STATUS.has(body.call_status) ? 'over' : 'live';
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
    const { ttsVendor } = jambonzAccount(practice);
    if (!ttsVendor || !practice.voice) throw new Error(`practice ${practice.ods} needs ttsVendor and voice to place jambonz calls`);
    const hook = (step: OutboundCall['onAnswer']) => ({ url: this.origin + jambonzStepUrl(this.basePath, practice, step), method: 'POST' });
    const res = await this.request(practice, 'POST', '', {
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
    });
    const body = (await res.clone().json().catch(() => ({}))) as { sid?: string };
    if (res.status !== 201 || !body.sid) throw await apiError(res);
    return body.sid;
  }

  /** A request to the practice account's Calls resource (`path` after .../Calls), with its API key. */
  private request(practice: Practice, method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<Response> {
    return jambonzRequest(this.apiBase, practice, method, `/Calls${path}`, body, this.timeoutMs);
  }
}

/** A request to the practice's account (`path` after /v1/Accounts/{account_sid}), with its API key. */
export function jambonzRequest(apiBase: string, practice: Practice, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body: unknown, timeoutMs: number): Promise<Response> {
  const { accountSid, apiKey } = jambonzAccount(practice);
  return fetch(`${apiBase}/v1/Accounts/${encodeURIComponent(accountSid)}${path}`, {
    method,
    headers: { authorization: `Bearer ${apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
}

export async function apiError(res: Response): Promise<JambonzApiError> {
  const body = (await res.json().catch(() => ({}))) as { msg?: string; message?: string };
  return new JambonzApiError(res.status, body.msg ?? body.message ?? res.statusText);
}
