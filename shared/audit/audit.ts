import type { Redis, Cluster } from 'ioredis';

/** One audited access or security event. Never holds patient details (no names, NHS numbers, caller numbers). */
export interface AuditEvent {
  /** ODS code of the practice the event concerns; null for a deployment-wide event (e.g. a sign-in that maps to nobody). */
  practice: string | null;
  /** Who acted: 'staff:<directory staff id>', 'token:<token name or role:code>', 'oidc:<issuer subject or email>'. */
  actor: string;
  /** What happened: 'patient-lookup', 'lookup-disabled', 'lookup-enabled', 'sign-in', 'sign-in-failed', 'sign-out', 'role-changed', ... */
  action: string;
  callId?: string;
  /** e.g. 'matched', 'no-match', 'unavailable', 'timeout', 'refused: no directory entry' */
  outcome?: string;
  /** Number of candidate patients, for lookups. */
  matches?: number;
}
export interface AuditEntry extends AuditEvent {
  /** ISO time it was recorded (server clock). */
  at: string;
}
export interface AuditLog {
  record(event: AuditEvent): Promise<void>;
  /** Newest first. */
  read(practice: string | null, opts?: { from?: number; to?: number; limit?: number }): Promise<AuditEntry[]>;
}

/** The audit log in Redis: one stream per practice (`<prefix>audit:<ods>`, `<prefix>audit:-`), trimmed by age. */
export class RedisAuditLog implements AuditLog {
  constructor(
    private readonly redis: Redis | Cluster,
    private readonly keyPrefix: string,
    private readonly now: () => number,
    private readonly retentionDays = 2190,
  ) {}

  private key(practice: string | null) {
    return `${this.keyPrefix}audit:${practice ?? '-'}`;
  }

  async record(event: AuditEvent): Promise<void> {
    const oldest = Date.now() - this.retentionDays * 86_400_000;
    await this.redis.xadd(this.key(event.practice), 'MINID', '~', String(oldest), '*', 'event', JSON.stringify({ ...event, at: new Date(this.now()).toISOString() }));
  }

  async read(practice: string | null, opts: { from?: number; to?: number; limit?: number } = {}): Promise<AuditEntry[]> {
    const rows = await this.redis.xrevrange(this.key(practice), opts.to === undefined ? '+' : String(opts.to), opts.from === undefined ? '-' : String(opts.from), 'COUNT', opts.limit ?? 1000);
    return rows.map(([, fields]) => JSON.parse(fields[1]!) as AuditEntry);
  }
}
