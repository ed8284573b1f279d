import type { Cluster, Redis } from 'ioredis';

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

/** Entries one read returns at most (and when no limit is given). */
export const AUDIT_READ_MAX = 10_000;
/** Stream key suffix of deployment-wide events. */
const NO_PRACTICE = '-';
const FIELDS = ['actor', 'action', 'callId', 'outcome', 'matches'] as const;

/**
 * The audit log in Redis: one stream per practice (`<prefix>audit:<ods>`, and `<prefix>audit:-`
 * for deployment-wide events). Each entry's stream id is Redis's own clock in milliseconds, so
 * `at` is the server's time and a time range is an XREVRANGE. Every write trims entries older than
 * the retention (XADD MINID, exact: an entry past retention is gone, not merely due to go); like the statistics, the
 * streams are as durable as Redis's AOF.
 */
export class RedisAuditLog implements AuditLog {
  constructor(
    private readonly redis: Redis | Cluster,
    private readonly keyPrefix: string,
    private readonly retentionDays: number,
  ) {}

  private key(practice: string | null): string {
    return `${this.keyPrefix}audit:${practice ?? NO_PRACTICE}`;
  }

  async record(event: AuditEvent): Promise<void> {
    const fields: (string | number)[] = [];
    for (const f of FIELDS) if (event[f] !== undefined) fields.push(f, event[f]);
    const oldest = Math.max(0, Date.now() - this.retentionDays * 86_400_000);
    await this.redis.xadd(this.key(event.practice), 'MINID', oldest, '*', ...fields);
  }

  async read(practice: string | null, opts: { from?: number; to?: number; limit?: number } = {}): Promise<AuditEntry[]> {
    const limit = Math.min(opts.limit ?? AUDIT_READ_MAX, AUDIT_READ_MAX);
    const end = opts.to === undefined ? '+' : String(opts.to);
    const start = opts.from === undefined ? '-' : String(opts.from);
    const rows = await this.redis.xrevrange(this.key(practice), end, start, 'COUNT', limit);
    return rows.map(([id, flat]) => {
      const f = new Map<string, string>();
      for (let i = 0; i < flat.length; i += 2) f.set(flat[i]!, flat[i + 1]!);
      const entry: AuditEntry = { at: new Date(Number(id.split('-')[0])).toISOString(), practice, actor: f.get('actor') ?? '', action: f.get('action') ?? '' };
      if (f.has('callId')) entry.callId = f.get('callId');
      if (f.has('outcome')) entry.outcome = f.get('outcome');
      if (f.has('matches')) entry.matches = Number(f.get('matches'));
      return entry;
    });
  }
}
