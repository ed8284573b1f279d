import type { FastifyInstance, FastifyRequest } from 'fastify';
import { maySeeCalls } from '../../../shared/access.js';
import { maskNumber } from '../../../shared/log.js';
import { londonDayBounds } from '../../../shared/london-time.js';
import { HttpError } from '../plugins/errors.js';
import { recordingInRow } from './recordings.js';

type Route = { Params: { ods: string }; Querystring: { date?: string } };
type Req = FastifyRequest<Route>;

const record = {
  type: 'object',
  properties: {
    callId: { type: 'string' },
    team: { type: 'string' },
    caller: { type: 'string', description: 'masked: only the last three digits' },
    arrivedAt: { type: 'string', format: 'date-time' },
    queuedAt: { type: ['string', 'null'], format: 'date-time' },
    answeredAt: { type: ['string', 'null'], format: 'date-time' },
    endedAt: { type: 'string', format: 'date-time' },
    waitSeconds: { type: 'integer' },
    talkSeconds: { type: 'integer' },
    outcome: { type: 'string', enum: ['answered', 'abandoned', 'ivr'] },
    staff: { type: ['string', 'null'] },
    ringAttempts: { type: 'integer' },
    overflowedTo: { type: 'array', items: { type: 'string' }, description: 'teams the caller was also offered to (overflow)' },
    priority: { type: 'boolean', description: 'came in on a priority line' },
    route: { type: ['string', 'null'], description: 'how the caller reached the queue, e.g. menu:2 or priority:Care homes' },
    closed: { type: 'boolean', description: 'met a closed practice or team and was not queued' },
    adjusted: { type: 'boolean', description: "handled with the practice's reasonable adjustments (why is not recorded)" },
    recording: { ...recordingInRow, properties: { ...recordingInRow.properties, audio: { type: 'string', description: 'the path that plays it, for a signed-in practice manager' } } },
  },
};

const iso = (ms: string | undefined) => (ms ? new Date(Number(ms)).toISOString() : null);

export default async function practiceRoutes(app: FastifyInstance) {
  app.get<Route>(
    '/v1/practices/:ods/calls',
    {
      preHandler: app.authenticate,
      schema: {
        params: { type: 'object', required: ['ods'], properties: { ods: { type: 'string' } } },
        querystring: { type: 'object', properties: { date: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'a day in Europe/London; default today' } } },
        response: { 200: { type: 'object', properties: { practice: { type: 'string' }, date: { type: 'string' }, calls: { type: 'array', items: record } } } },
      },
    },
    async (request: Req) => {
      const practice = app.directory().practice(request.params.ods);
      if (!practice) throw new HttpError(404, `no practice ${request.params.ods}`);
      if (!maySeeCalls(app.directory(), request.grant!, practice)) throw new HttpError(403, `this token may not see calls at ${practice.ods}`);
      const { date, from, to } = londonDayBounds(request.query.date, app.clock.now());
      const rows = await app.queue.records(app.directory().shard(practice), practice.ods, from, to);
      const recordings = await app.recordings.forCalls(practice, rows.map((r) => r.callId!));
      return {
        practice: practice.ods,
        date,
        calls: rows.map((r) => ({
          callId: r.callId,
          team: r.team,
          caller: maskNumber(r.from),
          arrivedAt: iso(r.arrivedAt),
          queuedAt: iso(r.queuedAt),
          answeredAt: iso(r.answeredAt),
          endedAt: iso(r.endedAt),
          waitSeconds: Number(r.waitSeconds),
          talkSeconds: Number(r.talkSeconds),
          outcome: r.outcome,
          staff: r.staff || null,
          ringAttempts: Number(r.ringAttempts),
          overflowedTo: r.overflowedTo ? r.overflowedTo.split(',') : [],
          priority: r.priority === '1',
          route: r.route || null,
          closed: r.closed === '1',
          adjusted: r.adjusted === '1',
          recording: recordings.get(r.callId!) ?? null,
        })),
      };
    },
  );
}
