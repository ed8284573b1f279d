import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { projectRoot } from '../shared/paths.js';

/** A distribution of seconds: log-normal around a median (sigma 0 means always the median). */
export interface Spread {
  medianSeconds: number;
  sigma: number;
}

/** How many reception staff each practice has signed in from a minute after opening. */
export interface RosterStep {
  fromMinute: number;
  staff: number;
}

/** A keypad choice a caller makes at the practice's menu, with its share of callers. */
export interface KeypadChoice {
  digits: string;
  share: number;
}

/** A team besides reception: each practice's own, or one per PCN serving all its practices. */
export interface ExtraTeam {
  id: string;
  name: string;
  /** One team for the whole PCN (staffed from its first practice) rather than one per practice. */
  pcnWide: boolean;
  /** Staff signed in to it for the whole run (per practice, or per PCN when pcnWide). */
  staff: number;
}

/**
 * A load-test scenario (loadtest/scenarios/*.yaml, docs in loadtest/README.md). Times are in the
 * practice's own (simulated) seconds and minutes; `speed` compresses them all.
 */
export interface Scenario {
  name: string;
  description: string;
  /** How many times faster than real time the hour plays (the service's CLOCK_SPEED). */
  speed: number;
  /** Minutes after opening during which calls arrive. */
  arrivalMinutes: number;
  /** Longest time after the last arrival to let queues empty before the run is cut off. */
  drainMinutes: number;
  /** Answered within this wait counts as "within target" (NHS CBT: answered after waiting under 2 minutes). */
  targetWaitSeconds: number;
  seed: number;
  practices: {
    count: number;
    /** Practices per PCN; a PCN's practices share one Redis shard. */
    perPcn: number;
    announceEverySeconds: number;
    wrapUpSeconds: number;
    ringSeconds: number;
    roster: RosterStep[];
    /** The menu callers hear first: digits to a team id (reception or an extra team). None: straight to reception. */
    menu?: { prompt: string; options: Record<string, string> };
    extraTeams?: ExtraTeam[];
  };
  arrivals: {
    /** First calls (not counting redials) per practice over `arrivalMinutes`. */
    callsPerPractice: number;
    /** Share of calls in the opening burst; the rest spread evenly over the period. */
    burstShare: number;
    /** The burst decays exponentially with this time constant. */
    burstMinutes: number;
  };
  callers: {
    patience: Spread;
    /** Chance that a caller who gave up rings again, and after how long. */
    redialProbability: number;
    redialAfter: Spread;
    maxRedials: number;
    /** What callers press at the menu, by share (the shares add up to 1). */
    keypad: KeypadChoice[];
    /** Share of callers who, when offered a call-back, take it (press 1, then 1 to confirm their number). */
    callbackUptake: number;
    /** Chance that a caller does not pick up when rung back (the call-back is retried). */
    callbackMissedRate: number;
  };
  staff: {
    answerDelay: Spread;
    handle: Spread;
    /** Chance that a ringing staff phone is not picked up (the caller goes back to the head of the queue). */
    noAnswerRate: number;
  };
}

export const SCENARIO_DIR = join(projectRoot(), 'loadtest', 'scenarios');

export class ScenarioError extends Error {}

export function scenarioNames(): string[] {
  return readdirSync(SCENARIO_DIR).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -5)).sort();
}

/** Reads loadtest/scenarios/<name>.yaml and checks what a run depends on. */
export function loadScenario(name: string): Scenario {
  if (!scenarioNames().includes(name)) throw new ScenarioError(`no scenario "${name}"; there are: ${scenarioNames().join(', ')}`);
  return parseScenario(readFileSync(join(SCENARIO_DIR, `${name}.yaml`), 'utf8'), name);
}

/** A scenario from its YAML text, with every problem a run would trip over listed at once. */
export function parseScenario(text: string, name: string): Scenario {
  const s = parse(text) as Scenario;
  const problems: string[] = [];
  const positive = (v: unknown, what: string) => (typeof v === 'number' && v > 0) || problems.push(`${what} must be a number above 0`);
  const share = (v: unknown, what: string) => (typeof v === 'number' && v >= 0 && v <= 1) || problems.push(`${what} must be a number from 0 to 1`);
  positive(s.speed, 'speed');
  positive(s.arrivalMinutes, 'arrivalMinutes');
  positive(s.practices?.count, 'practices.count');
  positive(s.practices?.perPcn, 'practices.perPcn');
  positive(s.arrivals?.callsPerPractice, 'arrivals.callsPerPractice');
  share(s.arrivals?.burstShare, 'arrivals.burstShare');
  share(s.callers?.redialProbability, 'callers.redialProbability');
  share(s.callers?.callbackUptake, 'callers.callbackUptake');
  share(s.callers?.callbackMissedRate, 'callers.callbackMissedRate');
  checkMenu(s, problems);
  share(s.staff?.noAnswerRate, 'staff.noAnswerRate');
  if (!Array.isArray(s.practices?.roster) || s.practices.roster.length === 0) problems.push('practices.roster must list at least one step');
  if (problems.length > 0) throw new ScenarioError(`scenario ${name}: ${problems.join('; ')}`);
  // No menu, no keypad: callers go straight to reception.
  return { ...s, callers: { ...s.callers, keypad: s.callers.keypad ?? [] }, name };
}

/** The menu, its teams and the keypad shares must agree: a caller's choice must lead somewhere. */
function checkMenu(s: Scenario, problems: string[]): void {
  const teams = new Set(['reception', ...(s.practices?.extraTeams ?? []).map((t) => t.id)]);
  for (const t of s.practices?.extraTeams ?? []) if (!(Number.isInteger(t.staff) && t.staff >= 1)) problems.push(`practices.extraTeams ${t.id}: staff must be a whole number above 0`);
  const options = s.practices?.menu?.options ?? {};
  for (const [digits, team] of Object.entries(options)) if (!teams.has(team)) problems.push(`practices.menu.options.${digits}: no team "${team}" (there are: ${[...teams].join(', ')})`);
  const keypad = s.callers?.keypad ?? [];
  if (!Array.isArray(keypad)) return void problems.push('callers.keypad must be a list');
  if (keypad.length > 0 && !s.practices?.menu) problems.push('callers.keypad is given but practices.menu is not');
  for (const k of keypad) if (!(String(k.digits) in options)) problems.push(`callers.keypad: ${k.digits} is not an option of practices.menu`);
  const total = keypad.reduce((a, k) => a + k.share, 0);
  if (keypad.length > 0 && Math.abs(total - 1) > 1e-6) problems.push(`callers.keypad shares must add up to 1, not ${total}`);
}
