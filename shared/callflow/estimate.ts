/**
 * What a caller is told about their wait (the figure comes from the WaitEstimator port,
 * shared/planning/live-wait.ts). 'none': no basis, so say nothing about time; 'hedged': a figure
 * from too few calls handled yet to be sure of.
 */
export type WaitEstimate = { basis: 'none' } | { basis: 'hedged' | 'observed'; seconds: number };

/** Rounded the way a person would say it: under a minute, whole minutes to ten, then fives. */
export function roundedMinutes(seconds: number): number {
  const minutes = seconds / 60;
  if (minutes <= 10) return Math.max(1, Math.round(minutes));
  return Math.round(minutes / 5) * 5;
}
