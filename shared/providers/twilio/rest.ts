import type { Instruction } from '../../callflow/instructions.js';
import type { LiveCall, LiveCallControl } from '../../callflow/ports.js';
import { renderTwiml } from './twiml.js';

/** Twilio error codes that mean the call is no longer there to update. */
const CALL_GONE = new Set([21220, 20404]);

export class TwilioApiError extends Error {
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
    const account = call.practice.provider;
    if (account.kind !== 'twilio') throw new Error(`practice ${call.practice.ods} is not on Twilio`);
    const { accountSid, authToken } = account;
    const twiml = renderTwiml(instructions, { publicUrl: this.publicUrl, practice: call.practice, providerCallId: call.providerCallId });
    const res = await fetch(`${this.apiBase}/2010-04-01/Accounts/${accountSid}/Calls/${encodeURIComponent(call.providerCallId)}.json`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ Twiml: twiml }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (res.ok) return 'ok';
    const body = (await res.json().catch(() => ({}))) as { code?: number; message?: string };
    if (body.code !== undefined && CALL_GONE.has(body.code)) return 'gone';
    if (res.status === 404) return 'gone';
    throw new TwilioApiError(res.status, body.code, body.message ?? res.statusText);
  }
}
