import { lognormalPatience } from '../shared/planning/patience.js';
import { changeOfPeople, DayChain } from '../shared/planning/transient.js';
import { Random } from './random.js';
import type { Spread } from './scenario.js';

/**
 * The planner's queue on its own, without the service: a morning of quarter hours, each with its
 * calls (arriving at random, evenly) and its people, calls of Erlang-`phases` length and callers
 * of log-normal patience. Simulated call by call (M/E_k/n+G, first come first served), and
 * predicted by the carried chain as the planner runs it (people starting their first calls together
 * at opening and on signing in to a waiting queue, people signing out finishing the call in hand): how far the model is from its own assumptions,
 * apart from everything the load test adds (redials, call-backs, the service's timing).
 */
export interface QueueMorning {
  calls: readonly number[];
  people: readonly number[];
  handleSeconds: number;
  phases: number;
  patience: Spread;
}

export interface QuarterFigures {
  /** % of answered callers answered within the target, and % of callers who hung up. */
  withinPct: number;
  hungUpPct: number;
}

const QUARTER = 900;

/** `mornings` simulated mornings pooled, quarter hour by quarter hour (by when each caller rang). */
export function simulateQueue(morning: QueueMorning, mornings: number, targetSeconds: number, seed: number): QuarterFigures[] {
  const random = new Random(seed);
  const exp = (rate: number) => -Math.log(1 - random.next()) / rate;
  const callLength = () => Array.from({ length: morning.phases }, () => exp(morning.phases / morning.handleSeconds)).reduce((a, b) => a + b, 0);
  const { calls, people } = morning;
  const most = Math.max(...people);
  // Person i is in from the first quarter hour with more than i people to the end of the last (finishing the call in hand).
  const from = Array.from({ length: most }, (_, i) => people.findIndex((p) => p > i) * QUARTER);
  const until = Array.from({ length: most }, (_, i) => (people.at(-1)! > i ? Infinity : (people.length - [...people].reverse().findIndex((p) => p > i)) * QUARTER));
  const counts = calls.map(() => ({ joined: 0, answered: 0, within: 0 }));
  for (let m = 0; m < mornings; m++) {
    const free = from.slice();
    calls.forEach((n, q) => {
      for (let at = q * QUARTER + exp(n / QUARTER); at < (q + 1) * QUARTER; at += exp(n / QUARTER)) {
        const count = counts[q]!;
        count.joined++;
        let [who, start] = [-1, Infinity];
        free.forEach((f, i) => {
          const begin = Math.max(at, f);
          if (begin < until[i]! && begin < start) [who, start] = [i, begin];
        });
        // A caller whose wait would outlast their patience hangs up and takes nobody's time.
        if (who < 0 || start - at > random.seconds(morning.patience)) continue;
        count.answered++;
        if (start - at <= targetSeconds) count.within++;
        free[who] = start + callLength();
      }
    });
  }
  return counts.map((c) => ({ withinPct: (100 * c.within) / c.answered, hungUpPct: (100 * (c.joined - c.answered)) / c.joined }));
}

/** The carried chain's prediction for the same morning. */
export function modelQueue(morning: QueueMorning, targetSeconds: number): QuarterFigures[] {
  const { calls, people, handleSeconds, phases, patience: spread } = morning;
  const patience = lognormalPatience(spread.medianSeconds, spread.sigma);
  const periods = calls.map((n, q) => ({ arrivalsPerSecond: n / QUARTER, handleSeconds, handlePhases: phases, patienceSeconds: spread.medianSeconds * Math.exp(spread.sigma ** 2 / 2), patience, servers: people[q]!, seconds: QUARTER, nextServers: people[q + 1] }));
  const chain = new DayChain(periods, Math.max(...people) + 1);
  let state = chain.empty();
  return periods.map((period, q) => {
    const start = changeOfPeople(state, people[q - 1] ?? 0, period.servers, period.arrivalsPerSecond, handleSeconds);
    const { prediction, end } = chain.advance(start.state, { ...period, freshStarts: start.freshStarts });
    state = end;
    return { withinPct: 100 * prediction.serviceLevel(targetSeconds), hungUpPct: 100 * prediction.abandonProbability };
  });
}
