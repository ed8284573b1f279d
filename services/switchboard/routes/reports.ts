import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Practice } from '../../../shared/directory/types.js';
import { readableStaff, readableTeams } from '../../../shared/reports/access.js';
import { GRANULARITIES, resolveQuery, STAFF_COLUMNS, staffReport, TEAM_COLUMNS, teamReport, type Granularity, type Report } from '../../../shared/reports/figures.js';
import { PERIODS, type Period } from '../../../shared/reports/layout.js';
import { ReportsStore } from '../../../shared/reports/store.js';
import { HttpError } from '../plugins/errors.js';
import { csvLine, rejectUnknownQuery, wantsCsv } from './stats.js';

interface ReportQuerystring { period: Period; date?: string; granularity?: Granularity; format?: 'json' | 'csv'; staff?: string; team?: string }

const figure = { type: ['integer', 'number', 'string', 'null'], description: "a number; null when undefined (no calls); a 90th percentile in the open last band is '>1800'" };
const common = {
  period: { type: 'string', enum: [...PERIODS], default: 'day', description: 'the London day, ISO week (Monday–Sunday) or calendar month holding `date`' },
  date: { type: 'string', description: 'a London date, YYYY-MM-DD; default today' },
  granularity: { type: 'string', enum: [...GRANULARITIES], description: 'rows per hour, per day, or one for the period; default hour for a day, day for a week or month' },
  format: { type: 'string', enum: ['json', 'csv'], description: 'default json; Accept: text/csv also selects CSV' },
};
const params = { type: 'object', required: ['ods'], properties: { ods: { type: 'string' } } };

function reportSchema(idKey: 'staff' | 'team', columns: readonly string[], extra: Record<string, object>, summary: string) {
  const item = (withPeriod: boolean) => ({
    type: 'object',
    properties: { ...(withPeriod ? { period: { type: 'string' } } : {}), [idKey]: { type: 'string' }, name: { type: 'string' }, ...Object.fromEntries(columns.map((c) => [c, figure])) },
  });
  return {
    summary,
    params,
    querystring: { type: 'object', additionalProperties: false, properties: { ...common, ...extra } },
    response: {
      200: {
        type: 'object',
        description: `JSON, or CSV: a header period,${idKey},name,${columns.join(',')} then a line per row and a "total" line per ${idKey}`,
        properties: { practice: { type: 'string' }, period: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, granularity: { type: 'string' }, rows: { type: 'array', items: item(true) }, totals: { type: 'array', items: item(false) } },
      },
    },
  };
}

/** GET /v1/practices/:ods/staff-stats and /team-stats: management information per member of staff and per team (docs/reports.md). */
export default async function reportRoutes(app: FastifyInstance) {
  const store = new ReportsStore(app.redis, app.directory, app.queue.keyPrefix);
  app.addHook('preValidation', rejectUnknownQuery);

  const practiceOf = (ods: string): Practice => {
    const practice = app.directory().practice(ods);
    if (!practice) throw new HttpError(404, `no practice ${ods}`);
    return practice;
  };

  const send = <K extends 'staff' | 'team'>(request: FastifyRequest, reply: FastifyReply, practice: Practice, idKey: K, columns: readonly string[], report: Report<K>, format: 'json' | 'csv' | undefined) => {
    if (!wantsCsv(request, format, false)) return reply.send({ practice: practice.ods, ...report });
    const line = (period: string, r: Record<string, unknown>) => csvLine([period, r[idKey], r.name, ...columns.map((c) => r[c])]);
    const body = csvLine(['period', idKey, 'name', ...columns]) + report.rows.map((r) => line(r.period, r)).join('') + report.totals.map((r) => line('total', r)).join('');
    reply.header('content-disposition', `attachment; filename="${idKey}-stats-${practice.ods}-${report.from}-${report.period}.csv"`);
    return reply.type('text/csv; charset=utf-8').send(body);
  };

  app.get<{ Params: { ods: string }; Querystring: ReportQuerystring }>(
    '/v1/practices/:ods/staff-stats',
    { preHandler: app.authenticate, schema: reportSchema('staff', STAFF_COLUMNS, { staff: { type: 'string', description: 'one member of staff (a staff token may name only itself)' } }, 'Figures per member of staff') },
    async (request, reply) => {
      const q = request.query;
      const practice = practiceOf(request.params.ods);
      const staff = readableStaff(app.directory(), request.grant!, practice, q.staff);
      const now = app.clock.now();
      const report = await staffReport(store, practice, staff, resolveQuery(q.period, q.date, q.granularity, now), now);
      return send(request, reply, practice, 'staff', STAFF_COLUMNS, report, q.format);
    },
  );

  app.get<{ Params: { ods: string }; Querystring: ReportQuerystring }>(
    '/v1/practices/:ods/team-stats',
    { preHandler: app.authenticate, schema: reportSchema('team', TEAM_COLUMNS, { team: { type: 'string', description: 'one team, by key (F81001.reception, U12345.hub)' } }, 'Figures per team') },
    async (request, reply) => {
      const q = request.query;
      const practice = practiceOf(request.params.ods);
      let teams = readableTeams(app.directory(), request.grant!, practice);
      if (q.team !== undefined) {
        if (!teams.includes(q.team)) throw new HttpError(404, `no team ${q.team} this token may read at ${practice.ods}: choose from ${teams.join(', ') || 'none'}`);
        teams = [q.team];
      }
      const now = app.clock.now();
      const report = await teamReport(store, app.directory(), practice, teams, resolveQuery(q.period, q.date, q.granularity, now), now);
      return send(request, reply, practice, 'team', TEAM_COLUMNS, report, q.format);
    },
  );
}
