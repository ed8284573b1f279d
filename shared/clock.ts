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

export function createClock(speed = 1, epoch = Date.now()): Clock {
  if (!(speed > 0)) throw new Error(`clock speed must be a positive number, got ${speed}`);
  if (speed === 1) return { now: () => Date.now(), realDelay: (ms) => ms };
  return {
    now: () => epoch + (Date.now() - epoch) * speed,
    realDelay: (ms) => ms / speed,
  };
}
