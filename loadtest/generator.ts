import { Pool } from 'undici';
import { maximum, quantile } from './random.js';

/** One request the generator sends (cycled through in order). */
export interface LoadRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  failures: number;
}

/**
 * A small HTTP load generator over keep-alive connections, used for both routes alike.
 * Closed loop (no rate): `connections` requests always in flight, for the sustained maximum.
 * Open loop (a rate): requests are due evenly spaced in time and latency is counted from when each
 * was due, so a stalled server cannot hide its queueing (no coordinated omission).
 */
export async function generateLoad(baseUrl: string, requests: LoadRequest[], opts: { seconds: number; connections: number; rate?: number }): Promise<LoadResult> {
  const pool = new Pool(baseUrl, { connections: opts.connections });
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const send = async (dueAt: number) => {
    const r = requests[next++ % requests.length]!;
    try {
      const res = await pool.request({ method: 'POST', path: r.path, headers: r.headers, body: r.body });
      await res.body.dump();
      if (res.statusCode !== 200) failures++;
      latencies.push(performance.now() - dueAt);
    } catch {
      failures++;
    }
  };
  const started = performance.now();
  const endAt = started + opts.seconds * 1000;
  if (opts.rate === undefined) {
    await Promise.all(Array.from({ length: opts.connections }, async () => {
      while (performance.now() < endAt) await send(performance.now());
    }));
  } else {
    const interval = 1000 / opts.rate;
    const inFlight = new Set<Promise<void>>();
    let sent = 0;
    while (performance.now() < endAt) {
      const now = performance.now();
      while (started + sent * interval <= now) {
        const p = send(started + sent++ * interval);
        inFlight.add(p);
        void p.then(() => inFlight.delete(p));
      }
      await new Promise((r) => setTimeout(r, 1)); // sleep, not spin: the generator shares the machine's cores
    }
    await Promise.all(inFlight);
  }
  const elapsed = (performance.now() - started) / 1000;
  await pool.close();
  const round = (n: number) => Math.round(n * 10) / 10;
  return { requestsPerSecond: latencies.length / elapsed, p50: round(quantile(latencies, 0.5)), p99: round(quantile(latencies, 0.99)), max: round(maximum(latencies)), failures };
}
