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
  if (!sameText(seal(practice, callSid, payload), sealed)) return undefined;
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Instruction[];
}

/**
 * The seal on a call-back leg's hook: its step, call-back and staff member, under the webhook
 * secret. The outbound call's sid is not known when its hooks are made, so they are bound to what
 * they act on instead: a signed body replayed to a URL of someone else's making changes nothing.
 */
export function callbackSeal(practice: Practice, step: string, callbackId: string, staffId: string): string {
  return hmac(practice, `callback.${step}.${callbackId}.${staffId}`);
}

export function isCallbackSealed(practice: Practice, step: string, callbackId: string, staffId: string, sealed: string): boolean {
  return sameText(callbackSeal(practice, step, callbackId, staffId), sealed);
}

function seal(practice: Practice, callSid: string, payload: string): string {
  return hmac(practice, `connect.${callSid}.${payload}`);
}

function hmac(practice: Practice, text: string): string {
  return createHmac('sha256', jambonzAccount(practice).webhookSecret).update(text).digest('hex');
}

function sameText(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
