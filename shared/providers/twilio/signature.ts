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
 * Checks Twilio's signatures, remembering those of wait-loop requests for a while. A waiting
 * caller's wait loop is the same request every half minute (the same URL and fields, none of them
 * a time, so the same signature), and its HMAC was the largest single item of such a webhook's
 * CPU: a request whose signed text is identical to one already verified under the same auth token
 * can only carry the same signature, so it is compared with that one instead of being hashed
 * again. This accepts nothing a fresh HMAC would refuse. Only requests that passed are remembered
 * (a flood of unsigned ones cannot push out the callers'), at most `maxEntries`, each for at most
 * `maxAgeMs` (the text holds the caller's number): the oldest go first, and a timer forgets
 * the last of them even when no other request comes.
 */
export class TwilioSignatureCheck {
  private readonly verified = new Map<string, Remembered>();
  /** Texts in the order they were remembered, from `head` on (a Map's own iterator would skip every deleted slot each time). */
  private order: Remembered[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(private readonly opts: { maxEntries: number; maxAgeMs: number; now?: () => number } = { maxEntries: 20_000, maxAgeMs: 10 * 60_000 }) {
    this.now = opts.now ?? (() => performance.now());
  }

  /** `remember`: whether this request is one that repeats (the wait loop); others are checked afresh and not kept. */
  isValid(authToken: string, signature: string | undefined, url: string, params: Record<string, string | string[]>, remember = false): boolean {
    if (signature === undefined) return false;
    const text = signedText(url, params);
    if (!remember) return matches(hmacOf(authToken, text), signature);
    const now = this.now();
    this.forget(now);
    const known = this.verified.get(text);
    if (known?.authToken === authToken) return matches(known.signature, signature);
    const expected = hmacOf(authToken, text);
    if (!matches(expected, signature)) return false;
    // Known under another token (the practice's changed): the entry takes the new one where it stands.
    if (known) Object.assign(known, { authToken, signature: expected });
    else this.remember({ text, authToken, signature: expected, at: now });
    return true;
  }

  /** Each text is in the map and the queue once, so forgetting the oldest is always one of those remembered. */
  private remember(entry: Remembered): void {
    this.verified.set(entry.text, entry);
    this.order.push(entry);
    if (this.verified.size > this.opts.maxEntries) this.forgetOldest();
    this.timer ??= setTimeout(() => this.expire(), this.opts.maxAgeMs).unref();
  }

  /** Forgets those older than `maxAgeMs`. */
  private forget(now: number): void {
    while (this.head < this.order.length && now - this.order[this.head]!.at >= this.opts.maxAgeMs) this.forgetOldest();
  }

  private forgetOldest(): void {
    this.verified.delete(this.order[this.head]!.text);
    this.order[this.head++] = undefined as unknown as Remembered;
    if (this.head > 1024 && this.head * 2 > this.order.length) [this.order, this.head] = [this.order.slice(this.head), 0];
  }

  /** The timer: forgets what has grown old, and comes back for the rest while any is left. */
  private expire(): void {
    this.timer = undefined;
    const now = this.now();
    this.forget(now);
    const next = this.order[this.head];
    if (next) this.timer = setTimeout(() => this.expire(), Math.max(1, next.at + this.opts.maxAgeMs - now)).unref();
  }

  /** How many verified requests are remembered now. */
  get size(): number {
    return this.verified.size;
  }
}

interface Remembered {
  text: string;
  authToken: string;
  signature: string;
  at: number;
}
