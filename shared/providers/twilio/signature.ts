import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

/**
 * Twilio's request signature: base64 HMAC-SHA1, keyed with the account's auth token, of the full
 * URL Twilio requested (query included) followed by every POST parameter's name and value, sorted
 * by name, with no separators. (twilio-node examples/WebhookSignatureValidation.md.)
 */
export function twilioSignature(authToken: string, url: string, params: Record<string, string | string[]>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, name) => {
      const value = params[name]!;
      // A repeated field is signed once per value, values in order.
      return acc + (Array.isArray(value) ? [...new Set(value)].sort().map((v) => name + v).join('') : name + value);
    }, url);
  return createHmac('sha1', keyOf(authToken)).update(data, 'utf8').digest('base64');
}

/** Each auth token's key made once (a quarter of the HMAC's cost is taking in a string key); one per practice. */
const keys = new Map<string, KeyObject>();
const keyOf = (authToken: string) => {
  let key = keys.get(authToken);
  if (!key) keys.set(authToken, (key = createSecretKey(Buffer.from(authToken, 'utf8'))));
  return key;
};

export function isValidTwilioSignature(authToken: string, signature: string | undefined, url: string, params: Record<string, string | string[]>): boolean {
  if (!signature) return false;
  const expected = Buffer.from(twilioSignature(authToken, url, params));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
