import type { Cluster, Redis } from 'ioredis';
import type { Directory } from '../directory/directory.js';
import type { Practice } from '../directory/types.js';
import { isValidDate, londonInstant, londonMidnight, londonWallClock } from '../london-time.js';
import { runScript } from '../queue/commands/index.js';

/**
 * Finding a call (docs/calls.md): a practice manager's search of the practice's call records by
 * date, time of arrival, team, who answered and the last digits of the caller's number. No index
 * of its own: the records' end-time index (`cdrs:<ods>`) is read in slices by a script that
 * filters inside Redis, so only matches leave it and the caller's number never does.
 */

const DAY_MS = 86_400_000;
/** The longest range one search covers. */
export const MAX_SEARCH_DAYS = 31;
/** Records one script reads at most: a slice holds Redis a few milliseconds at most (loadtest/call-search-bench.ts). */
export const RECORDS_PER_SLICE = 250;
/** A call is found by when it arrived, among records that ended up to a day after the window: no call lasts a day. */
const LATE_END_MS = DAY_MS;
/**
 * Enough digits to find a call, too few to identify a caller: three leave about one call in a
 * thousand, four one in ten thousand (a few a month at a busy practice); more would make the
 * search a check on whether a known number rang.
 */
export const DIGITS = { min: 3, max: 4 } as const;

export class SearchInputError extends Error {
  readonly statusCode = 400;
}

export interface SearchQuery {
  from?: string;
  to?: string;
  fromTime?: string;
  toTime?: string;
  team?: string;
  staff?: string;
  digits?: string;
}

export interface SearchPlan {
  practice: Practice;
  /** London dates, inclusive. */
  from: string;
  to: string;
  /** London times of arrival each day, HH:MM, [fromTime, toTime). */
  fromTime: string;
  toTime: string;
  team: string | null;
  staff: string | null;
  digits: string | null;
  /** Arrival windows [from, to) in ms: one per day. */
  windows: [number, number][];
  /** Records that ended before this are past the practice's retention: never read. */
  keptSince: number;
  /** What the practice's calls can be filtered by. */
  choices: SearchChoices;
}

export interface FoundCall {
  callId: string;
  arrivedAt: number;
  answeredAt: number | null;
  endedAt: number;
  team: string;
  overflowedTo: string[];
  /** The member of staff who answered; null unless the outcome is answered. */
  answeredBy: string | null;
  outcome: string;
  waitSeconds: number;
  talkSeconds: number;
  /** The number's last three digits; null when the number was withheld. */
  callerLast3: string | null;
}

export interface SearchChoices {
  teams: { team: string; name: string }[];
  staff: { staff: string; name: string }[];
}

/** What a practice's calls can be filtered by: its teams and its PCN's, and everyone who serves one of them. */
function searchChoices(directory: Directory, practice: Practice): SearchChoices {
  const inShard = directory.teamsOfShard(directory.shard(practice));
  const teams = [...inShard.filter((t) => t.practice?.ods === practice.ods), ...inShard.filter((t) => !t.practice)];
  const keys = new Set(teams.map((t) => t.key));
  const staff = directory.data.staff.filter((s) => s.practice === practice.ods || directory.staffTeamKeys(s).some((k) => keys.has(k)));
  return {
    teams: teams.map((t) => ({ team: t.key, name: t.team.name })),
    staff: staff.map((s) => ({ staff: s.id, name: s.name })).sort((a, b) => a.name.localeCompare(b.name)),
  };
}

const bad = (sentence: string) => new SearchInputError(sentence);

/** "08:30" → 510; "24:00" only where `end` allows it. */
function minutesOf(name: string, raw: string, end: boolean): number {
  const m = /^(\d{2}):(\d{2})$/.exec(raw);
  const minutes = m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  if (!m || Number(m[2]) > 59 || minutes > (end ? 1440 : 1439)) throw bad(`${name}=${raw}: give a time of day as HH:MM, 00:00 to ${end ? '24:00' : '23:59'}`);
  return minutes;
}

function checkDigits(raw: string): string {
  if (!/^\d+$/.test(raw)) throw bad(`digits: give only the digits at the end of the caller's number, ${DIGITS.min} or ${DIGITS.max} of them`);
  if (raw.length < DIGITS.min) throw bad(`digits: give at least the last ${DIGITS.min} digits of the caller's number; fewer match too many calls`);
  if (raw.length > DIGITS.max) throw bad(`digits: give at most the last ${DIGITS.max} digits of the caller's number; calls are found by the end of a number, never by a whole one`);
  return raw;
}

const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T12:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** Checks a search against the directory, the clock and the practice's retention; a SearchInputError says what is wrong. */
export function planSearch(directory: Directory, practice: Practice, q: SearchQuery, now: number): SearchPlan {
  const today = londonWallClock(now).date;
  const from = q.from ?? q.to ?? today;
  const to = q.to ?? from;
  for (const [name, date] of [['from', from], ['to', to]] as const) {
    if (!isValidDate(date)) throw bad(`${name}=${date} is not a calendar date (YYYY-MM-DD)`);
  }
  if (to < from) throw bad(`to (${to}) is before from (${from})`);
  if (to > today) throw bad(`to (${to}) is after today (${today}): there are no calls to find yet`);
  const keptSince = now - practice.callRecordRetentionDays * DAY_MS;
  const earliest = londonWallClock(keptSince).date;
  if (from < earliest) throw bad(`${practice.ods} keeps call records ${practice.callRecordRetentionDays} days: the earliest day to search is ${earliest}`);
  const days = Math.round((londonMidnight(to) - londonMidnight(from)) / DAY_MS) + 1;
  if (days > MAX_SEARCH_DAYS) throw bad(`a search covers at most ${MAX_SEARCH_DAYS} days; ${from} to ${to} is ${days}`);

  const fromTime = q.fromTime ?? '00:00';
  const toTime = q.toTime ?? '24:00';
  const start = minutesOf('fromTime', fromTime, false);
  const end = minutesOf('toTime', toTime, true);
  if (end <= start) throw bad(`toTime (${toTime}) must be after fromTime (${fromTime})`);

  const choices = searchChoices(directory, practice);
  let team: string | null = null;
  if (q.team !== undefined) {
    team = directory.team(practice, q.team)?.key ?? q.team;
    if (!choices.teams.some((t) => t.team === team)) throw bad(`no team ${q.team} at ${practice.ods}: choose from ${choices.teams.map((t) => t.team).join(', ')}`);
  }
  if (q.staff !== undefined && !choices.staff.some((s) => s.staff === q.staff)) throw bad(`no member of staff ${q.staff} answers ${practice.ods}'s calls`);

  const windows: [number, number][] = [];
  for (let i = 0; i < days; i++) {
    const date = addDays(from, i);
    windows.push([londonInstant(date, start), londonInstant(date, end)]);
  }
  return { practice, from, to, fromTime, toTime, team, staff: q.staff ?? null, digits: q.digits === undefined ? null : checkDigits(q.digits), windows, keptSince, choices };
}

/** The search as the audit log keeps it: every filter, but of the digits only how many were given. */
export function describeSearch(plan: SearchPlan): string {
  return [
    plan.from === plan.to ? plan.from : `${plan.from} to ${plan.to}`,
    `${plan.fromTime}-${plan.toTime}`,
    ...(plan.team ? [`team ${plan.team}`] : []),
    ...(plan.staff ? [`answered by ${plan.staff}`] : []),
    ...(plan.digits ? [`number's last ${plan.digits.length} digits`] : []),
  ].join(', ');
}

/** "••• ••• •123": the shape of every number the same, so the mask says nothing of its length. */
export const maskedEnding = (last3: string | null) => (last3 ? `••• ••• •${last3}` : 'withheld');

const FIELDS = 11;

export class CallSearch {
  constructor(
    private readonly redis: Redis | Cluster,
    private readonly keyPrefix: string,
    private readonly directory: () => Directory,
  ) {}

  /** Every matching call, by arrival; slices of RECORDS_PER_SLICE records, so Redis is never held for long. */
  async run(plan: SearchPlan): Promise<FoundCall[]> {
    const p = `${this.keyPrefix}{${this.directory().shard(plan.practice)}}:`;
    const endTo = plan.windows[plan.windows.length - 1]![1] + LATE_END_MS;
    const filters = [plan.team ?? '', plan.staff ?? '', plan.digits ?? '', ...joined(plan.windows).flat()];
    const found: FoundCall[] = [];
    let cursor: [string | number, number] = [Math.max(plan.windows[0]![0], plan.keptSince), 0];
    for (;;) {
      const reply = (await runScript(this.redis, 'searchRecords', [`${p}cdrs:${plan.practice.ods}`], [p, cursor[0], cursor[1], endTo, RECORDS_PER_SLICE, ...filters])) as (string | number)[];
      for (let i = 2; i < reply.length; i += FIELDS) found.push(toFound(reply.slice(i, i + FIELDS).map(String)));
      if (reply[0] === '') break;
      cursor = [reply[0]!, Number(reply[1])];
    }
    return found.sort((a, b) => a.arrivedAt - b.arrivedAt || a.callId.localeCompare(b.callId));
  }
}

/** Windows that meet (whole days) as one: fewer for the script to look through. */
function joined(windows: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (const [from, to] of windows) {
    const last = out[out.length - 1];
    if (last && last[1] === from) last[1] = to;
    else out.push([from, to]);
  }
  return out;
}

function toFound([callId, arrivedAt, answeredAt, endedAt, team, overflowedTo, staff, outcome, waitSeconds, talkSeconds, last3]: string[]): FoundCall {
  return {
    callId: callId!,
    arrivedAt: Number(arrivedAt),
    answeredAt: answeredAt ? Number(answeredAt) : null,
    endedAt: Number(endedAt),
    team: team!,
    overflowedTo: overflowedTo ? overflowedTo.split(',') : [],
    answeredBy: outcome === 'answered' && staff ? staff : null,
    outcome: outcome!,
    waitSeconds: Number(waitSeconds),
    talkSeconds: Number(talkSeconds),
    callerLast3: last3 || null,
  };
}
