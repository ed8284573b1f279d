import type { FastifyInstance, FastifyRequest } from 'fastify';
import { mayGovernPractice } from '../../../shared/access.js';
import { AUDIT_READ_MAX, type AuditEntry } from '../../../shared/audit/audit.js';
import { HttpError } from '../plugins/errors.js';
import { csvLine } from './stats.js';

type Route = { Params: { ods: string }; Querystring: { from?: string; to?: string; limit?: number; format?: 'json' | 'csv' } };

const COLUMNS = ['at', 'practice', 'actor', 'action', 'callId', 'outcome', 'matches'] as const;
const entry = {
  type: 'object',
  properties: {
    at: { type: 'string', format: 'date-time' },
    practice: { type: ['string', 'null'] },
    actor: { type: 'string', description: "who acted: staff:<id>, token:<name>, oidc:<subject>, or service:switchboard for the service's own lookups as a call arrives" },
    action: { type: 'string', description: 'patient-lookup, patient-lookup-shown, lookup-enabled, lookup-disabled, sign-in, ...' },
    callId: { type: 'string' },
    outcome: { type: 'string' },
    matches: { type: 'integer' },
  },
};

const instant = (name: string, raw: string | undefined): number | undefined => {
  if (raw === undefined) return undefined;
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) throw new HttpError(400, `${name}=${raw}: must be a date-time such as 2026-03-02T08:00:00Z`);
  return ms;
};

/** A practice's audit log: who looked up which call's caller, and who switched the lookup on or off. */
export default async function auditRoutes(app: FastifyInstance) {
  app.get<Route>(
    '/v1/practices/:ods/audit',
    {
      preHandler: app.authenticate,
      schema: {
        summary: "A practice's audit log, newest first (JSON, or CSV with format=csv or Accept: text/csv)",
        tags: ['practices'],
        params: { type: 'object', required: ['ods'], properties: { ods: { type: 'string' } } },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            from: { type: 'string', description: 'earliest entry (date-time, inclusive)' },
            to: { type: 'string', description: 'latest entry (date-time, inclusive)' },
            limit: { type: 'integer', minimum: 1, maximum: AUDIT_READ_MAX, default: 1000 },
            format: { type: 'string', enum: ['json', 'csv'] },
          },
        },
        response: { 200: { type: 'object', properties: { practice: { type: 'string' }, entries: { type: 'array', items: entry } } } },
      },
    },
    async (request: FastifyRequest<Route>, reply) => {
      const practice = app.directory().practice(request.params.ods);
      if (!practice) throw new HttpError(404, `no practice ${request.params.ods}`);
      if (!mayGovernPractice(request.grant!, practice)) throw new HttpError(403, `only ${practice.ods}'s practice token may read its audit log`);
      const q = request.query;
      const from = instant('from', q.from);
      const to = instant('to', q.to);
      if (from !== undefined && to !== undefined && from > to) throw new HttpError(400, 'from must not be after to');
      const entries = await app.audit.read(practice.ods, { from, to, limit: q.limit });
      const csv = q.format ? q.format === 'csv' : (request.headers.accept ?? '').includes('text/csv');
      if (!csv) return { practice: practice.ods, entries };
      reply.header('content-disposition', `attachment; filename="audit-${practice.ods}.csv"`);
      return reply.type('text/csv; charset=utf-8').send(csvLine([...COLUMNS]) + entries.map((e: AuditEntry) => csvLine(COLUMNS.map((c) => e[c]))).join(''));
    },
  );
}
