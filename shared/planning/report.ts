import type { StatsScope } from '../access.js';
import { londonMoment } from '../callflow/hours.js';
import type { Directory } from '../directory/directory.js';
import type { WeekDay } from '../directory/types.js';
import type { CallQueue } from '../queue/queue.js';
import type { StatsStore } from '../stats/store.js';
import { answerGaps } from './answer-delay.js';
import { learnDemand, pastDays, WEEKDAYS, withAnswerDelay, type DemandModel } from './model.js';
import { dateOf } from '../stats/layout.js';
import { observedRoster } from './observed.js';
import { parseRoster, planDay, sumPlans, targetFor, type Plan, type Roster, type UnitPlan } from './plan.js';
import type { PlanThread } from './plan-thread.js';
import { dayShape } from './arrival-shape.js';
import { pcnUnits, queuedCalls, unitModel, unitSplits } from './units.js';

/** What the planner is asked: a weekday, how far back to learn, a roster (or last week's) and the target. */
export interface PlanRequest {
  weekday: WeekDay;
  weeks?: number;
  /** "08:00-09:30=3,…", spans, or 'observed' (last week's, from the call records). */
  roster?: string | { from: string; to: string; staff: number }[];
  answerWithinSeconds?: number;
  /** Percentages. */
  serviceLevelPct?: number;
  maxAbandonPct?: number;
}

export interface PlanDeps {
  store: StatsStore;
  queue: CallQueue;
  directory: Directory;
  now: number;
  /** Where days are planned: a thread of their own in the service (`PlanThread`); none: here. */
  planner?: Pick<PlanThread, 'plan'>;
}

const inThisThread = { plan: async (...args: Parameters<typeof planDay>) => planDay(...args) };

export interface PlanReport extends Plan {
  scope: string;
  /** A PCN's staff pools (each practice, each PCN-wide team), each planned on its own; the plan above is their sum. */
  units?: UnitPlan[];
  weeks: number;
  roster: { source: Plan['rosterSource']; date?: string };
  model: {
    historyBasis: DemandModel['historyBasis'];
    history: DemandModel['history'];
    talkSeconds: number;
    talkBasis: DemandModel['talkBasis'];
    wrapUpSeconds: number;
    /** Seconds from a person free to their picking up a waiting caller, as the call records show it (0: not learnt). */
    answerDelaySeconds: number;
    patienceSeconds: number;
    patienceBasis: DemandModel['patienceBasis'];
    callbackUptakePct: number | null;
    notes: string[];
  };
}

/** The ICB's view: predicted service levels, no staffing and no counts. */
export interface ServiceLevelReport {
  scope: string;
  weekday: WeekDay;
  target: Plan['target'];
  roster: { source: Plan['rosterSource']; date?: string };
  intervals: { start: string; end: string; predicted: Plan['intervals'][number]['predicted'] }[];
  day: { answeredWithinTargetPct: number | null; abandonPct: number | null };
}

/** The weekday after today's in London (planning on Sunday night for Monday). */
export function nextWeekday(now: number): WeekDay {
  return WEEKDAYS[(WEEKDAYS.indexOf(londonMoment(now).day) + 1) % 7]!;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

function percent(name: string, value: number | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!(value > 0 && value <= max)) throw new RangeError(`${name} must be a percentage above 0 and at most ${max}, not ${value}`);
  return value / 100;
}

export async function planReport(deps: PlanDeps, scopeName: string, scope: StatsScope, request: PlanRequest): Promise<PlanReport> {
  let model = await learnDemand(deps.store, deps.directory, scope.practices, { weekday: request.weekday, weeks: request.weeks, now: deps.now });
  const answerWithin = request.answerWithinSeconds ?? Math.min(...scope.practices.map((p) => p.answerTargetSeconds));
  if (!(answerWithin > 0 && answerWithin <= 3600)) throw new RangeError(`answerWithinSeconds must be from 1 to 3600, not ${answerWithin}`);
  const target = targetFor(answerWithin, { serviceLevel: percent('serviceLevel', request.serviceLevelPct, 0.8, 99.9), maxAbandon: percent('maxAbandon', request.maxAbandonPct, 0.05, 100) });
  let roster: { staff: Roster; source: 'given' | 'observed' } | undefined;
  let rosterDate: string | undefined;
  let units: UnitPlan[] | undefined;
  let plan: Plan;
  if (scope.kind === 'pcn') {
    if (request.roster !== undefined && request.roster !== 'observed') throw new RangeError('a roster is for one staff pool: try it on a practice (/v1/practices/:ods/plan); a PCN’s plan adds up its practices’ and PCN-wide teams’ own plans (roster=observed: each as its call records show it)');
    ({ units, model } = await pcnUnitPlans(deps, scope, model, request, target));
    plan = sumPlans(units, request.weekday, target);
    model.notes.push(`Planned as ${units.length} staff pools, each with its own people: ${units.map((u) => u.name).join(', ')}. Calls are split between them by the teams callers queued for, hour by hour, as the call records show.`);
    if (request.roster === 'observed') rosterDate = pastDays(request.weekday, 1, deps.now).map(dateOf)[0];
  } else {
    if (request.roster === 'observed') {
      const observed = await observedRoster(deps.queue, deps.directory, scope.practices, request.weekday, deps.now);
      roster = { staff: observed.staff, source: 'observed' };
      rosterDate = observed.date;
    } else if (request.roster !== undefined) {
      roster = { staff: parseRoster(request.roster), source: 'given' };
    }
    const calls = await Promise.all(scope.practices.map((p, i) => queuedCalls(deps.queue, deps.directory, p, model.history[i]!.daysUsed)));
    const shape = dayShape(calls.flatMap((c) => c.arrivals));
    model = withAnswerDelay({ ...model, arrivalShape: shape.shape, notes: [...model.notes, shape.note] }, calls.flatMap((c, i) => answerGaps(c.answered, scope.practices[i]!.wrapUpSeconds)));
    plan = await (deps.planner ?? inThisThread).plan(model, target, roster);
  }
  if (request.roster === 'observed') model.notes.push(`The roster is ${rosterDate}'s, as its call records show it: the people on a call or wrapping up in each quarter hour. Anyone signed in who took no call then is not counted, so it can be short.`);
  return {
    scope: scopeName,
    weeks: model.weeks,
    ...plan,
    ...(units ? { units } : {}),
    roster: { source: plan.rosterSource, ...(rosterDate ? { date: rosterDate } : {}) },
    model: {
      historyBasis: model.historyBasis,
      history: model.history,
      talkSeconds: Math.round(model.talkSeconds),
      talkBasis: model.talkBasis,
      wrapUpSeconds: Math.round(model.wrapUpSeconds),
      answerDelaySeconds: Math.round(model.answerDelaySeconds ?? 0),
      patienceSeconds: Math.round(model.patienceSeconds),
      patienceBasis: model.patienceBasis,
      callbackUptakePct: model.callbackUptake === null ? null : round1(model.callbackUptake * 100),
      notes: model.notes,
    },
  };
}

/**
 * Each staff pool of a PCN planned on its own: a practice's calls to its own teams, a PCN-wide
 * team's from every practice; and the PCN's model, with the answer delay of all its practices' records.
 */
async function pcnUnitPlans(deps: PlanDeps, scope: StatsScope, combined: DemandModel, request: PlanRequest, target: Plan['target']): Promise<{ units: UnitPlan[]; model: DemandModel }> {
  const units = pcnUnits(deps.directory, scope.code, scope.practices);
  const practices = await Promise.all(
    scope.practices.map(async (p) => {
      const learnt = await learnDemand(deps.store, deps.directory, [p], { weekday: request.weekday, weeks: request.weeks, now: deps.now });
      const { arrivals, answered } = await queuedCalls(deps.queue, deps.directory, p, learnt.history[0]!.daysUsed);
      const gaps = answerGaps(answered, p.wrapUpSeconds);
      return { ods: p.ods, practice: p, model: withAnswerDelay(learnt, gaps), gaps, arrivals, splits: unitSplits(arrivals, units) };
    }),
  );
  const pooled = withAnswerDelay(combined, practices.flatMap((p) => p.gaps));
  const plans = await Promise.all(
    units.map(async (unit): Promise<UnitPlan> => {
      const own = practices.find((p) => p.ods === unit.id);
      // How this pool's own callers arrive within the quarter hour (a practice's teams, or a PCN-wide team's callers from every practice).
      const shape = dayShape(practices.flatMap((p) => p.arrivals.filter((a) => unit.teamKeys.includes(a.team))));
      const model = { ...unitModel(own?.model ?? pooled, unit, practices), arrivalShape: shape.shape };
      pooled.notes.push(`${unit.name}: ${shape.note}`);
      const roster = request.roster === 'observed'
        ? { staff: (await observedRoster(deps.queue, deps.directory, own ? [own.practice] : scope.practices, request.weekday, deps.now, unit.teamKeys)).staff, source: 'observed' as const }
        : undefined;
      return { id: unit.id, name: unit.name, kind: unit.kind, ...(await (deps.planner ?? inThisThread).plan(model, target, roster)) };
    }),
  );
  return { units: plans, model: pooled };
}

export function serviceLevelsOnly(report: PlanReport): ServiceLevelReport {
  return {
    scope: report.scope,
    weekday: report.weekday,
    target: report.target,
    roster: report.roster,
    intervals: report.intervals.map((i) => ({ start: i.start, end: i.end, predicted: i.predicted })),
    day: { answeredWithinTargetPct: report.day.answeredWithinTargetPct, abandonPct: report.day.abandonPct },
  };
}

export const PLAN_CSV_HEADER = ['start', 'end', 'calls', 'handle_s', 'staff_needed', 'staff_needed_erlang_c', 'rostered', 'answered_within_target_pct', 'abandon_pct', 'mean_wait_s', 'meets_target'];
export const SERVICE_LEVEL_CSV_HEADER = ['start', 'end', 'answered_within_target_pct', 'abandon_pct', 'mean_wait_s', 'meets_target'];

/** CSV rows (header first) of either view. */
export function planCsvRows(report: PlanReport | ServiceLevelReport): unknown[][] {
  if (!('model' in report)) {
    return [SERVICE_LEVEL_CSV_HEADER, ...report.intervals.map((i) => [i.start, i.end, i.predicted.answeredWithinTargetPct, i.predicted.abandonPct, i.predicted.meanWaitSeconds, i.predicted.meetsTarget])];
  }
  return [PLAN_CSV_HEADER, ...report.intervals.map((i) => [i.start, i.end, i.calls, i.handleSeconds, i.staffNeeded, i.staffNeededErlangC, i.rostered, i.predicted.answeredWithinTargetPct, i.predicted.abandonPct, i.predicted.meanWaitSeconds, i.predicted.meetsTarget])];
}

const HISTORY_SAID: Record<DemandModel['historyBasis'], string> = { none: 'no history', short: 'short history', enough: 'enough history' };

/** The plan as a manager reads it in a terminal: the model's basis, a table of the open quarter hours, the changes. */
export function planText(report: PlanReport): string {
  const m = report.model;
  const lines = [
    `${report.scope}, ${report.weekday}: learnt from ${m.history.map((h) => `${h.practice} ${h.daysUsed.length} day(s)`).join(', ')} of the last ${report.weeks} weeks (${HISTORY_SAID[m.historyBasis]})`,
    `calls last ${m.talkSeconds} s (${m.talkBasis}) + ${m.wrapUpSeconds} s wrap-up${m.answerDelaySeconds ? ` + ${m.answerDelaySeconds} s while the phone rings` : ''}; callers wait ${m.patienceSeconds} s on average before hanging up (${m.patienceBasis})${m.callbackUptakePct === null ? '' : `; ${m.callbackUptakePct}% ask for a call-back`}`,
    `target: ${report.target.serviceLevel * 100}% of answered calls within ${report.target.answerWithinSeconds} s, under ${report.target.maxAbandon * 100}% hanging up; roster: ${report.roster.source}${report.roster.date ? ` (${report.roster.date})` : ''}`,
    ...m.notes.map((n) => `note: ${n}`),
    '',
  ];
  const table = [['time', 'calls', 'needed', 'erlang C', 'rostered', 'in target %', 'hang up %', 'mean wait s'], ...report.intervals.filter((i) => i.open || i.calls > 0).map((i) => [`${i.start}-${i.end}`, String(i.calls), String(i.staffNeeded), String(i.staffNeededErlangC), String(i.rostered), String(i.predicted.answeredWithinTargetPct), String(i.predicted.abandonPct), String(i.predicted.meanWaitSeconds)])];
  const widths = table[0]!.map((_, c) => Math.max(...table.map((r) => r[c]!.length)));
  for (const r of table) lines.push(r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
  for (const u of report.units ?? []) lines.push(`pool ${u.name} (${u.id}): ${u.day.staffHoursNeeded} staff-hours needed, ${u.day.staffHoursRostered} rostered; ${u.day.calls} calls`);
  lines.push('', `the day: ${report.day.calls} calls, ${report.day.answeredWithinTargetPct ?? '-'}% answered within target, ${report.day.abandonPct ?? '-'}% hanging up; ${report.day.staffHoursNeeded} staff-hours needed, ${report.day.staffHoursRostered} rostered`);
  for (const c of report.changes) lines.push(`to meet the target: ${c.sentence}`);
  for (const c of report.spare) lines.push(`could spare: ${c.sentence}`);
  return `${lines.join('\n')}\n`;
}
