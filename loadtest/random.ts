import type { Spread } from './scenario.js';

/** A seeded random source, so a scenario plays the same calls every run (mulberry32). */
export class Random {
  constructor(private state: number) {}

  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One of the items, each with its share of the chances (shares adding up to 1). */
  pick<T extends { share: number }>(items: T[]): T {
    let r = this.next();
    for (const item of items) if ((r -= item.share) < 0) return item;
    return items.at(-1)!;
  }

  /** Seconds drawn log-normally around the median (Box–Muller). */
  seconds(spread: Spread): number {
    const normal = Math.sqrt(-2 * Math.log(1 - this.next())) * Math.cos(2 * Math.PI * this.next());
    return spread.medianSeconds * Math.exp(spread.sigma * normal);
  }

  /** Minutes after opening: a share in an exponentially decaying burst, the rest spread evenly. */
  arrivalMinute(periodMinutes: number, burstShare: number, burstMinutes: number): number {
    if (!this.chance(burstShare)) return this.next() * periodMinutes;
    // Inverse CDF of the exponential, truncated to the period.
    const truncated = 1 - Math.exp(-periodMinutes / burstMinutes);
    return -burstMinutes * Math.log(1 - this.next() * truncated);
  }
}

/** The q-quantile (0..1) of numbers, by nearest rank; NaN for none. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** The largest of many numbers (Math.max(...values) overflows the stack past ~100,000); 0 for none. */
export function maximum(values: Iterable<number>): number {
  let max = 0;
  for (const v of values) if (v > max) max = v;
  return max;
}
