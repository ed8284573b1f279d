import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Instruction } from '../../../shared/callflow/instructions.js';
import type { InboundCall } from '../../../shared/callflow/flow.js';
import type { Practice } from '../../../shared/directory/types.js';
import { TwilioSignatureCheck } from '../../../shared/providers/twilio/signature.js';
import { renderTwiml } from '../../../shared/providers/twilio/twiml.js';
import { dialOutcome, FINAL_CALL_STATUSES, type TwilioCallFields, type TwilioRecordingFields } from '../../../shared/providers/twilio/webhook.js';
import { HttpError } from '../plugins/errors.js';
import { checkEveryWebhook, holdCallersOnFailure } from './edge.js';

declare module 'fastify' {
  interface FastifyRequest {
    practice: Practice | null;
  }
  interface FastifyContextConfig {
    /** The route's requests come again unchanged (the wait loop): their signatures are worth remembering. */
    repeatsUnchanged?: boolean;
  }
}

type Req = FastifyRequest<{ Body: TwilioCallFields; Querystring: { practice?: string; staff?: string; call?: string; path?: string; attempt?: number; callback?: string; tries?: number; rec?: string } }>;

const body = {
  type: 'object',
  required: ['CallSid', 'AccountSid'],
  properties: {
    CallSid: { type: 'string', minLength: 1 },
    AccountSid: { type: 'string', minLength: 1 },
    From: { type: 'string' },
    To: { type: 'string' },
    CallStatus: { type: 'string' },
    DialCallStatus: { type: 'string' },
    DialCallDuration: { type: 'string', pattern: '^[0-9]*$' },
    Digits: { type: 'string', maxLength: 32 },
  },
};
const query = (required: string[] = []) => ({
  type: 'object',
  required,
  properties: {
    practice: { type: 'string' },
    staff: { type: 'string' },
    call: { type: 'string' },
    path: { type: 'string', pattern: '^[0-9*#]*$' },
    attempt: { type: 'integer', minimum: 1 },
    callback: { type: 'string' },
    tries: { type: 'integer', minimum: 1, maximum: 9 },
    rec: { type: 'string', pattern: '^(twilio:CA[0-9a-fA-F]{32}|cb:[A-Z0-9]+-[0-9a-f]{16})$' },
  },
});
const recordingBody = {
  ...body,
  required: [...body.required, 'RecordingSid', 'RecordingStatus'],
  properties: {
    ...body.properties,
    RecordingSid: { type: 'string', pattern: '^RE[0-9a-fA-F]{32}$' },
    RecordingStatus: { type: 'string' },
    RecordingDuration: { type: 'string', pattern: '^-?[0-9]*$' },
  },
};
const twimlResponse = { 200: { type: 'string', description: 'TwiML' } };
const empty = { 204: { type: 'null', description: 'No content' } };

/**
 * Twilio's edge: each request is matched to its practice (the `practice` query parameter of URLs
 * we generate, else the number called), signature-checked with that practice's auth token, turned
 * into a provider-neutral call for the flow, and answered in TwiML.
 */
export default async function twilioRoutes(app: FastifyInstance, opts: { publicUrl: string }) {
  app.decorateRequest('practice', null);
  const signatures = new TwilioSignatureCheck();

  const signedPractice = (request: Req): Practice => {
    const practice = request.query.practice ? app.directory().practice(request.query.practice) : app.directory().practiceByNumber(request.body.To ?? '');
    if (!practice) throw new HttpError(404, 'the number called is not a Switchboard practice number');
    const valid =
      practice.provider.kind === 'twilio' &&
      practice.provider.accountSid === request.body.AccountSid &&
      signatures.isValid(practice.provider.authToken, request.headers['x-twilio-signature'] as string | undefined, opts.publicUrl + request.url, request.body as unknown as Record<string, string>, request.routeOptions.config.repeatsUnchanged);
    if (!valid) throw new HttpError(403, 'the request is not signed by this practice\'s Twilio account');
    return practice;
  };
  checkEveryWebhook(app, signedPractice);

  holdCallersOnFailure(app, /\/(voice|wait|dial-result|menu|callback-(offer|confirm|number|book))$/, (request, reply, instructions) => twiml(request as Req, reply, instructions));

  const call = (request: Req, providerCallId = request.body.CallSid): InboundCall => ({
    provider: 'twilio',
    providerCallId,
    practice: request.practice!,
    from: request.body.From ?? '',
    to: request.body.To,
  });
  const twiml = (request: Req, reply: FastifyReply, instructions: Instruction[]) =>
    reply.type('text/xml').send(renderTwiml(instructions, { publicUrl: opts.publicUrl, practice: request.practice!, providerCallId: request.body.CallSid }));

  app.post('/voice', { schema: { body, querystring: query(), response: twimlResponse } }, async (request: Req, reply) => twiml(request, reply, await app.flow.incoming(call(request))));

  app.post('/wait', { schema: { body, querystring: query(['practice']), response: twimlResponse }, config: { repeatsUnchanged: true } }, async (request: Req, reply) => twiml(request, reply, await app.flow.wait(call(request))));

  app.post('/menu', { schema: { body, querystring: query(['practice', 'path', 'attempt']), response: twimlResponse } }, async (request: Req, reply) =>
    twiml(request, reply, await app.flow.menu(call(request), request.query.path!, request.query.attempt!, request.body.Digits || undefined)),
  );

  app.post('/dial-result', { schema: { body, querystring: query(['practice', 'staff']), response: twimlResponse } }, async (request: Req, reply) =>
    twiml(request, reply, await app.flow.dialResult(call(request), request.query.staff!, dialOutcome(request.body.DialCallStatus), Number(request.body.DialCallDuration || 0))),
  );

  app.post('/staff-answered', { schema: { body, querystring: query(['practice', 'staff', 'call']), response: empty } }, async (request: Req, reply) => {
    if (request.body.CallStatus === 'in-progress' || request.body.CallStatus === 'answered') await app.flow.staffAnswered(call(request, request.query.call), request.query.staff!);
    return reply.status(204).send();
  });

  app.post('/status', { schema: { body, querystring: query(), response: empty } }, async (request: Req, reply) => {
    if (FINAL_CALL_STATUSES.has(request.body.CallStatus ?? '')) await app.flow.ended(call(request));
    return reply.status(204).send();
  });

  // Call-back: the caller's keypad answers while on the line.
  const keypad = { body, querystring: query(['practice']), response: twimlResponse };
  const digits = (request: Req) => request.body.Digits ?? '';
  app.post('/callback-offer', { schema: keypad }, async (request: Req, reply) => twiml(request, reply, await app.flow.callbacks.onOffer(call(request), digits(request))));
  app.post('/callback-confirm', { schema: keypad }, async (request: Req, reply) => twiml(request, reply, await app.flow.callbacks.onConfirm(call(request), digits(request))));
  app.post('/callback-book', { schema: keypad }, async (request: Req, reply) => twiml(request, reply, await app.flow.callbacks.onBook(call(request), digits(request))));
  app.post('/callback-number', { schema: { ...keypad, querystring: query(['practice', 'tries']) } }, async (request: Req, reply) =>
    twiml(request, reply, await app.flow.callbacks.onKeyedNumber(call(request), digits(request), request.query.tries!)),
  );

  // A <Dial record> recording's progress (recordingStatusCallback): CallSid is always the parent leg,
  // the call recorded. The URL we made names the call it is for, and Twilio signs the URL.
  app.post('/recording-status', { schema: { body: recordingBody, querystring: query(['practice', 'rec']), response: empty } }, async (request: FastifyRequest<{ Body: TwilioRecordingFields; Querystring: { rec: string } }>, reply) => {
    const { RecordingStatus: status, RecordingSid, RecordingDuration, CallSid } = request.body;
    if (status === 'in-progress' || status === 'completed' || status === 'absent') {
      await app.recordings.providerEvent(request.practice!, request.query.rec, CallSid, { status, recordingId: RecordingSid, ...(RecordingDuration ? { durationSeconds: Number(RecordingDuration) } : {}) });
    }
    return reply.status(204).send();
  });

  // Call-back: the outbound legs, staff phone first, then the patient.
  const leg = query(['practice', 'callback', 'staff']);
  app.post('/callback-staff', { schema: { body, querystring: leg, response: twimlResponse } }, async (request: Req, reply) =>
    twiml(request, reply, await app.flow.callbacks.onStaffAnswered(request.practice!, request.query.callback!, request.query.staff!)),
  );
  app.post('/callback-answered', { schema: { body, querystring: leg, response: empty } }, async (request: Req, reply) => {
    // The patient's leg (CallSid) was dialled from the staff member's call (ParentCallSid).
    if (request.body.CallStatus === 'in-progress' || request.body.CallStatus === 'answered') await app.flow.callbacks.onPatientAnswered(request.practice!, request.query.callback!, request.body.ParentCallSid ?? request.body.CallSid);
    return reply.status(204).send();
  });
  app.post('/callback-result', { schema: { body, querystring: leg, response: twimlResponse } }, async (request: Req, reply) =>
    twiml(request, reply, await app.flow.callbacks.onPatientLegEnded(request.practice!, request.query.callback!, request.query.staff!, dialOutcome(request.body.DialCallStatus), Number(request.body.DialCallDuration || 0))),
  );
  app.post('/callback-staff-status', { schema: { body, querystring: leg, response: empty } }, async (request: Req, reply) => {
    const status = request.body.CallStatus ?? '';
    if (FINAL_CALL_STATUSES.has(status)) await app.flow.callbacks.onStaffLegEnded(request.practice!, request.query.callback!, request.query.staff!, dialOutcome(status));
    return reply.status(204).send();
  });
}
