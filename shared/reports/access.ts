import type { Directory } from '../directory/directory.js';
import type { AccessGrant, Practice, Staff } from '../directory/types.js';

export class ReportAccessError extends Error {
  readonly statusCode = 403;
}

export class ReportSubjectNotFound extends Error {
  readonly statusCode = 404;
}

/**
 * Whose figures a token reads at a practice: a practice token its own staff (all, or the one asked
 * for); a staff token only its own; PCN, ICB and admin tokens nobody's (no individual's figures
 * leave the practice).
 */
export function readableStaff(directory: Directory, grant: AccessGrant, practice: Practice, asked?: string): Staff[] {
  const own = directory.staffOf(practice);
  if (grant.role === 'practice' && grant.practice === practice.ods) {
    if (asked === undefined) return own;
    const one = own.filter((s) => s.id === asked);
    if (one.length === 0) throw new ReportSubjectNotFound(`no member of staff ${asked} at ${practice.ods}`);
    return one;
  }
  if (grant.role === 'staff') {
    const me = own.find((s) => s.id === grant.staff);
    if (!me) throw new ReportAccessError(`this token may not read staff figures at ${practice.ods}`);
    if (asked !== undefined && asked !== me.id) throw new ReportAccessError("a staff token reads only its own figures, not a colleague's");
    return [me];
  }
  throw new ReportAccessError(`${grant.role === 'icb' ? 'an ICB' : grant.role === 'pcn' ? 'a PCN' : `a ${grant.role}`} token may not read an individual's figures`);
}

/**
 * The teams a token reads at a practice: a practice token the practice's teams and its PCN's
 * (PCN-wide) teams; a PCN token only the PCN-wide teams of its own PCN; staff, ICB and admin tokens none.
 */
export function readableTeams(directory: Directory, grant: AccessGrant, practice: Practice): string[] {
  const pcnTeams = directory.data.pcns.filter((p) => p.code === practice.pcn).flatMap((p) => p.teams.map((t) => `${p.code}.${t.id}`));
  if (grant.role === 'practice' && grant.practice === practice.ods) return [...practice.teams.map((t) => `${practice.ods}.${t.id}`), ...pcnTeams];
  if (grant.role === 'pcn' && practice.pcn !== undefined && grant.pcn === practice.pcn) return pcnTeams;
  if (grant.role === 'staff') throw new ReportAccessError('a staff token reads only its own figures: ask for staff-stats');
  throw new ReportAccessError(`this token may not read team figures at ${practice.ods}`);
}
