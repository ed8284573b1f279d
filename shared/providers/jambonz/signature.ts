import { createHmac, timingSafeEqual } from 'node:crypto';

/** Seconds a signed request stays acceptable: @jambonz/node-client's verifier allows 300. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/**
 * jambonz's webhook signature (jambonz-feature-server lib/utils/base-requestor.js):
 * `Jambonz-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(webhook secret, "<t>.<raw body>")>`.
 */
export function jambonzSignature(secret: string, timestamp: number, rawBody: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${rawBody}`, 'utf8').digest('hex');
}

export function jambonzSignatureHeader(secret: string, rawBody: string, timestamp = Math.floor(Date.now() / 1000)): string {
  return `t=${timestamp},v1=${jambonzSignature(secret, timestamp, rawBody)}`;
}

export type SignatureCheck = 'valid' | 'missing' | 'wrong' | 'stale';

/**
 * Checks a request's header against the raw body it came with. A signature outside the tolerance
 * window either way is 'stale': a replay, or a clock too far out to trust.
 */
export function checkJambonzSignature(secret: string, header: string | undefined, rawBody: string, nowSeconds = Math.floor(Date.now() / 1000)): SignatureCheck {
  if (!header) return 'missing';
  let timestamp = Number.NaN;
  const given: string[] = [];
  for (const part of header.split(',')) {
    const [key, value = ''] = part.trim().split('=');
    if (key === 't' && /^\d+$/.test(value)) timestamp = Number(value);
    if (key === 'v1') given.push(value);
  }
  if (!Number.isFinite(timestamp) || given.length === 0) return 'wrong';
  const expected = Buffer.from(jambonzSignature(secret, timestamp, rawBody));
  const matches = given.some((sig) => {
    const candidate = Buffer.from(sig);
    return candidate.length === expected.length && timingSafeEqual(candidate, expected);
  });
  if (!matches) return 'wrong';
  return Math.abs(nowSeconds - timestamp) > SIGNATURE_TOLERANCE_SECONDS ? 'stale' : 'valid';
}
