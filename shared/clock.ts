/**
 * The one clock the service reads. At speed 1 it is the wall clock; a load-test simulation can run
 * it faster (CLOCK_SPEED) so an hour of calls plays out in a minute, with no other change in behaviour.
 */
export interface Clock {
  /** Milliseconds since the epoch, on this clock. */
  now(): number;
  /** Real milliseconds to wait for `ms` of clock time to pass. */
  realDelay(ms: number): number;
}

/** `start`: what the clock reads at `epoch` (a simulation of an earlier day); by default the real time then. */
export function createClock(speed = 1, epoch = Date.now(), start = epoch): Clock {
  if (!(speed > 0)) throw new Error(`clock speed must be a positive number, got ${speed}`);
  if (speed === 1 && start === epoch) return { now: () => Date.now(), realDelay: (ms) => ms };
  return {
    now: () => start + (Date.now() - epoch) * speed,
    realDelay: (ms) => ms / speed,
  };
}
