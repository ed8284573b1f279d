import { maySeeCalls } from '../access.js';
import type { Directory } from '../directory/directory.js';
import type { AccessGrant, Practice, RoleScope } from '../directory/types.js';

/** What a live screen's grant reaches (its role and scope). */
export type LiveGrant = RoleScope;

/** What a live screen watches: one practice, one team (`<ods>.<team>`) or one PCN. */
export type ScopeRequest = { practice: string } | { team: string } | { pcn: string };

export interface Scope {
  /** `practice:F81001`, `team:F81001.reception`, `pcn:U12345`: one feed per key in each process. */
  key: string;
  kind: 'practice' | 'team' | 'pcn';
  name: string;
  /** The Redis shard all of the scope's keys live in. */
  shard: string;
  practices: Practice[];
  /** Team queue keys (`F81001.reception`) in the scope. */
  teams: string[];
}

export class ScopeError extends Error {
  constructor(
    /** 4404 no such scope, 4403 not allowed. */
    readonly code: 4403 | 4404,
    message: string,
  ) {
    super(message);
  }
}

/** Who sees a scope and how much: caller and staff rows, or figures only (ICB users). */
export type View = 'rows' | 'figures';

/**
 * Resolves a subscription and checks the grant may see it. Practice and staff tokens see their
 * own practice and its teams; PCN tokens their PCN and its practices; ICB tokens any of the ICB's
 * practices and PCNs, as figures only (never a caller row).
 */
export function resolveScope(directory: Directory, grant: LiveGrant, request: ScopeRequest): { scope: Scope; view: View } {
  const scope = findScope(directory, request);
  if (grant.role === 'icb') {
    if (grant.icb !== directory.data.icb.code) throw new ScopeError(4403, `this token may not see ${scope.key}`);
    return { scope, view: 'figures' };
  }
  if (scope.kind === 'pcn' && grant.role !== 'pcn') throw new ScopeError(4403, `only a PCN token may see ${scope.key}`);
  // maySeeCalls reads only the grant's role and scope, never its token.
  if (!scope.practices.every((p) => maySeeCalls(directory, grant as AccessGrant, p))) throw new ScopeError(4403, `this token may not see ${scope.key}`);
  return { scope, view: 'rows' };
}

function findScope(directory: Directory, request: ScopeRequest): Scope {
  const teamsOf = (p: Practice) => p.teams.map((t) => directory.teamKey(p, t.id));
  // A PCN's shared teams (a medicines team, a hub) show on each member practice's screen too.
  const pcnTeams = (p: Practice) => directory.teamsOfShard(directory.shard(p)).filter((t) => !t.practice).map((t) => t.key);
  if ('practice' in request) {
    const p = directory.practice(request.practice);
    if (!p) throw new ScopeError(4404, `no practice ${request.practice}`);
    return { key: `practice:${p.ods}`, kind: 'practice', name: p.name, shard: directory.shard(p), practices: [p], teams: [...teamsOf(p), ...pcnTeams(p)] };
  }
  if ('team' in request) {
    const ref = directory.teamByKey(request.team);
    const members = ref?.practice ? [ref.practice] : directory.practices.filter((p) => p.pcn === request.team.split('.')[0]);
    if (!ref || members.length === 0) throw new ScopeError(4404, `no team ${request.team} (a team is <ods or PCN>.<team id>, e.g. F81001.reception)`);
    const owner = ref.practice?.name ?? directory.data.pcns.find((x) => x.code === request.team.split('.')[0])?.name ?? '';
    return { key: `team:${request.team}`, kind: 'team', name: `${owner}: ${ref.team.name}`, shard: directory.shard(members[0]!), practices: members, teams: [request.team] };
  }
  const pcn = directory.data.pcns.find((x) => x.code === request.pcn);
  const practices = directory.practices.filter((p) => p.pcn === request.pcn);
  if (!pcn || practices.length === 0) throw new ScopeError(4404, `no PCN ${request.pcn}`);
  return { key: `pcn:${pcn.code}`, kind: 'pcn', name: pcn.name, shard: directory.shard(practices[0]!), practices, teams: [...practices.flatMap(teamsOf), ...pcnTeams(practices[0]!)] };
}
