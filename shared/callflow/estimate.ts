import type { QueueView } from '../queue/queue.js';

/**
 * Expected wait for a caller at `position`, from observed handling rather than a constant:
 *
 *   wait ≈ (position − ½) × averageHandleSeconds ÷ staffServing
 *
 * averageHandleSeconds is the team's exponentially weighted mean of talk + wrap-up time (each new
 * call weighs 20%), so it follows the morning as it changes. staffServing counts staff signed in
 * to the team, free or busy. The −½ reflects that the call ahead of you is on average half done.
 * With no staff signed in, or no calls handled yet, there is no basis: say nothing about time.
 * With fewer than five calls handled, the figure is given but hedged.
 */
export type WaitEstimate = { basis: 'none' } | { basis: 'hedged' | 'observed'; seconds: number };

export const CONFIDENT_AFTER_SAMPLES = 5;

export function estimateWait(view: QueueView): WaitEstimate {
  if (view.position < 1 || view.staffOn < 1 || view.handleSeconds === undefined || view.handleSamples < 1) {
    return { basis: 'none' };
  }
  const seconds = Math.max(0, ((view.position - 0.5) * view.handleSeconds) / view.staffOn);
  return { basis: view.handleSamples < CONFIDENT_AFTER_SAMPLES ? 'hedged' : 'observed', seconds };
}

/** Rounded the way a person would say it: under a minute, whole minutes to ten, then fives. */
export function roundedMinutes(seconds: number): number {
  const minutes = seconds / 60;
  if (minutes <= 10) return Math.max(1, Math.round(minutes));
  return Math.round(minutes / 5) * 5;
}
