import type { Log } from './log.js';

interface Connection {
  on(event: 'error', listener: (err: Error) => void): unknown;
  on(event: 'ready', listener: () => void): unknown;
}

/**
 * Redis being away, said in a few lines rather than one per reconnect attempt per connection (about
 * seven a second): one warning when the first connection loses Redis, one every `everyMs` while it
 * stays away, and one line when every connection that lost it is ready again. Errors that are not
 * about reaching Redis are logged as they come.
 */
export class RedisOutageLog {
  private readonly away = new Set<string>();
  private since = 0;
  private lastLine = 0;
  private unsaid = 0;

  constructor(
    private readonly log: Log,
    private readonly isUnavailable: (err: Error) => boolean,
    private readonly everyMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Follows one connection: its errors, and its being ready again. */
  watch(connection: Connection, name: string): void {
    connection.on('error', (err: Error) => this.error(err, name));
    connection.on('ready', () => this.ready(name));
  }

  /**
   * An error from `source`: a watched connection, or something built on one (BullMQ's queue and
   * worker, `ownConnection` false), which repeats its connection's errors and so never starts or
   * prolongs an outage alone.
   */
  error(err: Error, source: string, ownConnection = true): void {
    if (!this.isUnavailable(err)) {
      this.log.warn({ err: err.message }, `${source} error`);
      return;
    }
    const now = this.now();
    if (this.away.size === 0) {
      if (!ownConnection) return;
      this.away.add(source);
      this.since = this.lastLine = now;
      this.unsaid = 0;
      this.log.warn({ err: err.message, connection: source }, 'redis is unreachable; retrying (callers are still answered)');
      return;
    }
    if (ownConnection) this.away.add(source);
    if (now - this.lastLine < this.everyMs) {
      this.unsaid++;
      return;
    }
    this.log.warn({ err: err.message, awaySeconds: Math.round((now - this.since) / 1000), errorsSinceLastLine: this.unsaid + 1 }, 'redis is still unreachable');
    this.lastLine = now;
    this.unsaid = 0;
  }

  ready(connection: string): void {
    if (!this.away.delete(connection) || this.away.size > 0) return;
    this.log.info({ awaySeconds: Math.round((this.now() - this.since) / 1000) }, 'redis is reachable again');
  }
}
