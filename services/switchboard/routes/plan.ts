import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { mayReadStats, type StatsScope } from '../../../shared/access.js';
import { parseWeekday, PLANNING_DEFAULTS, WEEKDAYS } from '../../../shared/planning/model.js';
import { nextWeekday, planCsvRows, planReport, serviceLevelsOnly, type PlanRequest } from '../../../shared/planning/report.js';
import { StatsStore } from '../../../shared/stats/store.js';
import { HttpError } from '../plugins/errors.js';
import { csvLine, rejectUnknownQuery } from './stats.js';

interface PlanQuery {
  weekday?: string;
  weeks?: number;
  roster?: string;
  answerWithinSeconds?: number;
  serviceLevel?: number;
  maxAbandon?: number;
  format?: 'json' | 'csv';
}
type PlanBody = Omit<PlanQuery, 'roster' | 'format'> & { roster?: 'observed' | { from: string; to: string; staff: number }[] };

const options = {
  weekday: { type: 'string', enum: [...WEEKDAYS], description: 'the weekday to plan; default tomorrow’s' },
  weeks: { type: 'integer', minimum: 1, maximum: PLANNING_DEFAULTS.maxWeeks, description: `weeks of history to learn from; default ${PLANNING_DEFAULTS.weeks}` },
  answerWithinSeconds: { type: 'integer', minimum: 1, maximum: 3600, description: 'the answer target; default the practice’s answerTargetSeconds' },
  serviceLevel: { type: 'number', minimum: 0.1, maximum: 99.9, description: '% of answered calls to answer within the target; default 80' },
  maxAbandon: { type: 'number', minimum: 0.1, maximum: 100, description: '% of callers hanging up to stay under; default 5' },
} as const;
const rosterQuery = { type: 'string', description: '"08:00-09:30=3,09:30-12:00=2" (people per span; quarter hours; spans not named have nobody), or "observed" for last week’s' };
const format = { type: 'string', enum: ['json', 'csv'], description: 'default json; Accept: text/csv also selects CSV' };
const span = { type: 'object', additionalProperties: false, required: ['from', 'to', 'staff'], properties: { from: { type: 'string', pattern: '^\\d{2}:\\d{2}$' }, to: { type: 'string', pattern: '^\\d{2}:\\d{2}$' }, staff: { type: 'integer', minimum: 0, maximum: 500 } } };
/** "observed" (the pattern applies to strings only) or a list of spans (maxItems and items to arrays only). */
const rosterBody = { type: ['string', 'array'], pattern: '^observed$', maxItems: 96, items: span, description: 'spans [{ from, to, staff }], or "observed" for last week’s roster' };

const predicted = { type: 'object', properties: { answeredWithinTargetPct: { type: 'number' }, abandonPct: { type: 'number' }, meanWaitSeconds: { type: 'number' }, meetsTarget: { type: 'boolean' } } };
const change = { type: 'object', properties: { from: { type: 'string' }, to: { type: 'string' }, change: { type: 'integer' }, sentence: { type: 'string' } } };
const target = { type: 'object', properties: { answerWithinSeconds: { type: 'number' }, serviceLevel: { type: 'number' }, maxAbandon: { type: 'number' } } };
const roster = { type: 'object', properties: { source: { type: 'string', enum: ['given', 'observed', 'needed'] }, date: { type: 'string' } } };
const intervals = {
  type: 'array',
  items: {
    type: 'object',
    properties: { start: { type: 'string' }, end: { type: 'string' }, open: { type: 'boolean' }, calls: { type: 'number' }, handleSeconds: { type: 'number' }, staffNeeded: { type: 'integer' }, staffNeededErlangC: { type: 'integer' }, rostered: { type: 'integer' }, predicted },
  },
};
const day = { type: 'object', properties: { calls: { type: 'number' }, answeredWithinTargetPct: { type: ['number', 'null'] }, abandonPct: { type: ['number', 'null'] }, staffHoursNeeded: { type: 'number' }, staffHoursRostered: { type: 'number' } } };
const response = {
  200: {
    type: 'object',
    description: 'the plan (practice and PCN tokens); ICB tokens get scope, weekday, target, roster, day and intervals of { start, end, predicted } only. CSV: a line per interval',
    properties: {
      scope: { type: 'string' },
      weekday: { type: 'string' },
      weeks: { type: 'integer' },
      target,
      roster,
      model: {
        type: 'object',
        properties: {
          historyBasis: { type: 'string', enum: ['none', 'short', 'enough'] },
          history: { type: 'array', items: { type: 'object', properties: { practice: { type: 'string' }, daysUsed: { type: 'array', items: { type: 'string' } }, daysLeftOut: { type: 'array', items: { type: 'object', properties: { date: { type: 'string' }, reason: { type: 'string' } } } } } } },
          talkSeconds: { type: 'number' },
          talkBasis: { type: 'string' },
          wrapUpSeconds: { type: 'number' },
          answerDelaySeconds: { type: 'number', description: 'seconds from a person free to their picking up a waiting caller, from the call records (0: too few to tell); part of each call’s handle time, and of the caller’s wait' },
          patienceSeconds: { type: 'number' },
          patienceBasis: { type: 'string' },
          callbackUptakePct: { type: ['number', 'null'] },
          notes: { type: 'array', items: { type: 'string' } },
        },
      },
      intervals,
      changes: { type: 'array', items: change },
      spare: { type: 'array', items: change },
      day,
      units: {
        type: 'array',
        description: 'a PCN’s staff pools (each practice, each PCN-wide team), each planned with its own people; the plan above is their sum',
        items: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, kind: { type: 'string', enum: ['practice', 'pcn-team'] }, intervals, changes: { type: 'array', items: change }, spare: { type: 'array', items: change }, day } },
      },
    },
  },
};

/**
 * GET/POST /v1/practices/:ods/plan and /v1/pcns/:pcn/plan: people needed on the phones per
 * quarter hour, and what a roster is predicted to achieve (docs/planning.md).
 */
export default async function planRoutes(app: FastifyInstance) {
  // Reads the counters only: the statistics plugin (and its housekeeping) belongs to the statistics routes.
  const store = new StatsStore(app.redis, app.directory, app.queue.keyPrefix);
  app.addHook('preValidation', rejectUnknownQuery);
  // Unknown body keys would be dropped silently as well: a what-if must say what it did not understand.
  app.addHook('preValidation', async (request) => {
    const body = request.body as Record<string, unknown> | undefined;
    const allowed = [...Object.keys(options), 'roster'];
    const unknown = request.method === 'POST' && body && typeof body === 'object' ? Object.keys(body).filter((k) => !allowed.includes(k)) : [];
    if (unknown.length > 0) throw new HttpError(400, `unknown field ${unknown.join(', ')}: use ${allowed.join(', ')}`);
  });
  const resolve = (request: FastifyRequest, kind: 'practice' | 'pcn', code: string): StatsScope => {
    const directory = app.directory();
    const practices = directory.practices.filter((p) => (kind === 'practice' ? p.ods === code : p.pcn === code));
    if (practices.length === 0) throw new HttpError(404, `no ${kind === 'practice' ? 'practice' : 'PCN'} ${code}`);
    const scope: StatsScope = { kind, code, practices };
    if (!mayReadStats(directory, request.grant!, scope)) throw new HttpError(403, `this token may not read the plan for ${kind} ${code}`);
    return scope;
  };

  const answer = async (request: FastifyRequest, reply: FastifyReply, kind: 'practice' | 'pcn', code: string, q: Omit<PlanQuery, 'roster' | 'format'> & { roster?: PlanRequest['roster'] }, csv: boolean) => {
    const scope = resolve(request, kind, code);
    const icb = request.grant!.role === 'icb';
    if (icb && q.roster !== undefined && q.roster !== 'observed') throw new HttpError(403, 'ICB tokens see predicted service levels for last week’s roster only, not what-ifs');
    let report;
    try {
      report = await planReport(
        { store, queue: app.queue, directory: app.directory(), now: app.clock.now(), planner: app.planner },
        `${kind}:${code}`,
        scope,
        { weekday: q.weekday ? parseWeekday(q.weekday) : nextWeekday(app.clock.now()), weeks: q.weeks, roster: icb ? 'observed' : q.roster, answerWithinSeconds: q.answerWithinSeconds, serviceLevelPct: q.serviceLevel, maxAbandonPct: q.maxAbandon },
      );
    } catch (err) {
      if (err instanceof RangeError) throw new HttpError(400, err.message);
      throw err;
    }
    const view = icb ? serviceLevelsOnly(report) : report;
    if (csv) return reply.type('text/csv; charset=utf-8').send(planCsvRows(view).map(csvLine).join(''));
    return view;
  };
  const wantsCsv = (request: FastifyRequest, format: string | undefined) => (format ? format === 'csv' : (request.headers.accept ?? '').includes('text/csv'));

  for (const [kind, path, param] of [['practice', '/v1/practices/:code/plan', 'ODS code'], ['pcn', '/v1/pcns/:code/plan', 'PCN code']] as const) {
    const params = { type: 'object', required: ['code'], properties: { code: { type: 'string', description: param } } };
    app.get<{ Params: { code: string }; Querystring: PlanQuery }>(
      path,
      { preHandler: app.authenticate, schema: { params, querystring: { type: 'object', additionalProperties: false, properties: { ...options, roster: rosterQuery, format } }, response } },
      async (request, reply) => answer(request, reply, kind, request.params.code, request.query, wantsCsv(request, request.query.format)),
    );
    app.post<{ Params: { code: string }; Body: PlanBody; Querystring: { format?: 'json' | 'csv' } }>(
      path,
      {
        preHandler: app.authenticate,
        schema: {
          params,
          querystring: { type: 'object', additionalProperties: false, properties: { format } },
          // One schema of two types, not a oneOf: Fastify's Ajv coerces within each branch it tries
          // (coerceTypes 'array' unwraps a one-span list, wraps "observed"), mangling what it then checks
          // (union types are allowed in app.ts).
          body: { type: 'object', additionalProperties: false, properties: { ...options, roster: rosterBody } },
          response,
        },
      },
      async (request, reply) => answer(request, reply, kind, request.params.code, request.body ?? {}, wantsCsv(request, request.query.format)),
    );
  }
}
