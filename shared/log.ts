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
 * webhook's CPU. Levels the parent does not log are no-ops, as on a pino logger.
 */
export function lazyChild<L extends { level: string; child(bindings: Bindings): unknown }>(parent: L, bindings: Bindings): L {
  const pinoParent = parent as unknown as Logger;
  let child: Logger | undefined;
  const made = () => (child ??= pinoParent.child(bindings));
  const logger: Record<string, unknown> = { child: (more: Bindings, options?: ChildLoggerOptions) => made().child(more, options) };
  Object.defineProperty(logger, 'level', { get: () => (child ?? pinoParent).level, set: (level: string) => void (made().level = level), enumerable: true });
  for (const level of LEVELS) logger[level] = pinoParent.isLevelEnabled(level) ? (...args: unknown[]) => (made()[level] as Method)(...args) : noop;
  logger.silent = noop;
  logger.isLevelEnabled = (level: string) => (child ?? pinoParent).isLevelEnabled(level);
  return logger as unknown as L;
}

const noop = () => {};
