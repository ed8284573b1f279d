import { createHash, timingSafeEqual } from 'node:crypto';
import type { AccessGrant, DirectoryData, Practice, Staff } from './types.js';

/** A validated directory with the look-ups the service needs on every request. */
export class Directory {
  private readonly byNumber = new Map<string, Practice>();
  private readonly byOds = new Map<string, Practice>();
  private readonly staffById = new Map<string, Staff>();
  private readonly grants = new Map<string, AccessGrant>();

  constructor(readonly data: DirectoryData) {
    for (const p of data.practices) {
      this.byOds.set(p.ods, p);
      for (const n of p.numbers) this.byNumber.set(n, p);
    }
    for (const s of data.staff) this.staffById.set(s.id, s);
    for (const a of data.access) this.grants.set(tokenDigest(a.token), a);
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

  /** The grant a bearer token carries, compared in constant time. */
  grantFor(token: string): AccessGrant | undefined {
    const digest = tokenDigest(token);
    const grant = this.grants.get(digest);
    if (!grant) return undefined;
    return timingSafeEqual(Buffer.from(tokenDigest(grant.token)), Buffer.from(digest)) ? grant : undefined;
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
    return `${practice.ods}.${teamId}`;
  }

  staffPractice(staff: Staff): Practice {
    const p = this.byOds.get(staff.practice);
    if (!p) throw new Error(`staff ${staff.id} names unknown practice ${staff.practice}`);
    return p;
  }

  staffTeamKeys(staff: Staff): string[] {
    const practice = this.staffPractice(staff);
    return staff.teams.map((t) => this.teamKey(practice, t));
  }
}

function tokenDigest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
