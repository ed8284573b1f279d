import type { Directory } from './directory/directory.js';
import type { AccessGrant, Practice, Staff } from './directory/types.js';

/**
 * Who may do what. A staff token acts for that person; a practice token for its practice and
 * staff; a PCN token sees its member practices; an ICB token sees the ICB's practices but never
 * a caller's details.
 */
export function maySetPresence(grant: AccessGrant, staff: Staff): boolean {
  if (grant.role === 'staff') return grant.staff === staff.id;
  if (grant.role === 'practice') return grant.practice === staff.practice;
  return false;
}

/** May list, book, cancel and retry call-backs at this practice: its own staff and practice tokens. */
export function mayManageCallbacks(directory: Directory, grant: AccessGrant, practice: Practice): boolean {
  if (grant.role === 'practice') return grant.practice === practice.ods;
  if (grant.role === 'staff') return directory.staff(grant.staff)?.practice === practice.ods;
  return false;
}

/** May see calls at this practice, callers' (masked) numbers included. */
export function maySeeCalls(directory: Directory, grant: AccessGrant, practice: Practice): boolean {
  switch (grant.role) {
    case 'practice':
      return grant.practice === practice.ods;
    case 'staff':
      return directory.staff(grant.staff)?.practice === practice.ods;
    case 'pcn':
      return practice.pcn !== undefined && grant.pcn === practice.pcn;
    case 'icb':
    case 'admin':
      return false;
  }
}

/**
 * May search the practice's call records, by the last digits of a caller's number among other
 * things (docs/calls.md): its practice managers, i.e. its practice grant, and never a read-only
 * one (a wallboard's screen). Staff, PCN and ICB grants see calls in other ways, or not at all.
 */
export function maySearchCalls(grant: AccessGrant, practice: Practice): boolean {
  return grant.role === 'practice' && grant.practice === practice.ods && !grant.readOnly;
}

/** A statistics scope: one practice, a PCN's practices or an ICB's. */
export interface StatsScope {
  kind: 'practice' | 'pcn' | 'icb';
  code: string;
  practices: Practice[];
}

/** ICB tokens read their ICB (and anything in it), PCN tokens their PCN and its practices, practice and staff tokens their practice. */
export function mayReadStats(directory: Directory, grant: AccessGrant, scope: StatsScope): boolean {
  const ownPractice = grant.role === 'practice' ? grant.practice : grant.role === 'staff' ? directory.staff(grant.staff)?.practice : undefined;
  switch (grant.role) {
    case 'icb':
      return grant.icb === directory.data.icb.code && (scope.kind !== 'icb' || scope.code === grant.icb);
    case 'pcn':
      return scope.kind !== 'icb' && scope.practices.length > 0 && scope.practices.every((p) => p.pcn === grant.pcn);
    default:
      return scope.kind === 'practice' && scope.code === ownPractice;
  }
}

/** Small numbers are suppressed for everyone but the practice itself. */
export function seesSmallNumbers(directory: Directory, grant: AccessGrant, scope: StatsScope): boolean {
  return scope.kind === 'practice' && (grant.role === 'practice' || grant.role === 'staff') && mayReadStats(directory, grant, scope);
}

/** The threshold below which a grant's figures for a scope are suppressed: 0 (none) for the practice itself. */
export function suppressionFor(directory: Directory, grant: AccessGrant, scope: StatsScope, suppressBelow: number): number {
  return seesSmallNumbers(directory, grant, scope) ? 0 : suppressBelow;
}

/** May read a practice's audit log and switch its clinical-system lookup on and off: that practice's own practice token. */
export function mayGovernPractice(grant: AccessGrant, practice: Practice): boolean {
  return grant.role === 'practice' && grant.practice === practice.ods;
}

/**
 * May see a caller's identity (patient candidates from the clinical system) on a call: only a
 * person signed in with their own identity who is handling that very call; never a machine's
 * token (a shared wallboard, a kiosk screen), a manager or another member of staff.
 */
export function maySeeCallerDetails(grant: AccessGrant, handlingStaffId: string | undefined): boolean {
  return grant.kind === 'person' && grant.role === 'staff' && handlingStaffId !== undefined && grant.staff === handlingStaffId;
}

/** May see one person's own figures (calls answered, talk time…): that person and their practice (its managers and practice tokens), as for presence. */
export function maySeeStaffFigures(grant: AccessGrant, staff: Staff): boolean {
  return maySetPresence(grant, staff);
}

/**
 * May play a practice's call recordings: a practice manager signed in with their own identity.
 * Never a machine's token (a wallboard, an extract job, read-only or not), nor staff.
 */
export function mayPlayRecordings(grant: AccessGrant, practice: Practice): boolean {
  return grant.kind === 'person' && grant.role === 'practice' && grant.practice === practice.ods && !grant.readOnly;
}
