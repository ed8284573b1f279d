import type { FastifyInstance, FastifyRequest } from 'fastify';
import { mayGovernPractice, maySeeCallerDetails } from '../../../shared/access.js';
import type { Practice } from '../../../shared/directory/types.js';
import { HttpError } from '../plugins/errors.js';

type StaffRoute = { Params: { staffId: string } };
type PracticeRoute = { Params: { ods: string }; Body: { enabled: boolean } };

const candidate = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    birthDate: { type: 'string', description: 'YYYY-MM-DD' },
    nhsNumber: { type: 'string' },
    reasonableAdjustment: { type: 'boolean', description: 'a national reasonable-adjustment flag exists' },
  },
};
const caller = {
  type: 'object',
  properties: {
    callId: { type: 'string' },
    configured: { type: 'boolean', description: 'the practice has a clinical-system lookup' },
    outcome: { type: 'string', enum: ['matched', 'no-match', 'withheld', 'off', 'unavailable', 'no-call'] },
    reason: { type: 'string', enum: ['timeout', 'unauthorised', 'error', 'bad-answer'] },
    candidates: { type: 'array', items: candidate },
  },
};
const lookupState = { type: 'object', properties: { practice: { type: 'string' }, configured: { type: 'boolean' }, enabled: { type: 'boolean' } } };
const odsParams = { type: 'object', required: ['ods'], properties: { ods: { type: 'string' } } };
/** Staff activities in which a call is being put through to them or is with them. */
const WITH_A_CALLER = new Set(['ringing', 'on-call']);
const PAIRED_STATES = new Set(['connecting', 'talking']);

/** Who is calling: shown only to the member of staff the call is put through to; switched on and off by the practice. */
export default async function patientRoutes(app: FastifyInstance) {
  app.get<StaffRoute>(
    '/v1/staff/:staffId/caller',
    {
      preHandler: app.authenticate,
      schema: {
        summary: 'Who the caller being put through to this member of staff probably is (only to them, signed in with their own identity)',
        tags: ['staff'],
        params: { type: 'object', required: ['staffId'], properties: { staffId: { type: 'string' } } },
        response: { 200: caller },
      },
    },
    async (request: FastifyRequest<StaffRoute>, reply) => {
      const directory = app.directory();
      const staff = directory.staff(request.params.staffId);
      if (!staff) throw new HttpError(404, `no staff member ${request.params.staffId}`);
      const grant = request.grant!;
      if (grant.role !== 'staff' || grant.staff !== staff.id) throw new HttpError(403, `only ${staff.id}, signed in, may see who is calling them`);
      reply.header('cache-control', 'no-store');
      // Checked in Redis, so any process can answer: this person is being put through to this call now.
      const shard = directory.shard(directory.staffPractice(staff));
      const me = await app.queue.staff(shard, staff.id);
      const callId = me.call;
      const [paired, state, from, number, ods] = callId && WITH_A_CALLER.has(me.activity ?? '') ? await app.redis.hmget(`${app.queue.prefix(shard)}call:${callId}`, 'staff', 'state', 'from', 'number', 'practice') : [];
      const practice = ods ? directory.practice(ods) : undefined;
      // No call now is an answer, not an error: the panel may ask just as a call ends.
      if (!callId || paired !== staff.id || !PAIRED_STATES.has(state ?? '') || !practice) return { configured: false, outcome: 'no-call', candidates: [] };
      if (!practice.patientLookup) return { callId, configured: false, candidates: [] };
      // Checked once a lookup is configured, so a screen on a static token in a practice without one is not refused for nothing.
      if (!maySeeCallerDetails(grant, staff.id)) throw new HttpError(403, 'patient details are shown only to a person signed in with their own NHS identity who is handling the call');
      if (!(await app.callers.enabled(practice))) return { callId, configured: true, outcome: 'off', candidates: [] };
      return { callId, configured: true, ...(await app.callers.forStaff({ callId, practice, from: from || number || '' }, staff.id)) };
    },
  );

  const governed = (request: FastifyRequest<{ Params: { ods: string } }>): Practice => {
    const practice = app.directory().practice(request.params.ods);
    if (!practice) throw new HttpError(404, `no practice ${request.params.ods}`);
    if (!mayGovernPractice(request.grant!, practice)) throw new HttpError(403, `only ${practice.ods}'s practice token may switch its patient lookup`);
    return practice;
  };
  const stateOf = async (practice: Practice) => ({ practice: practice.ods, configured: !!practice.patientLookup, enabled: await app.callers.enabled(practice) });

  app.get<PracticeRoute>(
    '/v1/practices/:ods/patient-lookup',
    { preHandler: app.authenticate, schema: { summary: "Whether the practice's clinical-system lookup is configured and switched on", tags: ['practices'], params: odsParams, response: { 200: lookupState } } },
    async (request) => stateOf(governed(request)),
  );

  app.put<PracticeRoute>(
    '/v1/practices/:ods/patient-lookup',
    {
      preHandler: app.authenticate,
      schema: {
        summary: "Switch the practice's clinical-system lookup off (at once, on every process) or back on; audited",
        tags: ['practices'],
        params: odsParams,
        body: { type: 'object', required: ['enabled'], additionalProperties: false, properties: { enabled: { type: 'boolean' } } },
        response: { 200: lookupState },
      },
    },
    async (request) => {
      const practice = governed(request);
      await app.callers.setEnabled(practice, request.body.enabled, `token:practice:${practice.ods}`);
      return stateOf(practice);
    },
  );
}
