import { FIELD, type Counters } from './layout.js';

/** A column of /v1/stats: a count, or a figure derived from counts (docs/statistics.md). */
export interface Measure {
  name: string;
  description: string;
  value: (c: Counters) => number | null;
  /** The count whose smallness makes this figure disclosive (suppressed with it). */
  base: (c: Counters) => number;
}

const sum = (c: Counters, from: number, to: number) => {
  let s = 0;
  for (let i = from; i <= to; i++) s += c[i]!;
  return s;
};
const ratio = (num: number, den: number, scale: number) => (den === 0 ? null : Math.round((num / den) * scale * 10) / 10);

function count(name: string, description: string, from: number, to = from): Measure {
  return { name, description, value: (c) => sum(c, from, to), base: (c) => sum(c, from, to) };
}

/** Wait buckets (FIELD.answeredWait + 0..8) grouped into the publication's summary bands. */
const WAIT_BANDS: [string, string, number, number][] = [
  ['le1m', 'within 1 minute', 0, 2],
  ['1_2m', 'after 1 to 2 minutes', 3, 4],
  ['2_5m', 'after 2 to 5 minutes', 5, 7],
  ['gt5m', 'after more than 5 minutes', 8, 8],
];
const DURATION_BANDS: [string, string, number][] = [
  ['le1m', 'lasting up to 1 minute', 0],
  ['1_2m', 'lasting 1 to 2 minutes', 1],
  ['2_5m', 'lasting 2 to 5 minutes', 2],
  ['gt5m', 'lasting more than 5 minutes', 3],
];

export const MEASURES: Measure[] = [
  count('CBT001', 'inbound calls', FIELD.inbound),
  count('CBT002', 'calls ended in the IVR stage, before joining a queue', FIELD.ivr),
  count('CBT003', 'calls answered by a person', FIELD.answered),
  count('CBT004', 'missed calls: ended while waiting to speak to a person', FIELD.missed),
  count('CBT005', 'call-backs requested', FIELD.callBackRequested),
  count('CBT006', 'call-backs made', FIELD.callBackMade),
  ...WAIT_BANDS.map(([k, d, a, b]) => count(`CBT003_wait_${k}`, `calls answered ${d} of joining the queue`, FIELD.answeredWait + a, FIELD.answeredWait + b)),
  ...WAIT_BANDS.map(([k, d, a, b]) => count(`CBT004_wait_${k}`, `missed calls that ended ${d} of joining the queue`, FIELD.missedWait + a, FIELD.missedWait + b)),
  ...DURATION_BANDS.map(([k, d, i]) => count(`CBT007_${k}`, `answered calls ${d}`, FIELD.duration + i)),
  {
    name: 'answered_under_2m_pct',
    description: '% of answered calls answered after waiting under 2 minutes',
    value: (c) => ratio(sum(c, FIELD.answeredWait, FIELD.answeredWait + 4), c[FIELD.answered]!, 100),
    base: (c) => c[FIELD.answered]!,
  },
  {
    name: 'callbacks_made_pct',
    description: '% of requested call-backs that were made',
    value: (c) => ratio(c[FIELD.callBackMade]!, c[FIELD.callBackRequested]!, 100),
    base: (c) => c[FIELD.callBackRequested]!,
  },
  mean('mean_answer_wait_s', 'mean wait of answered calls, seconds', FIELD.answeredWaitSum, FIELD.answered),
  mean('mean_missed_wait_s', 'mean wait before a missed call ended, seconds', FIELD.missedWaitSum, FIELD.missed),
  mean('mean_talk_s', 'mean duration of answered calls, seconds', FIELD.talkSum, FIELD.answered),
  mean('mean_callback_answer_s', 'mean time from a call-back request to the caller answering it, seconds', FIELD.callBackAnswerSum, FIELD.callBackMade),
];

function mean(name: string, description: string, total: number, of: number): Measure {
  return { name, description, value: (c) => ratio(c[total]!, c[of]!, 1), base: (c) => c[of]! };
}

export const MEASURE_NAMES = MEASURES.map((m) => m.name);

/**
 * The small-number rule, the one every figure a PCN or ICB reads follows: a count of 1 to
 * `suppressBelow - 1` is disclosive (shown as '*', and so is anything built on it); 0 is shown;
 * `suppressBelow` 0 suppresses nothing.
 */
export function isSmallNumber(count: number, suppressBelow: number): boolean {
  return count > 0 && count < suppressBelow;
}

/** A figure as a user outside the practice may see it (isSmallNumber of its base count: '*'). */
export function shown(measure: Measure, c: Counters, suppressBelow: number): number | string | null {
  if (isSmallNumber(measure.base(c), suppressBelow)) return '*';
  return measure.value(c);
}
