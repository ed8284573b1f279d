import type { Instruction } from '../../callflow/instructions.js';
import type { LiveCall, LiveCallControl } from '../../callflow/ports.js';
import { connectUrl } from './connect.js';
import { jambonzAccount, jambonzBasePath } from './verbs.js';

export class JambonzApiError extends Error {
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
 * Live-call updates through jambonz's REST API: PUT /v1/Accounts/{account_sid}/Calls/{call_sid}
 * with a new call hook (Bearer API key). 202 means jambonz will fetch the hook and run what it
 * returns in place of what the call was doing; 404 (unknown) and 422 (the call session is gone)
 * mean the caller is no longer there.
 */
export class JambonzLiveCalls implements LiveCallControl {
  private readonly basePath: string;

  constructor(
    private readonly apiBase: string,
    publicUrl: string,
    private readonly timeoutMs = 5000,
  ) {
    this.basePath = jambonzBasePath(publicUrl);
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
   * GET /v1/Accounts/{account_sid}/Calls/{call_sid}: the call's information (`call_status`) while
   * jambonz keeps it, 404 once it is gone (it keeps a call while it is live, and a while after).
   */
  async status(call: LiveCall): Promise<'live' | 'over'> {
    const { accountSid, apiKey } = jambonzAccount(call.practice);
    const res = await fetch(`${this.apiBase}/v1/Accounts/${encodeURIComponent(accountSid)}/Calls/${encodeURIComponent(call.providerCallId)}`, {
      headers: { authorization: `Bearer ${apiKey}` },
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (res.status === 404) return 'over';
    const body = (await res.json().catch(() => ({}))) as { call_status?: string; msg?: string; message?: string };
    if (res.status !== 200 || !body.call_status) throw new JambonzApiError(res.status, body.msg ?? body.message ?? res.statusText);
    return FINAL_STATUS.has(body.call_status) ? 'over' : 'live';
  }
}
