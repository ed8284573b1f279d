import { ProviderApiError } from '../api-error.js';
import type { Instruction, OutboundCall } from '../../callflow/instructions.js';
import type { Practice } from '../../directory/types.js';
import type { LiveCall, LiveCallControl } from '../../callflow/ports.js';
import { renderTwiml, twilioStepUrl } from './twiml.js';

/** Twilio error codes that mean the call is no longer there to update. */
const CALL_GONE = new Set([21220, 20404]);
/** A call's `status` once it is over (the others: queued, ringing, in-progress). */
const FINAL_STATUS = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);

export class TwilioApiError extends ProviderApiError {
  constructor(
    readonly status: number,
    readonly code: number | undefined,
    message: string,
  ) {
    super(`Twilio API ${status}${code ? ` (${code})` : ''}: ${message}`);
  }
}

/** Live-call updates through Twilio's Calls API: POST .../Calls/{CallSid}.json with inline TwiML. */
export class TwilioLiveCalls implements LiveCallControl {
  constructor(
    private readonly apiBase: string,
    private readonly publicUrl: string,
    private readonly timeoutMs = 5000,
  ) {}

  async redirect(call: LiveCall, instructions: Instruction[]): Promise<'ok' | 'gone'> {
    const twiml = renderTwiml(instructions, { publicUrl: this.publicUrl, practice: call.practice, providerCallId: call.providerCallId });
    const res = await this.request(call.practice, `Calls/${encodeURIComponent(call.providerCallId)}.json`, { Twiml: twiml });
    if (res.ok) return 'ok';
    const body = (await res.json().catch(() => ({}))) as { code?: number; message?: string };
    if (body.code !== undefined && CALL_GONE.has(body.code)) return 'gone';
    if (res.status === 404) return 'gone';
    throw new TwilioApiError(res.status, body.code, body.message ?? res.statusText);
  }

  /** POST .../Calls.json: ring `to`; Twilio fetches the answer URL when it picks up. */
  async placeCall(practice: Practice, call: OutboundCall): Promise<string> {
    const url = (step: OutboundCall['onAnswer']) => twilioStepUrl(this.publicUrl, practice, '', step);
    const res = await this.request(practice, 'Calls.json', {
      To: call.to,
      From: call.callerId,
      Url: url(call.onAnswer),
      Method: 'POST',
      StatusCallback: url(call.onEnd),
      StatusCallbackMethod: 'POST',
      Timeout: String(call.timeoutSeconds),
    });
    const body = (await res.json().catch(() => ({}))) as { sid?: string; code?: number; message?: string };
    if (!res.ok || !body.sid) throw new TwilioApiError(res.status, body.code, body.message ?? res.statusText);
    return body.sid;
  }

  /** GET .../Calls/{CallSid}.json: Twilio keeps a call's resource after it ends, with its final status. */
  async status(call: LiveCall): Promise<'live' | 'over'> {
    const res = await this.request(call.practice, `Calls/${encodeURIComponent(call.providerCallId)}.json`);
    const body = (await res.json().catch(() => ({}))) as { status?: string; code?: number; message?: string };
    // Twilio no longer has the call (deleted, or past its retention): there is nothing left to wait for.
    if (res.status === 404) return 'over';
    if (!res.ok || !body.status) throw new TwilioApiError(res.status, body.code, body.message ?? res.statusText);
    return FINAL_STATUS.has(body.status) ? 'over' : 'live';
  }

  private request(practice: Practice, path: string, form?: Record<string, string>): Promise<Response> {
    return twilioRequest(this.apiBase, practice, path, { form, timeoutMs: this.timeoutMs });
  }
}

/** A request to the practice account's REST API (`path` after .../Accounts/{AccountSid}/): a POST with form fields, else GET (or `method`). */
export function twilioRequest(apiBase: string, practice: Practice, path: string, opts: { form?: Record<string, string>; method?: 'GET' | 'DELETE'; timeoutMs: number }): Promise<Response> {
  const account = practice.provider;
  if (account.kind !== 'twilio') throw new Error(`practice ${practice.ods} is not on Twilio`);
  const { accountSid, authToken } = account;
  const { form } = opts;
  return fetch(`${apiBase}/2010-04-01/Accounts/${accountSid}/${path}`, {
    method: form ? 'POST' : (opts.method ?? 'GET'),
    headers: {
      authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`,
      ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
    ...(form ? { body: new URLSearchParams(form) } : {}),
    signal: AbortSignal.timeout(opts.timeoutMs),
  });
}
