/**
 * The answer delay: from a person being free (their call and its wrap-up over) to their picking up
 * the next caller who was already waiting — their phone ringing and being answered. The person can
 * take nobody else meanwhile, and the caller's wait goes on through it: it belongs to each call's
 * handle time, and the queueing model's wait (which ends when someone is free) is the caller's less it.
 */

/** A call a person answered from the queue, as its call record shows it: epoch milliseconds. */
export interface AnsweredCall {
  staff: string;
  queuedAt: number;
  answeredAt: number;
  endedAt: number;
}

/** Gaps longer than this between a person's calls are something else (a call-back made between them, time away), not answering. */
export const LONGEST_ANSWER_SECONDS = 60;

/** Fewer gaps than this, and no delay is learnt. */
export const MIN_ANSWER_GAPS = 20;

/**
 * The gaps, seconds, between each person's being free and their answering a caller who was
 * already waiting then. One clock only: calls whose times are not comparable (different load-test
 * runs, which all show the same morning) must be given separately.
 */
export function answerGaps(calls: readonly AnsweredCall[], wrapUpSeconds: number): number[] {
  const byStaff = new Map<string, AnsweredCall[]>();
  for (const call of calls) {
    const own = byStaff.get(call.staff);
    if (own) own.push(call);
    else byStaff.set(call.staff, [call]);
  }
  const gaps: number[] = [];
  for (const own of byStaff.values()) {
    own.sort((x, y) => x.answeredAt - y.answeredAt);
    for (let i = 1; i < own.length; i++) {
      const free = own[i - 1]!.endedAt + wrapUpSeconds * 1000;
      const gap = (own[i]!.answeredAt - free) / 1000;
      if (own[i]!.queuedAt < free && gap >= 0 && gap < LONGEST_ANSWER_SECONDS) gaps.push(gap);
    }
  }
  return gaps;
}

/** The mean gap where there are enough to tell; none otherwise. */
export function learntAnswerDelay(gaps: readonly number[]): number | undefined {
  return gaps.length >= MIN_ANSWER_GAPS ? gaps.reduce((a, b) => a + b, 0) / gaps.length : undefined;
}

/** A record's time: epoch milliseconds as Redis keeps them, or ISO 8601 as the API gives them; NaN when there is none. */
const epochMs = (value: unknown) => (typeof value === 'number' ? value : /^\d+$/.test(String(value)) ? Number(value) : Date.parse(String(value)));

/** A call record's answered call (from Redis or from the API), where it has everything the gaps need. */
export function answeredCall(record: Readonly<Record<string, unknown>>): AnsweredCall | undefined {
  const [queuedAt, answeredAt, endedAt] = [epochMs(record.queuedAt), epochMs(record.answeredAt), epochMs(record.endedAt)];
  if (record.outcome !== 'answered' || !record.staff || !(queuedAt > 0 && answeredAt > 0 && endedAt > 0)) return undefined;
  return { staff: String(record.staff), queuedAt, answeredAt, endedAt };
}

/**
 * The target the queueing model's wait is held to: a caller's wait runs until someone picks up,
 * the model's until someone is free, so the answer target less the ringing (none below nothing).
 */
export const modelWaitTarget = (answerWithinSeconds: number, answerDelaySeconds = 0) => Math.max(0, answerWithinSeconds - answerDelaySeconds);
