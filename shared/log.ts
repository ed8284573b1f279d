import { pino, type BaseLogger, type ChildLoggerOptions, type Logger, type LoggerOptions } from 'pino';

/** The logging the domain code needs; a pino or Fastify logger satisfies it. */
export type Log = Pick<BaseLogger, 'debug' | 'info' | 'warn' | 'error'>;

/**
 * Caller numbers are personal data. Every field that can carry one is redacted wherever it appears
 * in a log line; code that wants to say which caller it means logs `maskNumber(from)` instead.
 */
const numberFields = ['from', 'From', 'Caller', 'caller', 'callbackNumber', 'number', 'to', 'To', 'Called'];
export const redactPaths = [
  ...numberFields,
  ...numberFields.map((f) => `*.${f}`),
  ...numberFields.map((f) => `req.body.${f}`),
  'req.headers.authorization',
  'req.headers["x-twilio-signature"]',
  'headers.authorization',
];

/** A request's address as log lines show it: the last digits of a caller's number searched for (docs/calls.md) taken out. */
export const redactUrl = (url: string) => url.replace(/([?&]digits=)[^&#]*/gi, '$1[redacted]');

interface LoggedRequest {
  method: string;
  url: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

export function loggerOptions(level = process.env.LOG_LEVEL ?? 'info'): LoggerOptions {
  return {
    level,
    redact: { paths: redactPaths, censor: '[redacted]' },
    // A request as Fastify logs it, but for the address; anything else called req as it is (redacted above).
    serializers: { req: (r: LoggedRequest) => (typeof r?.url === 'string' ? { method: r.method, url: redactUrl(r.url), host: r.host, remoteAddress: r.ip, remotePort: r.socket?.remotePort } : r) },
  };
}

export function createLogger(level?: string) {
  return pino(loggerOptions(level));
}

/** "+447700900123" → "•••••••••123": enough for staff to tell two callers apart, not to ring them. */
export function maskNumber(number: string | undefined | null): string {
  if (!number) return 'withheld';
  const digits = number.replace(/[^0-9]/g, '');
  if (digits.length < 4) return 'withheld';
  return '•'.repeat(Math.max(0, number.length - 3)) + number.slice(-3);
}

type Bindings = Record<string, unknown>;
type LevelName = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
type Method = (...args: unknown[]) => void;
const LEVELS: LevelName[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

/**
 * A child of `parent` with `bindings` that is made only when something is logged through it. Fastify
 * gives every request a child logger (with its request id); for webhooks at warn, almost none ever
 * logs, and making a pino child (its bindings serialised and redacted) was a measurable share of a
 * webhook's CPU. Levels the parent does not log are no-ops, as on a pino logger (raising a request
 * logger's level cannot turn them on: its methods are fixed when made). One small object
 * per request: the methods live on a class made once per parent (and again if its level changes).
 */
export function lazyChild<L extends { level: string; child(bindings: Bindings): unknown }>(parent: L, bindings: Bindings): L {
  let made = lazyClasses.get(parent);
  if (made?.level !== parent.level) lazyClasses.set(parent, (made = { level: parent.level, Lazy: lazyLoggerClass(parent as unknown as Logger) }));
  return new made.Lazy(bindings) as unknown as L;
}

const lazyClasses = new WeakMap<object, { level: string; Lazy: ReturnType<typeof lazyLoggerClass> }>();

function lazyLoggerClass(parent: Logger) {
  class LazyChild {
    private made: Logger | undefined;
    constructor(private readonly bindings: Bindings) {}
    private get logger(): Logger {
      return (this.made ??= parent.child(this.bindings));
    }
    child(more: Bindings, options?: ChildLoggerOptions) {
      return this.logger.child(more, options);
    }
    get level(): string {
      return (this.made ?? parent).level;
    }
    set level(level: string) {
      this.logger.level = level;
    }
    isLevelEnabled(level: string) {
      return (this.made ?? parent).isLevelEnabled(level);
    }
    silent() {}
  }
  for (const level of LEVELS) {
    const log = parent.isLevelEnabled(level) ? function (this: LazyChild, ...args: unknown[]) { (this['logger'][level] as Method)(...args); } : noop;
    Object.defineProperty(LazyChild.prototype, level, { value: log });
  }
  return LazyChild;
}

const noop = () => {};
