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

/** A keypad choice a caller makes at a menu, with its share of callers. Applies once menus land (issue 5). */
export interface KeypadChoice {
  digits: string;
  share: number;
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
    /** Menu choices; not yet used: Switchboard has no menus until issue 5 lands. */
    keypad: KeypadChoice[];
    /** Share of callers who accept a call-back when offered; not yet used until issue 4 lands. */
    callbackUptake: number;
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
  const s = parse(readFileSync(join(SCENARIO_DIR, `${name}.yaml`), 'utf8')) as Scenario;
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
  share(s.staff?.noAnswerRate, 'staff.noAnswerRate');
  if (!Array.isArray(s.practices?.roster) || s.practices.roster.length === 0) problems.push('practices.roster must list at least one step');
  if (problems.length > 0) throw new ScenarioError(`scenario ${name}: ${problems.join('; ')}`);
  return { ...s, name };
}
