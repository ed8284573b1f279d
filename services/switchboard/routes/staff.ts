import type { FastifyInstance, FastifyRequest } from 'fastify';
import { maySetPresence } from '../../../shared/access.js';
import type { Staff } from '../../../shared/directory/types.js';
import type { Presence } from '../../../shared/queue/queue.js';
import { HttpError, noBody } from '../plugins/errors.js';

type Route = { Params: { staffId: string }; Body: { state: Presence } };
type Req = FastifyRequest<Route>;

const params = { type: 'object', required: ['staffId'], properties: { staffId: { type: 'string' } } };
const staffState = {
  type: 'object',
  properties: {
    staffId: { type: 'string' },
    presence: { type: 'string', enum: ['available', 'away', 'offline'] },
    activity: { type: 'string', enum: ['idle', 'ringing', 'on-call', 'wrap-up'] },
  },
};

export default async function staffRoutes(app: FastifyInstance) {
  /** The member of staff named in the path, if the token may act for them. */
  const member = (request: Req): Staff => {
    const staff = app.directory().staff(request.params.staffId);
    if (!staff) throw new HttpError(404, `no staff member ${request.params.staffId}`);
    if (!maySetPresence(request.grant!, staff)) throw new HttpError(403, `this token may not act for staff member ${staff.id}`);
    return staff;
  };

  app.put<Route>(
    '/v1/staff/:staffId/presence',
    {
      preHandler: app.authenticate,
      schema: {
        params,
        body: {
          type: 'object',
          required: ['state'],
          additionalProperties: false,
          properties: { state: { type: 'string', enum: ['available', 'away', 'offline'] } },
        },
        response: { 200: staffState },
      },
    },
    async (request: Req) => {
      const staff = member(request);
      const state = await app.flow.setPresence(staff, request.body.state);
      return { staffId: staff.id, ...state };
    },
  );

  // Ready for the next caller before wrap-up time runs out: available, idle, and paired at once if anyone waits.
  app.post<Route>(
    '/v1/staff/:staffId/wrap-up/end',
    { preHandler: app.authenticate, schema: { params, body: noBody, response: { 200: staffState } } },
    async (request: Req) => {
      const staff = member(request);
      const state = await app.flow.setPresence(staff, 'available', true);
      if (state.notInWrapUp) throw new HttpError(409, `${staff.name} is not in wrap-up (${state.activity}), so there is no wrap-up to end`);
      return { staffId: staff.id, presence: state.presence, activity: state.activity };
    },
  );

  app.get<Route>('/v1/staff/:staffId', { preHandler: app.authenticate, schema: { params, response: { 200: staffState } } }, async (request: Req) => {
    const staff = member(request);
    const row = await app.queue.staff(app.directory().shard(app.directory().staffPractice(staff)), staff.id);
    return { staffId: staff.id, presence: row.presence ?? 'offline', activity: row.activity ?? 'idle' };
  });
}
