import type { FastifyInstance, FastifyRequest } from 'fastify';
import { maySeeCalls } from '../../../shared/access.js';
import type { Practice } from '../../../shared/directory/types.js';
import type { Closure } from '../../../shared/queue/closures.js';
import { HttpError } from '../plugins/errors.js';

type Route = { Params: { ods: string; id?: string }; Body: { from: string; to: string; team?: string; reason: string } };
type Req = FastifyRequest<Route>;

const closure = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    from: { type: 'string', format: 'date-time' },
    to: { type: 'string', format: 'date-time' },
    team: { type: ['string', 'null'], description: 'team id; null when the whole practice is closed' },
    reason: { type: 'string' },
  },
};
const params = { type: 'object', required: ['ods'], properties: { ods: { type: 'string' }, id: { type: 'string' } } };

/**
 * Ad-hoc closures (a training afternoon): while one is in force, new callers hear the out-of-hours
 * message (or, for a team, its closed message) and are not queued. Callers already queued are
 * still answered. A practice token sets them; anyone who may see the practice's calls may list them.
 */
export default async function closureRoutes(app: FastifyInstance) {
  const practiceOf = (request: Req, write: boolean): Practice => {
    const practice = app.directory().practice(request.params.ods);
    if (!practice) throw new HttpError(404, `no practice ${request.params.ods}`);
    const grant = request.grant!;
    const allowed = write ? grant.role === 'practice' && grant.practice === practice.ods : maySeeCalls(app.directory(), grant, practice);
    if (!allowed) throw new HttpError(403, `this token may not ${write ? 'change' : 'see'} closures at ${practice.ods}`);
    return practice;
  };
  const shown = (practice: Practice, c: Closure) => ({
    id: c.id,
    from: new Date(c.from).toISOString(),
    to: new Date(c.to).toISOString(),
    team: c.team ? c.team.slice(practice.ods.length + 1) : null,
    reason: c.reason,
  });

  app.post<Route>(
    '/v1/practices/:ods/closures',
    {
      preHandler: app.authenticate,
      schema: {
        params,
        body: {
          type: 'object',
          required: ['from', 'to', 'reason'],
          additionalProperties: false,
          properties: {
            from: { type: 'string', format: 'date-time' },
            to: { type: 'string', format: 'date-time' },
            team: { type: 'string', description: "one of the practice's own team ids; the whole practice when absent" },
            reason: { type: 'string', minLength: 1, maxLength: 200 },
          },
        },
        response: { 201: closure },
      },
    },
    async (request: Req, reply) => {
      const practice = practiceOf(request, true);
      const { team, reason } = request.body;
      const from = Date.parse(request.body.from);
      const to = Date.parse(request.body.to);
      if (!(to > from)) throw new HttpError(400, 'a closure must end ("to") after it starts ("from")');
      if (to <= app.clock.now()) throw new HttpError(400, 'this closure has already ended');
      if (team !== undefined && !practice.teams.some((t) => t.id === team)) throw new HttpError(400, `${team} is not a team of ${practice.ods}`);
      const saved = await app.flow.closures.add(app.directory().shard(practice), practice.ods, { from, to, reason, ...(team ? { team: `${practice.ods}.${team}` } : {}) });
      request.log.info({ practice: practice.ods, closure: saved.id }, 'closure added');
      return reply.status(201).send(shown(practice, saved));
    },
  );

  app.get<Route>(
    '/v1/practices/:ods/closures',
    { preHandler: app.authenticate, schema: { params, response: { 200: { type: 'object', properties: { practice: { type: 'string' }, closures: { type: 'array', items: closure } } } } } },
    async (request: Req) => {
      const practice = practiceOf(request, false);
      const list = await app.flow.closures.list(app.directory().shard(practice), practice.ods, app.clock.now());
      return { practice: practice.ods, closures: list.map((c) => shown(practice, c)) };
    },
  );

  app.delete<Route>(
    '/v1/practices/:ods/closures/:id',
    { preHandler: app.authenticate, schema: { params: { ...params, required: ['ods', 'id'] }, response: { 204: { type: 'null', description: 'No content' } } } },
    async (request: Req, reply) => {
      const practice = practiceOf(request, true);
      if (!(await app.flow.closures.remove(app.directory().shard(practice), practice.ods, request.params.id!))) throw new HttpError(404, `no closure ${request.params.id} at ${practice.ods}`);
      return reply.status(204).send();
    },
  );
}
