import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

/**
 * Twilio's request signature: base64 HMAC-SHA1, keyed with the account's auth token, of the full
 * URL Twilio requested (query included) followed by every POST parameter's name and value, sorted
 * by name, with no separators. (twilio-node examples/WebhookSignatureValidation.md.)
 */
export function twilioSignature(authToken: string, url: string, params: Record<string, string | string[]>): string {
  return hmacOf(authToken, signedText(url, params));
}

/** The text Twilio signs for a request. */
function signedText(url: string, params: Record<string, string | string[]>): string {
  return Object.keys(params)
    .sort()
    .reduce((acc, name) => {
      const value = params[name]!;
      // A repeated field is signed once per value, values in order.
      return acc + (Array.isArray(value) ? [...new Set(value)].sort().map((v) => name + v).join('') : name + value);
    }, url);
}

const hmacOf = (authToken: string, text: string) => createHmac('sha1', keyOf(authToken)).update(text, 'utf8').digest('base64');

/** Each auth token's key made once (a quarter of the HMAC's cost is taking in a string key); one per practice. */
const keys = new Map<string, KeyObject>();
const keyOf = (authToken: string) => {
  let key = keys.get(authToken);
  if (!key) keys.set(authToken, (key = createSecretKey(Buffer.from(authToken, 'utf8'))));
  return key;
};

const matches = (expected: string, signature: string) => {
  const [a, b] = [Buffer.from(expected), Buffer.from(signature)];
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * Checks Twilio's signatures, remembering the ones it has worked out for a while. A waiting
 * caller's wait loop is the same request every half minute (the same URL and parameters, so the
 * same signature), and its HMAC was the largest single item of such a webhook's CPU: a request
 * identical to one already verified under the same auth token can only carry the same signature,
 * so it is compared with that one instead of being hashed again. Twilio's signatures carry no
 * time or nonce, so this accepts nothing a fresh HMAC would refuse. Only verified requests are
 * remembered (a flood of unsigned ones cannot push out the callers'), at most `maxEntries`, each
 * for at most `maxAgeMs` (the text holds the caller's number): the oldest go first.
 */
export class TwilioSignatureCheck {
  private readonly verified = new Map<string, { authToken: string; signature: string; at: number }>();

  constructor(private readonly opts: { maxEntries: number; maxAgeMs: number; now?: () => number } = { maxEntries: 20_000, maxAgeMs: 10 * 60_000 }) {}

  isValid(authToken: string, signature: string | undefined, url: string, params: Record<string, string | string[]>): boolean {
    if (signature === undefined) return false;
    const text = signedText(url, params);
    const now = this.opts.now?.() ?? Date.now();
    const known = this.verified.get(text);
    if (known && known.authToken === authToken && now - known.at < this.opts.maxAgeMs) return matches(known.signature, signature);
    const expected = hmacOf(authToken, text);
    if (!matches(expected, signature)) return false;
    this.remember(text, { authToken, signature: expected, at: now });
    return true;
  }

  /** Entries are kept in the order they were verified: the oldest are at the front. */
  private remember(text: string, entry: { authToken: string; signature: string; at: number }): void {
    this.verified.delete(text);
    for (const [oldText, old] of this.verified) {
      if (this.verified.size < this.opts.maxEntries && entry.at - old.at < this.opts.maxAgeMs) break;
      this.verified.delete(oldText);
    }
    this.verified.set(text, entry);
  }

  /** How many verified requests are remembered now. */
  get size(): number {
    return this.verified.size;
  }
}
