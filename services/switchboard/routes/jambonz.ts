import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Instruction } from '../../../shared/callflow/instructions.js';
import type { Practice } from '../../../shared/directory/types.js';
import type { InboundCall } from '../../../shared/callflow/flow.js';
import { isCallbackSealed, openConnect } from '../../../shared/providers/jambonz/connect.js';
import { checkJambonzSignature, SIGNATURE_TOLERANCE_SECONDS } from '../../../shared/providers/jambonz/signature.js';
import { jambonzBasePath, renderVerbs } from '../../../shared/providers/jambonz/verbs.js';
import { asE164, dialOutcome, FINAL_CALL_STATUSES, type JambonzCallInfo } from '../../../shared/providers/jambonz/webhook.js';
import { HttpError } from '../plugins/errors.js';
import { checkEveryWebhook, holdCallersOnFailure } from './edge.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The body exactly as it arrived: jambonz signs these bytes. */
    rawBody: string;
  }
}

type Query = { practice?: string; staff?: string; do?: string; seal?: string; path?: string; attempt?: number; callback?: string; tries?: number };
type Req = FastifyRequest<{ Body: JambonzCallInfo; Querystring: Query }>;

const body = {
  type: 'object',
  required: ['call_sid', 'account_sid'],
  properties: {
    call_sid: { type: 'string', minLength: 1 },
    account_sid: { type: 'string', minLength: 1 },
    from: { type: 'string' },
    to: { type: 'string' },
    direction: { type: 'string' },
    call_status: { type: 'string' },
    parent_call_sid: { type: 'string', minLength: 1 },
    dial_call_status: { type: 'string' },
    dial_sip_status: { type: 'integer' },
    dial_call_sid: { type: 'string' },
    digits: { type: 'string', maxLength: 32 },
    reason: { type: 'string' },
  },
};
const query = (required: string[] = []) => ({
  type: 'object',
  required,
  properties: {
    practice: { type: 'string' },
    staff: { type: 'string' },
    do: { type: 'string' },
    seal: { type: 'string' },
    path: { type: 'string', pattern: '^[0-9*#]{0,8}$' },
    attempt: { type: 'integer', minimum: 1, maximum: 9 },
    callback: { type: 'string' },
    tries: { type: 'integer', minimum: 1, maximum: 9 },
  },
});
const verbsResponse = { 200: { type: 'array', description: 'jambonz verbs', items: { type: 'object', required: ['verb'], additionalProperties: true } } };
const empty = { 204: { type: 'null', description: 'No content' } };
const CALL_ROUTES = /\/(call|wait|menu|dial-result|connect|callback-(offer|confirm|number|book))$/;

/**
 * jambonz's edge: JSON webhooks matched to their practice (the `practice` query parameter of
 * hooks we generate or configure, else the number called), signature-checked over the raw body
 * with that practice's webhook secret, turned into provider-neutral calls for the flow, and
 * answered with verb arrays. jambonz does not sign URLs, so query parameters only ever name what
 * the queue must then confirm (a dial result or answer for a staff member the call is not being
 * connected to changes nothing) or are sealed by us (connect).
 */
export default async function jambonzRoutes(app: FastifyInstance, opts: { publicUrl: string }) {
  const basePath = jambonzBasePath(opts.publicUrl);
  app.decorateRequest('practice', null);
  app.decorateRequest('rawBody', '');
  // Fastify's own JSON parsing (prototype-poisoning checks, 400s), keeping the raw text to verify.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, raw, done) => {
    request.rawBody = raw as string;
    parseJson(request, raw as string, done);
  });

  const signedPractice = (request: Req): Practice => {
    const practice = request.query.practice ? app.directory().practice(request.query.practice) : app.directory().practiceByNumber(asE164(request.body.to));
    if (!practice) throw new HttpError(404, 'the number called is not a Switchboard practice number');
    const signature = practice.provider.kind === 'jambonz' && practice.provider.accountSid === request.body.account_sid
      ? checkJambonzSignature(practice.provider.webhookSecret, request.headers['jambonz-signature'] as string | undefined, request.rawBody)
      : 'wrong';
    if (signature === 'stale') throw new HttpError(403, `the request's signature is more than ${SIGNATURE_TOLERANCE_SECONDS} seconds old or ahead: refused as a replay`);
    if (signature !== 'valid') throw new HttpError(403, 'the request is not signed by this practice\'s jambonz account');
    return practice;
  };
  checkEveryWebhook(app, signedPractice);

  holdCallersOnFailure(app, CALL_ROUTES, (request, reply, instructions) => verbs(request as Req, reply, instructions));

  const call = (request: Req, providerCallId = request.body.call_sid): InboundCall => ({
    provider: 'jambonz',
    providerCallId,
    practice: request.practice!,
    from: asE164(request.body.from),
    to: asE164(request.body.to),
  });
  const verbs = (request: Req, reply: FastifyReply, instructions: Instruction[]) => reply.send(renderVerbs(instructions, { basePath, practice: request.practice! }));

  app.post('/call', { schema: { body, querystring: query(), response: verbsResponse } }, async (request: Req, reply) => verbs(request, reply, await app.flow.incoming(call(request))));

  app.post('/wait', { schema: { body, querystring: query(['practice']), response: verbsResponse } }, async (request: Req, reply) => verbs(request, reply, await app.flow.wait(call(request))));

  app.post('/menu', { schema: { body, querystring: query(['practice', 'path', 'attempt']), response: verbsResponse } }, async (request: Req, reply) =>
    verbs(request, reply, await app.flow.menu(call(request), request.query.path!, request.query.attempt!, request.body.digits || undefined)),
  );

  // jambonz reports no talk time: the flow measures it from the answer the confirmHook recorded.
  app.post('/dial-result', { schema: { body, querystring: query(['practice', 'staff']), response: verbsResponse } }, async (request: Req, reply) =>
    verbs(request, reply, await app.flow.dialResult(call(request), request.query.staff!, dialOutcome(request.body), undefined)),
  );

  // The dial's confirmHook, on the staff leg once answered. Whatever happens here the answer is
  // `[]`, so jambonz bridges the caller: failing to record an answer must not lose the call.
  app.post('/staff-answered', { schema: { body: { ...body, required: [...body.required, 'parent_call_sid'] }, querystring: query(['practice', 'staff']), response: verbsResponse } }, async (request: Req, reply) => {
    await app.flow.staffAnswered(call(request, request.body.parent_call_sid), request.query.staff!).catch((err: unknown) => request.log.error({ err }, 'staff answer not recorded'));
    return reply.send([]);
  });

  // The call hook of a live-call update (JambonzLiveCalls): the sealed instructions, for this call only.
  app.post('/connect', { schema: { body, querystring: query(['practice', 'do', 'seal']), response: verbsResponse } }, async (request: Req, reply) => {
    const instructions = openConnect(request.practice!, request.body.call_sid, request.query.do!, request.query.seal!);
    if (!instructions) throw new HttpError(403, 'the connect URL was not sealed by Switchboard for this call');
    return verbs(request, reply, instructions);
  });

  // Staff legs report here too (they carry parent_call_sid): only the caller's own end counts.
  app.post('/status', { schema: { body, querystring: query(), response: empty } }, async (request: Req, reply) => {
    if (!request.body.parent_call_sid && FINAL_CALL_STATUSES.has(request.body.call_status ?? '')) await app.flow.ended(call(request));
    return reply.status(204).send();
  });

  // Call-back: the caller's keypad answers while on the line (a gather's `digits`; none on a timeout).
  const keypad = { body, querystring: query(['practice']), response: verbsResponse };
  const digits = (request: Req) => request.body.digits ?? '';
  app.post('/callback-offer', { schema: keypad }, async (request: Req, reply) => verbs(request, reply, await app.flow.callbacks.onOffer(call(request), digits(request))));
  app.post('/callback-confirm', { schema: keypad }, async (request: Req, reply) => verbs(request, reply, await app.flow.callbacks.onConfirm(call(request), digits(request))));
  app.post('/callback-book', { schema: keypad }, async (request: Req, reply) => verbs(request, reply, await app.flow.callbacks.onBook(call(request), digits(request))));
  app.post('/callback-number', { schema: { ...keypad, querystring: query(['practice', 'tries']) } }, async (request: Req, reply) =>
    verbs(request, reply, await app.flow.callbacks.onKeyedNumber(call(request), digits(request), request.query.tries!)),
  );

  // Call-back: the outbound legs (JambonzLiveCalls.placeCall), staff phone first, then the patient.
  // Their hooks are sealed for their step, call-back and staff member: jambonz does not sign URLs.
  const leg = (step: string) => async (request: Req) => {
    const { callback, staff, seal } = request.query;
    if (!isCallbackSealed(request.practice!, step, callback!, staff!, seal!)) throw new HttpError(403, 'the call-back hook was not sealed by Switchboard for this call-back');
  };
  const legSchema = (response: object) => ({ body, querystring: query(['practice', 'callback', 'staff', 'seal']), response });
  const cb = (request: Req) => [request.practice!, request.query.callback!, request.query.staff!] as const;

  // The call hook of the call to the staff phone, fetched once they answer.
  app.post('/callback-staff', { schema: legSchema(verbsResponse), preHandler: leg('callback-staff') }, async (request: Req, reply) =>
    verbs(request, reply, await app.flow.callbacks.onStaffAnswered(...cb(request))),
  );
  // The patient's leg answered (the dial's confirmHook): always `[]`, so the two are bridged.
  app.post('/callback-answered', { schema: legSchema(verbsResponse), preHandler: leg('callback-answered') }, async (request: Req, reply) => {
    // The patient's leg (call_sid) was dialled from the staff member's call (parent_call_sid).
    await app.flow.callbacks.onPatientAnswered(request.practice!, request.query.callback!, request.body.parent_call_sid ?? request.body.call_sid).catch((err: unknown) => request.log.error({ err }, 'call-back answer not recorded'));
    return reply.send([]);
  });
  // The patient's leg ended (the dial's actionHook, on the staff leg); no talk time: it is measured.
  app.post('/callback-result', { schema: legSchema(verbsResponse), preHandler: leg('callback-result') }, async (request: Req, reply) =>
    verbs(request, reply, await app.flow.callbacks.onPatientLegEnded(...cb(request), dialOutcome(request.body), undefined)),
  );
  // The staff leg's call-status hook. The patient's leg reports here too (with parent_call_sid): not ours to act on.
  app.post('/callback-staff-status', { schema: legSchema(empty), preHandler: leg('callback-staff-status') }, async (request: Req, reply) => {
    const status = request.body.call_status ?? '';
    if (!request.body.parent_call_sid && FINAL_CALL_STATUSES.has(status)) await app.flow.callbacks.onStaffLegEnded(...cb(request), dialOutcome({ dial_call_status: status }));
    return reply.status(204).send();
  });
}
