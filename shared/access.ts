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
      return false;
  }
}
