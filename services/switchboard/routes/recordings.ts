import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { mayGovernPractice, mayPlayRecordings, maySeeCalls, maySetPresence } from '../../../shared/access.js';
import type { Practice } from '../../../shared/directory/types.js';
import { HttpError, noBody } from '../plugins/errors.js';

type StaffRoute = { Params: { staffId: string } };
type CallRoute = { Params: { ods: string; callId: string }; Body: { held: boolean } };

const recording = {
  type: 'object',
  description: "a call's recording as Switchboard indexes it: never the audio, a transcript or a provider URL",
  properties: {
    callId: { type: 'string' },
    provider: { type: 'string' },
    status: { type: 'string', enum: ['recording', 'paused', 'completed', 'absent', 'missing'], description: 'absent: the provider made no audio; missing: the provider no longer has it' },
    startedAt: { type: 'string', format: 'date-time' },
    endedAt: { type: ['string', 'null'], format: 'date-time' },
    durationSeconds: { type: ['integer', 'null'] },
    pauses: { type: 'integer', description: 'times staff paused it' },
    pausedSeconds: { type: 'integer' },
    held: { type: 'boolean', description: 'kept past its retention until released (a complaint in progress)' },
    heldAt: { type: ['string', 'null'], format: 'date-time' },
    deleteAfter: { type: ['string', 'null'], format: 'date-time', description: 'when it is deleted at the provider; null while held' },
    audio: { type: 'string', description: 'the path that plays it, for a signed-in practice manager' },
  },
};
const { status, durationSeconds, pauses, held } = recording.properties;
/** A call list's row: what a practice manager needs of the call's recording (the rest is at its `recording` path). */
export const recordingInRow = {
  type: ['object', 'null'],
  description: "the call's recording (docs/recording.md); null when the call was not recorded",
  properties: { status, durationSeconds, pauses, held },
};
const callParams = { type: 'object', required: ['ods', 'callId'], properties: { ods: { type: 'string' }, callId: { type: 'string', maxLength: 120 } } };
const staffParams = { type: 'object', required: ['staffId'], properties: { staffId: { type: 'string' } } };

/**
 * Call recordings (docs/recording.md): staff pause and resume the recording of the call they are
 * on; a practice's calls show their recording; a signed-in practice manager plays one (streamed from
 * the provider, audited); the practice holds one past its retention and releases it.
 */
export default async function recordingRoutes(app: FastifyInstance) {
  const practiceOf = (ods: string): Practice => {
    const practice = app.directory().practice(ods);
    if (!practice) throw new HttpError(404, `no practice ${ods}`);
    return practice;
  };

  for (const action of ['pause', 'resume'] as const) {
    app.post<StaffRoute>(
      `/v1/staff/:staffId/recording/${action}`,
      {
        preHandler: app.authenticate,
        schema: {
          summary: `${action === 'pause' ? 'Pause' : 'Resume'} the recording of the call this member of staff is on`,
          tags: ['recordings'],
          params: staffParams,
          body: noBody,
          response: { 200: recording },
        },
      },
      async (request: FastifyRequest<StaffRoute>) => {
        const staff = app.directory().staff(request.params.staffId);
        if (!staff) throw new HttpError(404, `no staff member ${request.params.staffId}`);
        if (!maySetPresence(request.grant!, staff)) throw new HttpError(403, `this token may not act for staff member ${staff.id}`);
        const practice = app.directory().staffPractice(staff);
        const row = await app.queue.staff(app.directory().shard(practice), staff.id);
        if (row.activity !== 'on-call' || !row.call) throw new HttpError(409, `${staff.name} is not on a call, so there is no recording to ${action}`);
        const result = await app.recordings.setPaused(practice, row.call, action === 'pause', request.grant!.actor);
        if (result === 'none') throw new HttpError(409, `${staff.name}'s call is not being recorded`);
        if (result === 'gone') throw new HttpError(409, 'the call has ended: its recording can no longer be changed');
        const view = await app.recordings.view(practice, row.call);
        if (result === 'stale') throw new HttpError(409, `the recording is ${view?.status ?? 'over'}: nothing to ${action}`);
        return view;
      },
    );
  }

  app.get<CallRoute>(
    '/v1/practices/:ods/calls/:callId/recording',
    {
      preHandler: app.authenticate,
      schema: { summary: "A call's recording: status, duration, pauses, hold, deletion date (404 when the call was not recorded)", tags: ['recordings'], params: callParams, response: { 200: recording } },
    },
    async (request: FastifyRequest<CallRoute>) => {
      const practice = practiceOf(request.params.ods);
      if (!maySeeCalls(app.directory(), request.grant!, practice)) throw new HttpError(403, `this token may not see calls at ${practice.ods}`);
      const view = await app.recordings.view(practice, request.params.callId);
      if (!view) throw new HttpError(404, `call ${request.params.callId} has no recording`);
      return view;
    },
  );

  app.get<CallRoute>(
    '/v1/practices/:ods/calls/:callId/recording/audio',
    {
      preHandler: app.authenticate,
      schema: {
        summary: "Play a call's recording: the audio streamed from the provider, to a signed-in practice manager only; every play is audited",
        tags: ['recordings'],
        params: callParams,
        response: { 200: { description: 'the audio (audio/mpeg)', type: 'string', format: 'binary' } },
      },
    },
    async (request: FastifyRequest<CallRoute>, reply) => {
      const practice = practiceOf(request.params.ods);
      if (!mayPlayRecordings(request.grant!, practice)) throw new HttpError(403, `only ${practice.ods}'s practice managers, signed in with their own identity, may play its recordings`);
      const audio = await app.recordings.audio(practice, request.params.callId, request.grant!.actor);
      if (audio === 'none') throw new HttpError(404, `call ${request.params.callId} has no recording`);
      if (audio === 'gone') throw new HttpError(410, 'the provider no longer has this recording');
      if ('unfinished' in audio) throw new HttpError(409, `the recording is ${audio.unfinished}: it can be played once the call has ended and the provider has finished it`);
      // Nothing of the provider's response but the audio: no headers, no URL, no credentials.
      reply.header('content-type', audio.contentType).header('cache-control', 'private, no-store');
      if (audio.contentLength !== undefined) reply.header('content-length', audio.contentLength);
      return reply.send(Readable.fromWeb(audio.body as import('node:stream/web').ReadableStream));
    },
  );

  app.put<CallRoute>(
    '/v1/practices/:ods/calls/:callId/recording/hold',
    {
      preHandler: app.authenticate,
      schema: {
        summary: 'Hold a recording past its retention (a complaint in progress), or release it (held: false); deleted at once at the next run if its retention is already over',
        tags: ['recordings'],
        params: callParams,
        body: { type: 'object', required: ['held'], additionalProperties: false, properties: { held: { type: 'boolean' } } },
        response: { 200: recording },
      },
    },
    async (request: FastifyRequest<CallRoute>) => {
      const practice = practiceOf(request.params.ods);
      if (!mayGovernPractice(request.grant!, practice)) throw new HttpError(403, `only ${practice.ods}'s practice managers may hold or release its recordings`);
      const result = await app.recordings.setHeld(practice, request.params.callId, request.body.held, request.grant!.actor);
      if (result === 'none') throw new HttpError(404, `call ${request.params.callId} has no recording`);
      return app.recordings.view(practice, request.params.callId);
    },
  );
}
