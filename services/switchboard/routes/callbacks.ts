import type { FastifyInstance, FastifyRequest } from 'fastify';
import { mayManageCallbacks } from '../../../shared/access.js';
import { keyedUkNumber } from '../../../shared/callbacks/numbers.js';
import { teamOpenDuring } from '../../../shared/callflow/routing.js';
import type { Practice } from '../../../shared/directory/types.js';
import { maskNumber } from '../../../shared/log.js';
import { londonDayBounds } from '../../../shared/london-time.js';
import type { CallbackRecord, CallbackState } from '../../../shared/queue/queue.js';
import { HttpError, noBody } from '../plugins/errors.js';

/** What staff see: a call-back's state in their words. */
const STATUS: Record<CallbackState, string> = {
  booked: 'pending',
  queued: 'pending',
  'retry-wait': 'pending',
  connecting: 'in-progress',
  talking: 'in-progress',
  talked: 'in-progress',
  made: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
};
const STATUSES = ['pending', 'in-progress', 'completed', 'failed', 'cancelled'];

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

const callbackSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    status: { type: 'string', enum: STATUSES },
    team: { type: 'string' },
    number: { type: 'string', description: 'masked: only the last three digits' },
    requestedAt: { type: 'string', format: 'date-time' },
    window: { type: ['object', 'null'], properties: { start: { type: 'string' }, end: { type: 'string' } } },
    attempts: { type: 'integer' },
    answeredAt: { type: ['string', 'null'], format: 'date-time' },
    timeToAnswerSeconds: { type: ['integer', 'null'], description: "from the patient's first ring to answering the call-back" },
    endedAt: { type: ['string', 'null'], format: 'date-time' },
    failure: { type: ['string', 'null'] },
    originCallId: { type: ['string', 'null'] },
  },
};

function view(cb: CallbackRecord) {
  return {
    id: cb.id,
    status: STATUS[cb.state],
    team: cb.team,
    number: maskNumber(cb.number),
    requestedAt: iso(cb.requestedAt),
    window: cb.windowStart === undefined ? null : { start: iso(cb.windowStart), end: iso(cb.windowEnd) },
    attempts: cb.attempts,
    answeredAt: iso(cb.answeredAt),
    timeToAnswerSeconds: cb.answeredAt === undefined ? null : Math.round((cb.answeredAt - cb.firstRingAt) / 1000),
    endedAt: iso(cb.endedAt),
    failure: cb.failure ?? null,
    originCallId: cb.origin || null,
  };
}

type ListRoute = { Params: { ods: string }; Querystring: { status?: string; date?: string } };
type BookRoute = { Params: { ods: string }; Body: { number: string; team?: string; windowStart: string; windowEnd: string } };
type OneRoute = { Params: { id: string } };

export default async function callbackRoutes(app: FastifyInstance) {
  const practiceFor = (request: FastifyRequest, ods: string): Practice => {
    const practice = app.directory().practice(ods);
    if (!practice) throw new HttpError(404, `no practice ${ods}`);
    if (!mayManageCallbacks(app.directory(), request.grant!, practice)) throw new HttpError(403, `this token may not manage call-backs at ${ods}`);
    return practice;
  };
  const callbackFor = async (request: FastifyRequest<OneRoute>) => {
    const ods = request.params.id.split('-')[0] ?? '';
    const practice = app.directory().practice(ods);
    const cb = practice ? await app.queue.callback(app.directory().shard(practice), request.params.id) : undefined;
    if (!practice || !cb) throw new HttpError(404, `no call-back ${request.params.id}`);
    return { practice: practiceFor(request, ods), cb };
  };

  app.get<ListRoute>(
    '/v1/practices/:ods/callbacks',
    {
      preHandler: app.authenticate,
      schema: {
        params: { type: 'object', required: ['ods'], properties: { ods: { type: 'string' } } },
        querystring: { type: 'object', properties: { status: { type: 'string', enum: STATUSES }, date: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } } },
        response: { 200: { type: 'object', properties: { practice: { type: 'string' }, date: { type: 'string' }, callbacks: { type: 'array', items: callbackSchema } } } },
      },
    },
    async (request) => {
      const practice = practiceFor(request, request.params.ods);
      const { date, to } = londonDayBounds(request.query.date, app.clock.now());
      // Requested up to the end of the day, in the last week: a failed call-back stays listed until dealt with.
      const rows = await app.queue.callbacks(app.directory().shard(practice), practice.ods, to - 8 * 86_400_000, to);
      const callbacks = rows.map(view).filter((c) => !request.query.status || c.status === request.query.status);
      return { practice: practice.ods, date, callbacks };
    },
  );

  app.post<BookRoute>(
    '/v1/practices/:ods/callbacks',
    {
      preHandler: app.authenticate,
      schema: {
        params: { type: 'object', required: ['ods'], properties: { ods: { type: 'string' } } },
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['number', 'windowStart', 'windowEnd'],
          properties: {
            number: { type: 'string', minLength: 5, maxLength: 20, description: 'a UK number: 01, 02, 03 or 07, national or +44' },
            team: { type: 'string', description: 'team id; the practice\'s first team by default' },
            windowStart: { type: 'string', format: 'date-time' },
            windowEnd: { type: 'string', format: 'date-time' },
          },
        },
        response: { 201: callbackSchema },
      },
    },
    async (request, reply) => {
      const practice = practiceFor(request, request.params.ods);
      if (!app.flow.callbacks.canCallBack(practice)) throw new HttpError(409, `${practice.ods}'s ${practice.provider.kind} account is not set up to place call-backs (see docs/providers.md)`);
      const { body } = request;
      const number = keyedUkNumber(body.number.replace(/^\+44/, '0'));
      if (!number) throw new HttpError(400, `${maskNumber(body.number)} is not a UK number we can call back (01, 02, 03 or 07)`);
      const team = practice.teams.find((t) => t.id === (body.team ?? practice.teams[0]!.id));
      if (!team) throw new HttpError(400, `team ${body.team} is not a team of ${practice.ods}`);
      const start = Date.parse(body.windowStart);
      const end = Date.parse(body.windowEnd);
      const now = app.clock.now();
      if (!(end > start)) throw new HttpError(400, 'windowEnd must be after windowStart');
      if (end <= now) throw new HttpError(400, 'the window has already ended');
      if (start > now + 8 * 86_400_000) throw new HttpError(400, 'a call-back can be booked at most a week ahead');
      const ref = app.directory().team(practice, team.id)!;
      if (!teamOpenDuring(app.directory(), ref, await app.flow.practiceClosures(practice), Math.max(start, now), end)) {
        throw new HttpError(409, `${team.name} is closed (its hours, the practice's, or a closure) for the whole of that window: choose a time it is open`);
      }
      const id = await app.flow.callbacks.book(practice, ref.key, number, Math.max(start, now), end);
      request.log.info({ callbackId: id, by: request.grant!.role }, 'call-back booked through the API');
      const cb = await app.queue.callback(app.directory().shard(practice), id);
      return reply.status(201).send(view(cb!));
    },
  );

  app.delete<OneRoute>(
    '/v1/callbacks/:id',
    { preHandler: app.authenticate, schema: { params: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } }, response: { 204: { type: 'null' } } } },
    async (request, reply) => {
      const { practice, cb } = await callbackFor(request);
      const result = await app.flow.callbacks.cancel(practice, cb.id);
      if (result.result === 'stale') throw new HttpError(409, `call-back ${cb.id} is ${STATUS[result.state as CallbackState] ?? result.state} and cannot be cancelled`);
      return reply.status(204).send();
    },
  );

  app.post<OneRoute>(
    '/v1/callbacks/:id/retry',
    { preHandler: app.authenticate, schema: { params: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } }, body: noBody, response: { 200: callbackSchema } } },
    async (request) => {
      const { practice, cb } = await callbackFor(request);
      if ((await app.flow.callbacks.retry(practice, cb.id)) === 'stale') throw new HttpError(409, `only a failed call-back can be retried; ${cb.id} is ${STATUS[cb.state]}`);
      return view((await app.queue.callback(app.directory().shard(practice), cb.id))!);
    },
  );
}
