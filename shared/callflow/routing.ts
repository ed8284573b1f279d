import type { Directory, TeamRef } from '../directory/directory.js';
import type { Menu, MenuAction, Practice, PriorityLine } from '../directory/types.js';
import type { Closure } from '../queue/closures.js';
import type { OverflowOffer } from '../queue/queue.js';
import { isOpenAt, londonMoment, reopensToday } from './hours.js';

/**
 * Routing decisions that need no Redis: opening hours, menus, priority lines and overflow rules,
 * all read from the directory in force at the moment of the decision.
 */

export type Opening = { open: true } | { open: false; reopens?: string };

/** Is the practice taking calls at `now`? Weekly hours, bank holidays and ad-hoc closures of the whole practice. */
export function practiceOpening(directory: Directory, practice: Practice, closures: Closure[], now: number): Opening {
  const at = londonMoment(now);
  const closedAdHoc = closures.some((c) => c.team === undefined && c.from <= now && now < c.to);
  if (!closedAdHoc && isOpenAt(practice.hours, at, directory.bankHolidays)) return { open: true };
  const reopens = closedAdHoc ? undefined : reopensToday(practice.hours, at, directory.bankHolidays);
  return reopens ? { open: false, reopens } : { open: false };
}

/**
 * Is a team taking new callers? A practice team without hours of its own keeps its practice's
 * (already checked); a PCN team without hours is always open. Closures naming the team count too.
 */
export function teamOpen(directory: Directory, team: TeamRef, closures: Closure[], now: number): boolean {
  if (closures.some((c) => c.team === team.key && c.from <= now && now < c.to)) return false;
  return !team.team.hours || isOpenAt(team.team.hours, londonMoment(now), directory.bankHolidays);
}

/** How finely a call-back window is checked against hours and closures. */
const WINDOW_STEP_MS = 5 * 60_000;

/**
 * Does the team take callers (its practice open, the team open) at some moment of [from, to)? A
 * call-back booked into a window when it does not would join a closed team's queue.
 */
export function teamOpenDuring(directory: Directory, team: TeamRef, closures: Closure[], from: number, to: number): boolean {
  for (let at = from; at < to; at += WINDOW_STEP_MS) {
    if (!teamOpen(directory, team, closures, at)) continue;
    if (!team.practice || practiceOpening(directory, team.practice, closures, at).open) return true;
  }
  return false;
}

/** The priority line a call belongs to: by the caller's number, or by the practice number dialled. */
export function priorityLineOf(practice: Practice, from: string, to: string | undefined): PriorityLine | undefined {
  return practice.priorityLines.find((line) => line.from?.includes(from) || (to !== undefined && line.to?.includes(to)));
}

/** The menu reached by pressing `path` from the top menu; undefined if the path no longer leads to one (the directory changed). */
export function menuAt(practice: Practice, path: string): Menu | undefined {
  let menu = practice.menu;
  for (const key of path) {
    const next: MenuAction | undefined = menu?.options[key];
    menu = next && 'menu' in next ? next.menu : undefined;
  }
  return menu;
}

/** Overflow rules of a shard's teams in queue terms, leaving out targets that are closed now. */
export function overflowOffers(directory: Directory, shard: string, closures: (team: TeamRef) => Closure[], now: number): OverflowOffer[] {
  return directory.teamsOfShard(shard).flatMap((from) =>
    from.team.overflow.flatMap((rule) => {
      const owner = from.practice ?? directory.practices.find((p) => directory.shard(p) === shard)!;
      const to = directory.team(owner, rule.to);
      if (!to || !teamOpen(directory, to, closures(to), now)) return [];
      if (to.practice && practiceOpening(directory, to.practice, closures(to), now).open === false) return [];
      return [{ team: from.key, afterMs: rule.afterSeconds === undefined ? -1 : rule.afterSeconds * 1000, whenMoreThan: rule.whenMoreThan ?? -1, to: to.key }];
    }),
  );
}
