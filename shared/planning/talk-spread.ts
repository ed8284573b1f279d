import { FIELD, type Counters } from '../stats/layout.js';
import { normalCdf } from './patience.js';

/**
 * How alike a practice's calls are, learnt from the statistics counters' call-length bands (the
 * CBT007 measure: answered calls of up to 1, 1–2, 2–5 and over 5 minutes' talk) and its mean talk
 * time: the log-normal with that mean whose shares of the bands are nearest (least squares over the
 * three band edges). The fresh start at opening depends on it (shared/planning/transient.ts):
 * people who all began a call at 8:00 finish them together, later the more alike the calls are;
 * and so does a waiting caller's wait for the people (shared/planning/answer-regularity.ts).
 */

/** Upper ends of the first three bands, seconds (aggregate.lua's DURATION_BUCKET_UPPER: 60, 120, 300 inclusive; talk is counted in whole seconds, so the continuous edges are half a second on). */
const BAND_EDGES = [60.5, 120.5, 300.5] as const;
/** Fewer answered calls than this and the spread is not learnt: Erlang-2's, as before any history. */
export const MIN_CALLS_FOR_SPREAD = 50;
/** The phases assumed without a basis: a coefficient of variation of 1/√2. */
export const DEFAULT_HANDLE_PHASES = 2;

export interface TalkSpread {
  /** σ of the log-normal talk time; undefined without a basis. */
  sigma?: number;
  /** The Erlang order whose spread the whole handle time (talk + a fixed wrap-up) has: mean² ÷ variance. */
  handlePhases: number;
}

/** Share of a log-normal with this mean and σ at or under `seconds`. */
const lognormalCdf = (seconds: number, meanSeconds: number, sigma: number) => normalCdf((Math.log(seconds) - (Math.log(meanSeconds) - (sigma * sigma) / 2)) / sigma);

/** The log-normal σ whose shares of the bands, at the given mean, are nearest the counted ones (golden-section search over 0.05–2.5). */
export function fitTalkSigma(bands: readonly number[], meanSeconds: number): number {
  const total = bands.reduce((a, b) => a + b, 0);
  const observed = BAND_EDGES.map((_, i) => bands.slice(0, i + 1).reduce((a, b) => a + b, 0) / total);
  const error = (sigma: number) => BAND_EDGES.reduce((sum, edge, i) => sum + (lognormalCdf(edge, meanSeconds, sigma) - observed[i]!) ** 2, 0);
  let [low, high] = [0.05, 2.5];
  const golden = (Math.sqrt(5) - 1) / 2;
  while (high - low > 1e-4) {
    const a = high - golden * (high - low);
    const b = low + golden * (high - low);
    if (error(a) <= error(b)) high = b;
    else low = a;
  }
  return (low + high) / 2;
}

/** The spread of the calls counted in `intervals`, with `wrapUpSeconds` (fixed) after each. */
export function talkSpread(intervals: readonly Counters[], wrapUpSeconds: number): TalkSpread {
  const bands = [0, 0, 0, 0];
  let answered = 0;
  let talk = 0;
  for (const c of intervals) {
    for (let i = 0; i < bands.length; i++) bands[i]! += c[FIELD.duration + i]!;
    answered += c[FIELD.answered]!;
    talk += c[FIELD.talkSum]!;
  }
  if (answered < MIN_CALLS_FOR_SPREAD || talk <= 0) return { handlePhases: DEFAULT_HANDLE_PHASES };
  const meanTalk = talk / answered;
  const sigma = fitTalkSigma(bands, meanTalk);
  return { sigma, handlePhases: (meanTalk + wrapUpSeconds) ** 2 / (meanTalk ** 2 * Math.expm1(sigma * sigma)) };
}
