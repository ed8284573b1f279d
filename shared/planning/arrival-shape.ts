import { INTERVALS_PER_DAY } from '../stats/layout.js';
import { intervalStart } from './plan.js';

/**
 * How a quarter hour's calls arrive within it. The planner's chain (shared/planning/transient.ts)
 * takes a quarter hour's calls as arriving at one steady rate; at 8am most of them come in its
 * first minutes (everyone rings as the lines open), so the callers of the burst wait longer than a
 * steady rate says, and the queue the quarter hour leaves is not the one an even spread leaves.
 *
 * A shape is, per quarter hour, the share of its calls in each of SUB_STEPS equal sub-steps
 * (three minutes each), learnt from when the calls of the same weekday's history arrived. It is
 * kept only where that history shows the calls clearly uneven, by either of two tests at the 1%
 * level: Pearson's χ² against an even spread (4 degrees of freedom: 13.28), which sees any shape,
 * and a test for a trend (Laplace's, grouped: under an even spread the mean step index of n calls
 * is 2 with variance 2/n, so U = (mean − 2)/√(2/n) is about normal; |U| > 2.576), which sees a
 * rush that fades through the quarter hour from far fewer calls than χ² needs (an 8am burst
 * decaying over 8 minutes gives steps of about 37%, 25%, 17%, 12%, 8%). Shapes are pulled
 * towards even as if `priorCalls` more calls had come evenly, so a handful of calls cannot swing
 * them. With fewer than `minCalls` calls in the quarter hour over the history, or no records, the
 * quarter hour is spread evenly.
 */

export const SUB_STEPS = 5;

export const SHAPE_DEFAULTS = {
  /** Fewer calls in a quarter hour over the history than this: spread evenly. */
  minCalls: 20,
  /** The learnt shares count as if this many more calls had come evenly. */
  priorCalls: 10,
  /** χ² (4 degrees of freedom) above which the calls are uneven: the 1% point. */
  unevenChiSquare: 13.28,
  /** |U| of the trend test above which calls come more early than late (or the reverse): the two-sided 1% point. */
  trendZ: 2.576,
} as const;

/** Any of SHAPE_DEFAULTS, changed (for tests). */
export type ShapeRules = Partial<Record<keyof typeof SHAPE_DEFAULTS, number>>;

/** Per quarter hour, the share of its calls in each sub-step (summing to 1); undefined: evenly. */
export type ArrivalShape = (readonly number[] | undefined)[];

/** Per quarter hour (from 0 at `origin`), the calls in each sub-step. */
export function countArrivals(secondsFromOrigin: Iterable<number>, quarters: number): number[][] {
  const counts = Array.from({ length: quarters }, () => new Array<number>(SUB_STEPS).fill(0));
  const width = 900 / SUB_STEPS;
  for (const s of secondsFromOrigin) {
    const q = Math.floor(s / 900);
    if (q < 0 || q >= quarters) continue;
    counts[q]![Math.min(SUB_STEPS - 1, Math.floor((s - q * 900) / width))]! += 1;
  }
  return counts;
}

export interface LearntShape {
  shape: ArrivalShape;
  /** The quarter hours given a shape (uneven), and those with too few calls to tell. */
  uneven: number[];
  short: number[];
}

/** The shape from sub-step counts over the history (see the module's comment for the rule). */
export function shapeFromCounts(counts: readonly (readonly number[])[], rules: ShapeRules = {}): LearntShape {
  const { minCalls, priorCalls, unevenChiSquare, trendZ } = { ...SHAPE_DEFAULTS, ...rules };
  const uneven: number[] = [];
  const short: number[] = [];
  const shape = counts.map((c, q) => {
    const total = c.reduce((a, b) => a + b, 0);
    if (total === 0) return undefined;
    if (total < minCalls) {
      short.push(q);
      return undefined;
    }
    const expected = total / c.length;
    const chiSquare = c.reduce((sum, n) => sum + (n - expected) ** 2 / expected, 0);
    // Step indices 0..B−1 are even (discrete uniform) with mean (B − 1)/2 and variance (B² − 1)/12.
    const meanStep = c.reduce((sum, n, b) => sum + n * b, 0) / total;
    const trend = (meanStep - (c.length - 1) / 2) / Math.sqrt((c.length ** 2 - 1) / 12 / total);
    if (chiSquare <= unevenChiSquare && Math.abs(trend) <= trendZ) return undefined;
    uneven.push(q);
    return c.map((n) => (n + priorCalls / c.length) / (total + priorCalls));
  });
  return { shape, uneven, short };
}

/** The shape of a day's quarter hours from the calls of the history's days (London second of the day each arrived), with a plain sentence on what it found. */
export function dayShape(arrivals: readonly { date: string; secondOfDay: number }[], rules: ShapeRules = {}): LearntShape & { days: number; note: string } {
  const days = new Set(arrivals.map((a) => a.date)).size;
  const learnt = shapeFromCounts(countArrivals(arrivals.map((a) => a.secondOfDay), INTERVALS_PER_DAY), rules);
  return { ...learnt, days, note: shapeNote(learnt, days) };
}

export function shapeNote(learnt: LearntShape, days: number): string {
  if (days === 0) return 'No call records for the days used (they are kept for a limited time): calls are taken to arrive evenly through each quarter hour.';
  const steps = `${900 / SUB_STEPS / 60} minutes`;
  const where = learnt.uneven.map((q) => `${intervalStart(q)} (${Math.round(learnt.shape[q]![0]! * 100)}% in its first ${steps})`);
  const said = where.length > 0
    ? `Calls come unevenly within ${where.length === 1 ? 'the quarter hour' : 'quarter hours'} ${where.join(', ')}, as the call records of ${days} day(s) show; the plan follows that, ${steps} at a time. Elsewhere calls are spread evenly through each quarter hour`
    : `Calls are spread evenly through each quarter hour: the call records of ${days} day(s) show no quarter hour clearly uneven`;
  return `${said}${learnt.short.length > 0 ? ` (${learnt.short.length} quarter hour(s) had too few calls to tell)` : ''}.`;
}
