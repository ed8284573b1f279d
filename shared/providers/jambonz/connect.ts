import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Instruction } from '../../callflow/instructions.js';
import type { Practice } from '../../directory/types.js';
import { jambonzAccount } from './verbs.js';

/**
 * jambonz's live-call update takes a call hook, not verbs: the instructions travel in the hook's
 * URL, sealed with an HMAC under the practice's webhook secret and bound to the call. jambonz
 * signs only the body of its requests, never the URL, so the seal is what stops a request
 * replayed to a URL of someone else's making from ringing a phone.
 */
export function connectUrl(basePath: string, practice: Practice, callSid: string, instructions: Instruction[]): string {
  const payload = Buffer.from(JSON.stringify(instructions)).toString('base64url');
  const q = new URLSearchParams({ practice: practice.ods, do: payload, seal: seal(practice, callSid, payload) });
  return `${basePath}/connect?${q}`;
}

/** The instructions a connect URL carries, if its seal is good for this call; else undefined. */
export function openConnect(practice: Practice, callSid: string, payload: string, sealed: string): Instruction[] | undefined {
  const expected = Buffer.from(seal(practice, callSid, payload));
  const given = Buffer.from(sealed);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Instruction[];
}

function seal(practice: Practice, callSid: string, payload: string): string {
  return createHmac('sha256', jambonzAccount(practice).webhookSecret).update(`connect.${callSid}.${payload}`).digest('hex');
}
