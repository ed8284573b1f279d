import { createHash } from 'node:crypto';
import { shippedBankHolidays } from '../callflow/hours.js';
import type { AccessEntry, AccessGrant, DirectoryData, Practice, RoleScope, Staff, Team } from './types.js';

/** A team as a queue: its key (`<ods>.<id>` for a practice's, `<pcn>.<id>` for a PCN's) and settings. */
export interface TeamRef {
  key: string;
  team: Team;
  /** The practice that owns it; undefined for a PCN team. */
  practice?: Practice;
}

/** A validated directory with the look-ups the service needs on every request. */
export class Directory {
  private readonly byNumber = new Map<string, Practice>();
  private readonly byOds = new Map<string, Practice>();
  private readonly staffById = new Map<string, Staff>();
  private readonly grants = new Map<string, AccessGrant>();
  private readonly people = new Map<string, AccessGrant>();
  /** Things that work but should be changed, logged when the directory is loaded (plain tokens). */
  readonly warnings: string[] = [];
  private readonly teamsByKey = new Map<string, TeamRef>();
  private readonly teamsByShard = new Map<string, TeamRef[]>();
  private readonly practicesByShard = new Map<string, Practice[]>();
  /** Bank holidays in force: shipped, plus the directory's additions, minus its removals. */
  readonly bankHolidays: ReadonlySet<string>;

  constructor(readonly data: DirectoryData) {
    for (const p of data.practices) {
      this.byOds.set(p.ods, p);
      for (const n of p.numbers) this.byNumber.set(n, p);
      this.practicesByShard.set(this.shard(p), [...(this.practicesByShard.get(this.shard(p)) ?? []), p]);
    }
    for (const s of data.staff) this.staffById.set(s.id, s);
    data.access.forEach((a, i) => {
      const digest = tokenDigestOf(a);
      if (digest) this.grants.set(digest, { ...roleScope(a), kind: 'machine', actor: `token:${a.name ?? describeRole(a)}`, readOnly: a.readOnly ?? false });
      if (a.token !== undefined) this.warnings.push(`access[${i}] (${a.name ?? describeRole(a)}) holds a plain token: store its digest instead (tokenSha256: …, made by npm run hash-token)`);
      if (a.identity !== undefined) this.people.set(a.identity.toLowerCase(), { ...roleScope(a), kind: 'person', actor: `oidc:${a.identity}`, readOnly: false });
    });
    for (const s of data.staff) if (s.identity !== undefined) this.people.set(s.identity.toLowerCase(), { role: 'staff', staff: s.id, kind: 'person', actor: `staff:${s.id}`, readOnly: false });
    for (const pcn of data.pcns) for (const team of pcn.teams) this.teamsByKey.set(`${pcn.code}.${team.id}`, { key: `${pcn.code}.${team.id}`, team });
    for (const p of data.practices) for (const team of p.teams) this.teamsByKey.set(`${p.ods}.${team.id}`, { key: `${p.ods}.${team.id}`, team, practice: p });
    for (const ref of this.teamsByKey.values()) {
      const shard = ref.practice ? this.shard(ref.practice) : ref.key.split('.')[0]!;
      this.teamsByShard.set(shard, [...(this.teamsByShard.get(shard) ?? []), ref]);
    }
    const removed = new Set(data.bankHolidays.remove);
    this.bankHolidays = new Set([...shippedBankHolidays(), ...data.bankHolidays.add].filter((d) => !removed.has(d)));
  }

  get practices(): readonly Practice[] {
    return this.data.practices;
  }

  practiceByNumber(number: string): Practice | undefined {
    return this.byNumber.get(number);
  }

  practice(ods: string): Practice | undefined {
    return this.byOds.get(ods);
  }

  staff(id: string): Staff | undefined {
    return this.staffById.get(id);
  }

  staffOf(practice: Practice): Staff[] {
    return this.data.staff.filter((s) => s.practice === practice.ods);
  }

  /**
   * The grant a machine's bearer token carries, looked up by the token's SHA-256 digest: what is
   * compared is a digest the caller cannot choose, never the token itself.
   */
  grantFor(token: string): AccessGrant | undefined {
    return this.grants.get(tokenDigest(token));
  }

  /** The grant of a person signed in as `identity` (the sign-in claim's value; case does not matter). */
  grantForIdentity(identity: string): AccessGrant | undefined {
    return this.people.get(identity.toLowerCase());
  }

  /** Every person's role, `identity → staff:alice | practice:F81001 | …`, to tell role changes between directories. */
  personRoles(): Map<string, string> {
    return new Map([...this.people].map(([identity, grant]) => [identity, describeRole(grant)]));
  }

  /**
   * The Redis Cluster hash tag of a practice: its PCN, so that every key a PCN's queues touch
   * lives in one slot and one Lua script can move a caller between any of its teams.
   */
  shard(practice: Practice): string {
    return practice.pcn ?? practice.ods;
  }

  /** A team's queue name, unique across the directory. */
  teamKey(practice: Practice, teamId: string): string {
    return this.team(practice, teamId)?.key ?? `${practice.ods}.${teamId}`;
  }

  /**
   * A team as a practice names it: its own team of that id, else its PCN's; or a full key
   * (`F81002.reception`) of any team in the same PCN.
   */
  team(practice: Practice, ref: string): TeamRef | undefined {
    if (ref.includes('.')) {
      const found = this.teamsByKey.get(ref);
      const owner = found?.practice ? this.shard(found.practice) : ref.split('.')[0];
      return found && owner === this.shard(practice) ? found : undefined;
    }
    return this.teamsByKey.get(`${practice.ods}.${ref}`) ?? (practice.pcn ? this.teamsByKey.get(`${practice.pcn}.${ref}`) : undefined);
  }

  teamByKey(key: string): TeamRef | undefined {
    return this.teamsByKey.get(key);
  }

  /** Every shard (PCN, or practice without one), each once. */
  get shards(): readonly string[] {
    return [...this.practicesByShard.keys()];
  }

  /** The practices whose keys live in a shard (a PCN's members). */
  practicesOfShard(shard: string): readonly Practice[] {
    return this.practicesByShard.get(shard) ?? [];
  }

  /** Every team whose queue lives in a shard (its practices' and its PCN's). */
  teamsOfShard(shard: string): readonly TeamRef[] {
    return this.teamsByShard.get(shard) ?? [];
  }

  staffPractice(staff: Staff): Practice {
    const p = this.byOds.get(staff.practice);
    if (!p) throw new Error(`staff ${staff.id} names unknown practice ${staff.practice}`);
    return p;
  }

  /** The queues a member of staff serves with their priority (1 first), in priority order. */
  staffTeams(staff: Staff): { key: string; priority: number }[] {
    const practice = this.staffPractice(staff);
    return staff.teams
      .map((t) => (typeof t === 'string' ? { team: t, priority: 1 } : { team: t.team, priority: t.priority ?? 1 }))
      .map((t) => ({ key: this.teamKey(practice, t.team), priority: t.priority }))
      .sort((a, b) => a.priority - b.priority);
  }

  staffTeamKeys(staff: Staff): string[] {
    return this.staffTeams(staff).map((t) => t.key);
  }
}

export function tokenDigest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The digest an access entry's token is known by; undefined for a person's identity. */
export function tokenDigestOf(entry: AccessEntry): string | undefined {
  return entry.tokenSha256 ?? (entry.token === undefined ? undefined : tokenDigest(entry.token));
}

function roleScope(entry: AccessEntry): RoleScope {
  const { token: _t, tokenSha256: _d, identity: _i, name: _n, readOnly: _r, ...scope } = entry;
  return scope;
}

/** `practice:F81001`, `staff:alice`, `pcn:U12345`, `icb:QH8` or `admin`. */
export function describeRole(scope: RoleScope): string {
  switch (scope.role) {
    case 'practice': return `practice:${scope.practice}`;
    case 'staff': return `staff:${scope.staff}`;
    case 'pcn': return `pcn:${scope.pcn}`;
    case 'icb': return `icb:${scope.icb}`;
    case 'admin': return 'admin';
  }
}
