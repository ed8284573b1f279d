import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { LESS_THAN_A_MINUTE } from './callers.js';
import { lineChart } from './chart.js';
import { maximum, quantile } from './random.js';
import type { CallbackOutcome, CallerAttempt, RunResult } from './simulate.js';

/** The figures both reports are built from (also what the CI smoke test asserts on). */
export interface Figures {
  callers: {
    people: number;
    calls: number;
    redials: number;
    engaged: number;
    answered: number;
    abandoned: number;
    abandonedPercent: number;
    cutOff: number;
    peopleServedPercent: number;
    /** Simulated seconds from ringing to being put through, answered calls. */
    wait: { p50: number; p90: number; max: number };
    withinTargetPercent: number;
    /** The first wait each answered caller was told against the wait they then had. */
    announced: Accuracy;
    /** Call-backs: taken by callers, then made (patient answered), failed, or still open when the run stopped. */
    callbacks: {
      requested: number;
      made: number;
      failed: number;
      open: number;
      /** Simulated seconds from the request to the patient answering, call-backs made. */
      timeToCallBack: { p50: number; p90: number; max: number };
      /** Promised against actual, call-backs made whose caller was told a figure. */
      promise: Accuracy;
    };
    /** Per menu choice: calls, answered, and their waits (simulated seconds). */
    menu: { digits: string; calls: number; answered: number; p50: number; p90: number }[];
    lost: number;
    recordsMissingOrWrong: number;
  };
  machine: {
    realSeconds: number;
    webhooks: number;
    webhooksPerSecond: { mean: number; peak: number };
    routes: { route: string; count: number; p50: number; p99: number; max: number; failed: number }[];
    all: { p50: number; p99: number; max: number };
    /** From the service's own histogram: the bound (ms) under which 99% of webhooks were answered, and the share within 50 ms. */
    service: { p99AtMostMs: number; within50msPercent: number };
    redisCommandsPerWebhook: number;
    scriptCallsPerWebhook: number;
    topCommands: [string, number][];
    processes: { name: string; cpuMean: number; cpuPeak: number; rssPeakMb: number }[];
    /** The service's CPU per provider webhook during the run (ms), and its split by what the service was doing (cpu-by-route.ts). */
    serviceCpuPerWebhookMs: number;
    cpuByRoute: { route: string; count: number; msEach: number | null; msPerWebhook: number; percent: number }[];
    errors: { webhookFailures: number; callErrors: number; serviceErrorLines: number; liveCallUpdateFailures: number };
  };
}

/**
 * How far figures told to callers were from what then happened (seconds): absolute errors, and each
 * caller's error as a share of their own actual time (the target: median ≤ 25%, p90 ≤ 50%).
 * "About N minutes" is a point, judged against N × 60 s; "less than a minute" is judged by what it
 * says: no error when the caller was answered within the minute, else the seconds past it. The
 * shares as earlier reports counted them (that phrase as 30 s, right or wrong) are kept beside.
 */
export interface Accuracy {
  samples: number;
  medianAbsError: number;
  p90AbsError: number;
  medianActual: number;
  medianRelativeErrorPct: number;
  p90RelativeErrorPct: number;
  /** "Less than a minute" counted as 30 s: median and p90 of the shares. */
  asPoint: { medianRelativeErrorPct: number; p90RelativeErrorPct: number };
}

/** One figure told to a caller and what then happened (simulated seconds), with where they stood. */
interface Told {
  told: number;
  actual: number;
  /** Seconds after opening the caller heard it. */
  heardAt: number;
  /** The menu choice (the team's queue), and the place in the queue told with the figure. */
  menuChoice?: string;
  position?: number;
  /** Call-backs: how many times the patient was rung (more than one: a missed call-back retried). */
  attempts?: number;
}

const error = (p: { told: number; actual: number }) => (p.told === LESS_THAN_A_MINUTE ? Math.max(0, p.actual - 60) : Math.abs(p.told - p.actual));

export function accuracy(pairs: { told: number; actual: number }[]): Accuracy {
  const errors = pairs.map(error);
  // A wait of under a second is a second: the share stays finite.
  const share = (e: number, p: { actual: number }) => (100 * e) / Math.max(1, p.actual);
  const relative = pairs.map((p, i) => share(errors[i]!, p));
  const asPoint = pairs.map((p) => share(Math.abs(p.told - p.actual), p));
  return {
    samples: pairs.length,
    medianAbsError: round(quantile(errors, 0.5), 0),
    p90AbsError: round(quantile(errors, 0.9), 0),
    medianActual: round(quantile(pairs.map((p) => p.actual), 0.5), 0),
    medianRelativeErrorPct: round(quantile(relative, 0.5), 0),
    p90RelativeErrorPct: round(quantile(relative, 0.9), 0),
    asPoint: { medianRelativeErrorPct: round(quantile(asPoint, 0.5), 0), p90RelativeErrorPct: round(quantile(asPoint, 0.9), 0) },
  };
}

const round = (n: number, d = 1) => (Number.isFinite(n) ? Math.round(n * 10 ** d) / 10 ** d : NaN);
const pct = (a: number, b: number) => (b === 0 ? 0 : round((100 * a) / b));
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/** Webhooks of the run itself: the mass hang-up when the simulator stops a run is teardown, not load. */
function runWebhooks(r: RunResult): RunResult['webhooks'] {
  return r.webhooks.filter((w) => w.at < r.stoppedAt);
}

/** Reached the service but was neither put through, nor gave up, nor took a call-back, nor was cut off by the run's end. */
function lostAttempts(r: RunResult) {
  return r.attempts.filter((a) => a.sid && !a.engaged && a.bridgedAt === undefined && !a.abandoned && !a.cutOff && !a.callbackRequested);
}

/** Seconds from asking to the patient answering: both times are the service's clock, which runs at the scenario's speed, so their difference is simulated time. */
const toCallBack = (c: CallbackOutcome) => (Date.parse(c.answeredAt!) - Date.parse(c.requestedAt)) / 1000;

/** The first wait each answered caller was told, against the wait they then had. */
function announcedWaits(r: RunResult): Told[] {
  return r.attempts.flatMap((a) => (a.bridgedAt !== undefined && a.announcedWait ? [{ told: a.announcedWait.seconds, actual: ((a.bridgedAt - a.announcedWait.at) * r.speed) / 1000, ...heard(r, a, a.announcedWait.at) }] : []));
}

/** Call-backs made whose caller was told a figure: the promise against the time to the patient answering. */
function promisesKept(r: RunResult): Told[] {
  const byOrigin = new Map(r.callbacks.map((c) => [c.originCallId, c]));
  return r.attempts.flatMap((a) => {
    const c = byOrigin.get(`twilio:${a.sid}`);
    const promised = a.callbackRequested?.promisedSeconds;
    return c?.status === 'completed' && c.answeredAt && promised !== undefined
      ? [{ told: promised, actual: toCallBack(c), ...heard(r, a, a.callbackRequested!.at), attempts: c.attempts }]
      : [];
  });
}

const heard = (r: RunResult, a: CallerAttempt, at: number) => ({ heardAt: ((at - r.startedAt) * r.speed) / 1000, ...(a.menuChoice !== undefined && { menuChoice: a.menuChoice }), ...(a.announcedWait?.position !== undefined && { position: a.announcedWait.position }) });

/** Figures told that were out by more than the p90 target (50% of the caller's actual time), by when they were heard. */
function farOff(r: RunResult): string {
  const rows = [...announcedWaits(r).map((t) => ({ ...t, kind: 'wait' })), ...promisesKept(r).map((t) => ({ ...t, kind: 'call-back' }))]
    .filter((t) => error(t) > 0.5 * Math.max(1, t.actual))
    .sort((a, b) => a.heardAt - b.heardAt);
  if (rows.length === 0) return '';
  const said = (s: number) => (s === LESS_THAN_A_MINUTE ? 'under 1 min' : `${s / 60} min`);
  return `### Figures out by more than half

Each figure told that missed the caller's actual time by more than 50% of it, by when it was heard
(the place is the one told with the caller's first announcement; a call-back keeps it).

${table(['heard (min after opening)', 'what', 'pressed', 'place', 'told', 'actual', 'out by', 'rings'], rows.map((t) => [
    (t.heardAt / 60).toFixed(1),
    t.kind,
    t.menuChoice ?? '',
    t.position ?? '',
    said(t.told),
    `${Math.round(t.actual)} s`,
    `${Math.round((100 * error(t)) / Math.max(1, t.actual))}% ${t.told === LESS_THAN_A_MINUTE || t.told < t.actual ? 'short' : 'long'}`,
    t.attempts ?? '',
  ]))}

`;
}

/** Call-backs as the callers took them and the service made them; `madeFor` are the callers reached. */
function callbackFigures(r: RunResult): { figures: Figures['callers']['callbacks']; madeFor: string[] } {
  const byOrigin = new Map(r.callbacks.map((c) => [c.originCallId, c]));
  const requested = r.attempts.filter((a) => a.callbackRequested);
  const made = r.callbacks.filter((c) => c.status === 'completed' && c.answeredAt);
  const times = made.map(toCallBack);
  const promise = promisesKept(r);
  return {
    figures: {
      requested: requested.length,
      made: made.length,
      failed: r.callbacks.filter((c) => c.status === 'failed').length,
      open: r.callbacks.filter((c) => c.status === 'pending' || c.status === 'in-progress').length,
      timeToCallBack: { p50: round(quantile(times, 0.5), 0), p90: round(quantile(times, 0.9), 0), max: round(maximum(times), 0) },
      promise: accuracy(promise),
    },
    madeFor: requested.filter((a) => byOrigin.get(`twilio:${a.sid}`)?.status === 'completed').map((a) => a.from),
  };
}

export function figures(r: RunResult): Figures {
  const secs = (realMs: number) => (realMs * r.speed) / 1000;
  const answered = r.attempts.filter((a) => a.bridgedAt !== undefined);
  const waits = answered.map((a) => secs(a.bridgedAt! - a.placedAt));
  const announced = announcedWaits(r);
  const people = new Set(r.attempts.map((a) => a.from));
  const callbacks = callbackFigures(r);
  const served = new Set([...answered.map((a) => a.from), ...callbacks.madeFor]);
  const lost = lostAttempts(r).length;

  const realSeconds = (r.stoppedAt - r.startedAt) / 1000;
  const webhooks = runWebhooks(r);
  const perSecond = new Map<number, number>();
  for (const w of webhooks) perSecond.set(Math.floor((w.at - r.startedAt) / 1000), (perSecond.get(Math.floor((w.at - r.startedAt) / 1000)) ?? 0) + 1);
  const byRoute = new Map<string, RunResult['webhooks']>();
  for (const w of webhooks) byRoute.set(w.route, [...(byRoute.get(w.route) ?? []), w]);
  const totalCommands = [...r.redisCommands.entries()].filter(([c]) => c !== 'info').reduce((a, [, n]) => a + n, 0);
  const scripts = (r.redisCommands.get('evalsha') ?? 0) + (r.redisCommands.get('eval') ?? 0);
  // 200 updated, 201 call placed (call-backs), 400 Twilio's 21220 (explained in the report): none of them failures.
  const failedUpdates = [...r.liveCallUpdates].filter(([status]) => ![200, 201, 400].includes(status)).reduce((a, [, n]) => a + n, 0);
  return {
    callers: {
      people: people.size,
      calls: r.attempts.length,
      redials: r.attempts.filter((a) => a.attempt > 1).length,
      engaged: r.attempts.filter((a) => a.engaged).length,
      answered: answered.length,
      abandoned: r.attempts.filter((a) => a.abandoned).length,
      abandonedPercent: pct(r.attempts.filter((a) => a.abandoned).length, r.attempts.length),
      cutOff: r.attempts.filter((a) => a.cutOff).length,
      peopleServedPercent: pct(served.size, people.size),
      wait: { p50: round(quantile(waits, 0.5), 0), p90: round(quantile(waits, 0.9), 0), max: round(maximum(waits), 0) },
      withinTargetPercent: pct(waits.filter((w) => w < r.scenario.targetWaitSeconds).length, waits.length),
      announced: accuracy(announced),
      callbacks: callbacks.figures,
      menu: [...new Set(r.attempts.map((a) => a.menuChoice).filter((d) => d !== undefined))].sort().map((digits) => {
        const calls = r.attempts.filter((a) => a.menuChoice === digits);
        const ws = calls.filter((a) => a.bridgedAt !== undefined).map((a) => secs(a.bridgedAt! - a.placedAt));
        return { digits, calls: calls.length, answered: ws.length, p50: round(quantile(ws, 0.5), 0), p90: round(quantile(ws, 0.9), 0) };
      }),
      lost,
      recordsMissingOrWrong: r.unaccounted.length,
    },
    machine: {
      realSeconds: round(realSeconds),
      webhooks: webhooks.length,
      webhooksPerSecond: { mean: round(webhooks.length / Math.max(realSeconds, 0.001)), peak: maximum(perSecond.values()) },
      routes: [...byRoute].sort().map(([route, ws]) => {
        const ms = ws.map((w) => w.ms);
        return { route, count: ws.length, p50: quantile(ms, 0.5), p99: quantile(ms, 0.99), max: maximum(ms), failed: ws.filter((w) => w.status < 200 || w.status >= 300).length };
      }),
      all: { p50: quantile(webhooks.map((w) => w.ms), 0.5), p99: quantile(webhooks.map((w) => w.ms), 0.99), max: maximum(webhooks.map((w) => w.ms)) },
      service: {
        p99AtMostMs: (r.serviceLatency.find((b) => b.share >= 0.99)?.le ?? NaN) * 1000,
        within50msPercent: pct(r.serviceLatency.find((b) => b.le === 0.05)?.share ?? 0, 1),
      },
      redisCommandsPerWebhook: round(totalCommands / Math.max(1, r.webhooks.length)),
      scriptCallsPerWebhook: round(scripts / Math.max(1, r.webhooks.length), 2),
      topCommands: [...r.redisCommands].filter(([c]) => c !== 'info').sort((a, b) => b[1] - a[1]).slice(0, 12),
      processes: r.processes.map((p) => ({
        name: p.name,
        cpuMean: round(mean(p.samples.map((s) => s.cpu)), 0),
        cpuPeak: round(maximum(p.samples.map((s) => s.cpu)), 0),
        rssPeakMb: round(maximum(p.samples.map((s) => s.rssMb)), 0),
      })),
      ...cpuSplit(r),
      errors: {
        webhookFailures: r.webhooks.filter((w) => w.status < 200 || w.status >= 300).length,
        callErrors: r.attempts.reduce((a, c) => a + c.errors.length, 0),
        serviceErrorLines: r.serviceErrors.length,
        liveCallUpdateFailures: failedUpdates,
      },
    },
  };
}

/** CPU-ms per webhook of the mix, whole and by route: what sizing (processes per practices) is worked from. */
function cpuSplit(r: RunResult): Pick<Figures['machine'], 'serviceCpuPerWebhookMs' | 'cpuByRoute'> {
  const total = r.cpuByRoute.reduce((a, x) => a + x.cpuMs, 0);
  const webhooks = r.cpuByRoute.filter((x) => PROVIDER_WEBHOOK.test(x.route)).reduce((a, x) => a + x.count, 0);
  return {
    serviceCpuPerWebhookMs: round(total / Math.max(1, webhooks), 3),
    cpuByRoute: [...r.cpuByRoute].sort((a, b) => b.cpuMs - a.cpuMs).map((x) => ({
      route: x.route,
      count: x.count,
      msEach: x.count ? round(x.cpuMs / x.count, 3) : null, // background work answers no request
      msPerWebhook: round(x.cpuMs / Math.max(1, webhooks), 3),
      percent: pct(x.cpuMs, total),
    })),
  };
}
const PROVIDER_WEBHOOK = /^POST \/v1\/(twilio|jambonz)\//;

const table = (head: string[], rows: (string | number)[][]) =>
  [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

function runLine(r: RunResult): string {
  return `${r.practices} practice(s), ${r.arrivalMinutes} simulated minutes of arrivals at ${r.speed}× (${r.arrivalMinutes / r.speed} real minutes), run ${new Date(r.startedAt).toISOString()} on ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.versions.node}; machine load average when the report was written ${loadavg().map((l) => l.toFixed(1)).join(' / ')} (1 / 5 / 15 min; above ${cpus().length} means other work was competing for the cores).`;
}

function lostList(r: RunResult): string {
  const lost = lostAttempts(r);
  if (lost.length === 0) return '';
  return `Lost calls (first 5): ${lost.slice(0, 5).map((a) => `${a.sid} (last heard: "${a.lastHeard ?? 'nothing'}"; record: ${String(a.record?.outcome ?? 'none')})`).join('; ')}\n\n`;
}

/** Writes <dir>/callers.md and machine.md with their SVG charts; returns the two paths. */
export function writeReports(r: RunResult, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const f = figures(r);
  const c = f.callers;
  const m = f.machine;
  const minuteOf = (ms: number) => ((ms - r.startedAt) * r.speed) / 60_000;
  const arrivals = new Map<number, number>();
  for (const a of r.attempts) arrivals.set(Math.floor(minuteOf(a.placedAt)), (arrivals.get(Math.floor(minuteOf(a.placedAt))) ?? 0) + 1);
  writeFileSync(join(dir, 'queue.svg'), lineChart('Callers waiting and talking, by minute after opening', 'minutes after opening (simulated)', 'callers', [
    { name: 'waiting in the queue', points: r.queue.map((q) => [q.minute, q.waiting]) },
    { name: 'talking to staff', points: r.queue.map((q) => [q.minute, q.talking]) },
    { name: 'calls placed that minute', points: [...arrivals].sort((a, b) => a[0] - b[0]) },
  ]));
  const sorted = r.attempts.filter((a) => a.bridgedAt !== undefined).map((a) => ((a.bridgedAt! - a.placedAt) * r.speed) / 60_000).sort((a, b) => a - b);
  writeFileSync(join(dir, 'waits.svg'), lineChart('Wait before being put through (answered calls)', '% of answered calls', 'minutes', [
    { name: 'wait', points: sorted.map((w, i) => [(100 * (i + 1)) / sorted.length, w]) },
    { name: `target (${r.scenario.targetWaitSeconds / 60} min)`, points: [[0, r.scenario.targetWaitSeconds / 60], [100, r.scenario.targetWaitSeconds / 60]] },
  ]));

  const callers = `# ${r.scenario.name}: the callers' view

${r.scenario.description.trim()}

${runLine(r)}

| measure | value |
| --- | --- |
| people who rang | ${c.people} |
| calls (including ${c.redials} redials) | ${c.calls} |
| **engaged tones or errors** (must be 0) | **${c.engaged}** |
| answered by staff | ${c.answered} |
| abandoned (caller gave up) | ${c.abandoned} (${c.abandonedPercent}% of calls) |
| people who got through in the end | ${c.peopleServedPercent}% |
| still waiting when the run stopped | ${c.cutOff} |
| lost calls (neither answered, abandoned, called back nor cut off) | ${c.lost} |
| calls without a matching call record | ${c.recordsMissingOrWrong} |
| wait to answer, p50 / p90 / max | ${c.wait.p50} s / ${c.wait.p90} s / ${c.wait.max} s |
| answered within ${r.scenario.targetWaitSeconds / 60} minutes (NHS CBT "answered after waiting under 2 minutes", of answered calls) | ${c.withinTargetPercent}% |
| call-backs requested / made / failed / still open when the run stopped | ${c.callbacks.requested} / ${c.callbacks.made} / ${c.callbacks.failed} / ${c.callbacks.open} |
| time from asking to being called back, p50 / p90 / max (call-backs made) | ${c.callbacks.timeToCallBack.p50} s / ${c.callbacks.timeToCallBack.p90} s / ${c.callbacks.timeToCallBack.max} s |
| promised call-back time vs actual (${c.callbacks.promise.samples} call-backs made to callers told a figure; median actual ${c.callbacks.promise.medianActual} s): absolute error median / p90; each caller's error as % of their own actual time, median / p90 (target ≤ 25% / ≤ 50%) | ${c.callbacks.promise.medianAbsError} s / ${c.callbacks.promise.p90AbsError} s; **${c.callbacks.promise.medianRelativeErrorPct}% / ${c.callbacks.promise.p90RelativeErrorPct}%** (with "less than a minute" as 30 s: ${c.callbacks.promise.asPoint.medianRelativeErrorPct}% / ${c.callbacks.promise.asPoint.p90RelativeErrorPct}%) |
| announced wait vs actual (${c.announced.samples} answered callers who were told a figure; median actual ${c.announced.medianActual} s): absolute error median / p90; each caller's error as % of their own actual wait, median / p90 (target ≤ 25% / ≤ 50%) | ${c.announced.medianAbsError} s / ${c.announced.p90AbsError} s; **${c.announced.medianRelativeErrorPct}% / ${c.announced.p90RelativeErrorPct}%** (with "less than a minute" as 30 s: ${c.announced.asPoint.medianRelativeErrorPct}% / ${c.announced.asPoint.p90RelativeErrorPct}%) |

${c.menu.length ? `### By menu choice

${table(['pressed', 'calls', 'answered by staff', 'wait p50', 'wait p90'], c.menu.map((m) => [m.digits, m.calls, m.answered, `${m.p50} s`, `${m.p90} s`]))}

` : ''}${farOff(r)}${lostList(r)}![queue](queue.svg)

![waits](waits.svg)

## How to read this

- Waits run from the caller's phone being answered by Switchboard (greeting) to a receptionist
  picking up; they include ring time to staff who did not answer (${Math.round(r.scenario.staff.noAnswerRate * 100)}% of rings go unanswered).
- Callers' patience is log-normal with median ${r.scenario.callers.patience.medianSeconds} s; ${Math.round(r.scenario.callers.redialProbability * 100)}% of those who give up ring again after about ${r.scenario.callers.redialAfter.medianSeconds} s,
  up to ${r.scenario.callers.maxRedials} times. Abandonment here measures staffing against demand, not the service: with
  ${r.scenario.practices.roster.map((s) => `${s.staff} staff from minute ${s.fromMinute}`).join(', ')} and a median handle time of
  ${r.scenario.staff.handle.medianSeconds} s plus ${r.scenario.practices.wrapUpSeconds} s wrap-up, each practice can answer about ${Math.round((3600 / (r.scenario.staff.handle.medianSeconds * 1.13 + r.scenario.practices.wrapUpSeconds)) * Math.max(...r.scenario.practices.roster.map((s) => s.staff)))} calls an hour at full strength, so the burst at opening queues.
- The announced wait is the first figure each caller heard, compared with how long they then
  actually waited: "about N minutes" against N minutes, "less than a minute" by what it says (right
  when answered within the minute, else wrong by the seconds past it; counted as 30 s either way, as
  earlier reports did, in brackets); only callers who were then
  answered are in the sample. Early callers hear no figure until the team has handled calls, so
  they are not in it either. The figure comes from the queueing model (docs/planning.md): place in
  the queue, staff signed in, the team's handle time, and callers ahead who will hang up.
- ${r.scenario.practices.menu ? `Callers hear the practice's menu ("${r.scenario.practices.menu.prompt}") and press ${r.scenario.callers.keypad.map((k) => `${k.digits} (${Math.round(k.share * 100)}%)`).join(', ')}.` : 'There is no menu: callers go straight to the reception queue.'}
  ${(r.scenario.practices.extraTeams ?? []).map((t) => `"${t.name}" has ${t.staff} staff ${t.pcnWide ? 'for the whole PCN' : 'in each practice'}, signed in throughout.`).join(' ')}
- Call-backs are offered once a caller's estimated wait passes 2 minutes (the default
  \`callbackOfferAfterSeconds\`); ${Math.round(r.scenario.callers.callbackUptake * 100)}% of callers offered one take it (press 1,
  then 1 to confirm their number) and hang up. Staff are rung first, then the patient, who misses
  ${Math.round(r.scenario.callers.callbackMissedRate * 100)}% of call-backs (retried after \`callbackRetrySeconds\`). A caller who took a call-back has
  "got through" when the call-back is made. The promised time is the "about N minutes" they were told.
`;
  writeFileSync(join(dir, 'callers.md'), callers);

  const perSecond = new Map<number, number[]>();
  for (const w of runWebhooks(r)) {
    const s = Math.floor((w.at - r.startedAt) / 1000);
    perSecond.set(s, [...(perSecond.get(s) ?? []), w.ms]);
  }
  const seconds = [...perSecond.keys()].sort((a, b) => a - b);
  writeFileSync(join(dir, 'webhooks.svg'), lineChart('Webhooks per second and p99 latency', 'real seconds into the run', 'webhooks/s · ms', [
    { name: 'webhooks per second', points: seconds.map((s) => [s, perSecond.get(s)!.length]) },
    { name: 'p99 latency (ms)', points: seconds.map((s) => [s, quantile(perSecond.get(s)!, 0.99)]) },
  ]));
  writeFileSync(join(dir, 'cpu.svg'), lineChart('CPU by process (% of one core)', 'real seconds into the run', '% CPU', r.processes.map((p) => ({ name: p.name.split(' ')[0]!, points: p.samples.map((s) => [(s.at - r.startedAt) / 1000, s.cpu]) }))));

  const machine = `# ${r.scenario.name}: the machine's view

${runLine(r)} Switchboard, Redis, and the simulator (callers, staff and the Twilio emulator) in
${r.simulatorWorkers.length ? `${r.simulatorWorkers.length} worker processes, each with its own emulator for a share of the PCNs (the parent forwards the Calls API to them)` : 'one process'}, all on 127.0.0.1.

| measure | value |
| --- | --- |
| real duration (until the run stopped) | ${m.realSeconds} s |
| webhooks during the run | ${m.webhooks} (plus ${r.webhooks.length - m.webhooks} when the run stopped and hung up the ${r.attempts.filter((a) => a.cutOff).length} callers still waiting: teardown, left out of the figures below) |
| webhooks per second, mean / peak | ${m.webhooksPerSecond.mean} / ${m.webhooksPerSecond.peak} |
| latency, all webhooks, p50 / p99 / max (measured by the emulator) | ${m.all.p50} / ${m.all.p99} / ${m.all.max} ms |
| latency as the service measures it (its \`switchboard_webhook_duration_seconds\` histogram): p99 at most / share within 50 ms | ${m.service.p99AtMostMs} ms / ${m.service.within50msPercent}% |
| event-loop delay p99 / max: service, simulator | ${Math.round(r.eventLoop.service.p99)} / ${Math.round(r.eventLoop.service.max)} ms, ${Math.round(r.eventLoop.simulator.p99)} / ${Math.round(r.eventLoop.simulator.max)} ms${r.simulatorWorkers.length ? ` (the worst of ${r.simulatorWorkers.length} simulator workers: ${r.simulatorWorkers.map((w) => `${Math.round(w.eventLoop.p99)} / ${Math.round(w.eventLoop.max)}`).join(', ')} ms)` : ''} |
| Redis commands per webhook (all commands, including those run inside Lua scripts) | ${m.redisCommandsPerWebhook} |
| Lua script calls (EVALSHA) per webhook | ${m.scriptCallsPerWebhook} |
| live-call updates (Calls API) by status | ${[...r.liveCallUpdates].map(([s, n]) => `${n} × ${s}`).join(', ') || 'none'} |
| errors: failed webhooks / call errors / service error log lines / failed live-call updates | ${m.errors.webhookFailures} / ${m.errors.callErrors} / ${m.errors.serviceErrorLines} / ${m.errors.liveCallUpdateFailures} |

The emulator's latency runs from sending a webhook to reading its answer inside the simulator
process, so it includes the simulator's own delays when the machine's cores are busy (the simulator
is the busiest process in large runs). The service's own histogram runs from Fastify reading the
request to sending the answer, bucketed at 5, 10, 25, 50, 100, 250 ms…: it leaves out time a request
waits before the service reads it. The truth for a caller lies between the two.

## Latency by route (ms, measured by the emulator: request sent to response read)

${table(['route', 'requests', 'p50', 'p99', 'max', 'failed'], m.routes.map((x) => [x.route, x.count, x.p50, x.p99, x.max, x.failed]))}

![webhooks](webhooks.svg)

## Processes

${table(['process', 'CPU mean %', 'CPU peak %', 'peak RSS MB'], m.processes.map((p) => [p.name, p.cpuMean, p.cpuPeak, p.rssPeakMb]))}

![cpu](cpu.svg)

## Service CPU by route

**${m.serviceCpuPerWebhookMs} ms of service CPU per webhook** over the run (all the service's CPU
between the run's start and stop, divided by the provider webhooks it answered). Split by what was in
flight (loadtest/cpu-by-route.ts: CPU between two events is shared by the requests in flight then;
with none in flight it is background work), so per-route figures are approximate, their sum exact.

${table(['route', 'requests', 'CPU ms each', 'CPU ms per webhook of the mix', '% of service CPU'], m.cpuByRoute.map((x) => [x.route, x.count, x.msEach ?? '—', x.msPerWebhook, x.percent]))}

## Redis commands during the run (INFO commandstats delta)

${table(['command', 'calls'], m.topCommands)}

Redis commands include the safety-net sweep, which every process runs each \`SWEEP_INTERVAL_MS\` of
clock time (1 s) for each PCN shard it has seen activity in lately (every shard every tenth sweep):
one Lua script per shard (\`sweepShard-2\`; where a team has overflow rules, also \`overflow-1\` and a read of
each practice's closures), so at ${r.speed}× at least ${Math.round(r.speed * new Set(Array.from({ length: r.practices }, (_, i) => Math.floor(i / r.scenario.practices.perPcn))).size)} scripts a real second per process while every PCN is busy; it dominates
the count in compressed runs of a quiet practice.

Live-call updates answered 201 are calls placed (call-backs: staff first, then the patient).
Those answered 400 are Twilio's 21220 ("call is not in progress"): either the caller hung up just
as staff became free (the call is ended), or staff came free while the caller's first answer was
still on its way (the caller is tried again 250 ms later; see docs/providers.md).
${r.serviceErrors.length ? `\n## Service error lines (first 5)\n\n\`\`\`\n${r.serviceErrors.slice(0, 5).join('\n')}\n\`\`\`\n` : ''}`;
  writeFileSync(join(dir, 'machine.md'), machine);
  return [join(dir, 'callers.md'), join(dir, 'machine.md')];
}
