import { isSmallNumber } from '../stats/measures.js';
import type { DayMetrics, IntervalCount } from './today.js';

/** A count, or a figure built on one, as someone outside the practice may see it: '*' when small. */
type Shown<T> = { [K in keyof T]: T[K] extends number ? number | '*' : T[K] extends number | null ? number | null | '*' : T[K] };
export type ShownDayMetrics = Omit<Shown<DayMetrics>, 'intervals'> & { intervals: Shown<IntervalCount>[] };

/**
 * Today's figures under the statistics' small-number rule (isSmallNumber, as /v1/stats and the
 * extract apply it): every count of 1 to suppressBelow − 1 is '*', and so is every figure derived
 * from it (the abandoned % from offered; waits and the target % from answered).
 */
export function suppressDayMetrics(m: DayMetrics, suppressBelow: number): ShownDayMetrics {
  const small = (n: number) => isSmallNumber(n, suppressBelow);
  const count = (n: number) => (small(n) ? '*' : n);
  const from = (base: number, v: number | null) => (small(base) ? '*' : v);
  return {
    ...m,
    offered: count(m.offered),
    answered: count(m.answered),
    abandoned: count(m.abandoned),
    abandonedPercent: from(m.offered, m.abandonedPercent),
    endedBeforeQueue: count(m.endedBeforeQueue),
    callbacksRequested: count(m.callbacksRequested),
    callbacksMade: count(m.callbacksMade),
    averageWaitSeconds: from(m.answered, m.averageWaitSeconds),
    p90WaitSeconds: from(m.answered, m.p90WaitSeconds),
    answeredWithinTargetPercent: from(m.answered, m.answeredWithinTargetPercent),
    intervals: m.intervals.map((i) => ({ ...i, offered: count(i.offered), answered: count(i.answered), abandoned: count(i.abandoned) })),
  };
}
