import { subscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/**
 * Loaded into the service under test (`node --import`) by the load test: splits the service
 * process's CPU time among what it was doing, without touching the service's code. Between any two
 * events (a request arriving or answered, a Calls API request sent or answered) the event loop's
 * busy time is shared equally by everything in flight then; with nothing in flight it is background
 * work (the sweep, wrap-up timers, pub/sub notices to live screens, GC). The shares are then scaled
 * to the process's CPU time over the run (read twice: getrusage costs microseconds, far too much per
 * event). An approximation — work for one request is shared with any other in flight at the same
 * moment — whose parts add up to the process's whole CPU. The run is marked by SIGUSR2: the first starts the count afresh (start-up and
 * set-up left out), the second writes it as JSON to LOADTEST_CPU_BY_ROUTE.
 */
const out = process.env.LOADTEST_CPU_BY_ROUTE;

export interface RouteCpu {
  route: string;
  count: number;
  cpuMs: number;
}

interface Item {
  label: string;
  cpuUs: number;
}

const BACKGROUND = 'background (sweep, timers, pub/sub, GC)';
const totals = new Map<string, { count: number; cpuUs: number }>();
const inFlight = new Set<Item>();
/** The event loop's busy time so far, µs: cheap enough to read at every event. */
const busy = () => performance.eventLoopUtilization().active * 1000;
const cpu = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
let last = busy();
let cpuAtStart = cpu();

function settle(): void {
  const now = busy();
  const used = now - last;
  last = now;
  if (inFlight.size === 0) return add(BACKGROUND, used, 0);
  for (const item of inFlight) item.cpuUs += used / inFlight.size;
}

function add(label: string, cpuUs: number, count: number): void {
  const t = totals.get(label) ?? { count: 0, cpuUs: 0 };
  t.count += count;
  t.cpuUs += cpuUs;
  totals.set(label, t);
}

function begin(label: string): Item {
  settle();
  const item = { label, cpuUs: 0 };
  inFlight.add(item);
  return item;
}

function end(item: Item | undefined): void {
  if (!item || !inFlight.has(item)) return;
  settle();
  inFlight.delete(item);
  add(item.label, item.cpuUs, 1);
}

/** `POST /v1/twilio/wait`; ids in paths (staff, practices, calls) become `:id`. */
export function routeLabel(method: string, url: string): string {
  const path = url.split('?')[0]!.replace(/\/(CA|CF)[0-9a-f]{8,}/gi, '/:sid').replace(/\/v1\/(staff|practices)\/[^/]+/, '/v1/$1/:id');
  return `${method} ${path}`;
}

if (out) {
  const inbound = new WeakMap<object, Item>();
  subscribe('http.server.request.start', (m) => {
    const { request } = m as { request: { method: string; url: string } };
    inbound.set(request, begin(routeLabel(request.method, request.url)));
  });
  subscribe('http.server.response.finish', (m) => end(inbound.get((m as { request: object }).request)));
  // The service's outbound requests (fetch) go to the provider's API: the Calls API in a Twilio run.
  const outbound = new WeakMap<object, Item>();
  subscribe('undici:request:create', (m) => {
    const { request } = m as { request: { method: string; path: string } };
    outbound.set(request, begin(`outbound ${routeLabel(request.method, request.path.replace(/\/Accounts\/[^/]+/, ''))}`));
  });
  const done = (m: unknown) => end(outbound.get((m as { request: object }).request));
  subscribe('undici:request:headers', done);
  subscribe('undici:request:error', done);
  let started = false;
  process.on('SIGUSR2', () => {
    settle();
    if (!started) {
      started = true;
      totals.clear();
      for (const item of inFlight) item.cpuUs = 0;
      cpuAtStart = cpu();
      return;
    }
    const busyUs = [...totals.values()].reduce((a, t) => a + t.cpuUs, 0);
    const scale = (cpu() - cpuAtStart) / Math.max(1, busyUs);
    const rows: RouteCpu[] = [...totals].map(([route, t]) => ({ route, count: t.count, cpuMs: (t.cpuUs * scale) / 1000 }));
    writeFileSync(out, JSON.stringify(rows));
  });
}
