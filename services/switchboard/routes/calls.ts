import type { FastifyInstance, FastifyRequest } from 'fastify';
import { maySearchCalls } from '../../../shared/access.js';
import { CallSearch, describeSearch, DIGITS, maskedEnding, MAX_SEARCH_DAYS, planSearch, type FoundCall, type SearchQuery } from '../../../shared/calls/search.js';
import { londonWallClock } from '../../../shared/london-time.js';
import type { RecordingView } from '../../../shared/recording/recordings.js';
import { HttpError } from '../plugins/errors.js';
import { recordingInRow } from './recordings.js';
import { csvLine, rejectUnknownQuery, wantsCsv } from './stats.js';

type Query = SearchQuery & { limit: number; offset: number; format?: 'json' | 'csv' };
type Req = FastifyRequest<{ Params: { ods: string }; Querystring: Query }>;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const nullable = (type: string, description?: string) => ({ type: [type, 'null'], ...(description ? { description } : {}) });

const found = {
  type: 'object',
  properties: {
    callId: { type: 'string', description: 'the call record: <provider>:<provider call id>' },
    arrivedAt: { type: 'string', format: 'date-time' },
    answeredAt: { ...nullable('string'), format: 'date-time' },
    endedAt: { type: 'string', format: 'date-time' },
    team: { type: 'string', description: 'the team the caller queued for (empty when they never reached one)' },
    teamName: nullable('string'),
    overflowedTo: { type: 'array', items: { type: 'string' }, description: 'teams the caller was also offered to' },
    answeredBy: nullable('string', 'the member of staff who answered; null unless answered'),
    answeredByName: nullable('string'),
    outcome: { type: 'string', enum: ['answered', 'abandoned', 'ivr', 'callback-requested'] },
    waitSeconds: { type: 'integer' },
    talkSeconds: { type: 'integer' },
    callerLast3: nullable('string', "the last three digits of the caller's number; null when withheld"),
    recording: recordingInRow,
  },
};

const schema = {
  summary: "Find calls in a practice's call records (its practice managers only; every search audited)",
  tags: ['practices'],
  params: { type: 'object', required: ['ods'], properties: { ods: { type: 'string' } } },
  querystring: {
    type: 'object',
    properties: {
      from: { type: 'string', description: 'first London date, YYYY-MM-DD; default today (or `to`)' },
      to: { type: 'string', description: `last London date, inclusive; default \`from\`; at most ${MAX_SEARCH_DAYS} days` },
      fromTime: { type: 'string', description: 'calls that arrived at or after this London time each day, HH:MM; default 00:00' },
      toTime: { type: 'string', description: 'and before this one, HH:MM up to 24:00; default 24:00' },
      team: { type: 'string', description: 'a team key (F81001.reception, U12345.hub) or a team id of the practice: calls queued for it or overflowed to it' },
      staff: { type: 'string', description: 'a member of staff: calls they answered' },
      digits: { type: 'string', description: `the last ${DIGITS.min} or ${DIGITS.max} digits of the caller's number` },
      limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
      offset: { type: 'integer', minimum: 0, default: 0 },
      format: { type: 'string', enum: ['json', 'csv'], description: 'CSV (also Accept: text/csv) lists every match, without paging' },
    },
  },
  response: {
    200: {
      type: 'object',
      properties: {
        practice: { type: 'string' },
        search: {
          type: 'object',
          description: 'the search as understood (the digits are not repeated)',
          properties: { from: { type: 'string' }, to: { type: 'string' }, fromTime: { type: 'string' }, toTime: { type: 'string' }, team: nullable('string'), staff: nullable('string') },
        },
        keptSince: { type: 'string', format: 'date-time', description: 'records of calls that ended before this are past retention' },
        total: { type: 'integer', description: 'calls that match' },
        offset: { type: 'integer' },
        limit: { type: 'integer' },
        calls: { type: 'array', items: found, description: 'by arrival' },
        choices: {
          type: 'object',
          description: 'what `team` and `staff` may be',
          properties: {
            teams: { type: 'array', items: { type: 'object', properties: { team: { type: 'string' }, name: { type: 'string' } } } },
            staff: { type: 'array', items: { type: 'object', properties: { staff: { type: 'string' }, name: { type: 'string' } } } },
          },
        },
      },
    },
  },
};

const CSV_COLUMNS = ['call_id', 'date', 'time', 'team', 'answered_by', 'outcome', 'wait_s', 'talk_s', 'caller', 'recording', 'recording_s', 'recording_pauses', 'recording_held'];
/** Of a call's recording, what its row shows a manager (the rest is at its `recording` path). */
const summary = (v: RecordingView | undefined) => (v ? { status: v.status, durationSeconds: v.durationSeconds, pauses: v.pauses, held: v.held } : null);
const recordingCells = (r: ReturnType<typeof summary>) => (r ? [r.status, r.durationSeconds ?? '', r.pauses, r.held ? 'held' : ''] : ['', '', '', '']);
const londonDateTime = (ms: number) => {
  const w = londonWallClock(ms);
  return [w.date, [w.hour, w.minute, w.second].map((n) => String(n).padStart(2, '0')).join(':')];
};

/** GET /v1/practices/:ods/calls/search: a practice manager finds calls (docs/calls.md). */
export default async function callSearchRoutes(app: FastifyInstance) {
  const search = new CallSearch(app.redis, app.queue.keyPrefix, app.directory);
  app.addHook('preValidation', rejectUnknownQuery);

  app.get('/v1/practices/:ods/calls/search', { preHandler: app.authenticate, schema }, async (request: Req, reply) => {
    const directory = app.directory();
    const practice = directory.practice(request.params.ods);
    if (!practice) throw new HttpError(404, `no practice ${request.params.ods}`);
    const grant = request.grant!;
    if (!maySearchCalls(grant, practice)) {
      throw new HttpError(403, grant.readOnly && grant.role === 'practice' ? "a read-only token may not search calls: finding a caller's call is for the practice's managers" : `only ${practice.ods}'s practice managers may search its calls`);
    }
    const { limit, offset, format, ...q } = request.query;
    const plan = planSearch(directory, practice, q, app.clock.now());
    const calls = await search.run(plan);
    const csv = wantsCsv(request, format, false);
    await app.audit.record({ practice: practice.ods, actor: grant.actor, action: 'calls-searched', outcome: describeSearch(plan) + (csv ? ' (CSV)' : ''), matches: calls.length });
    void reply.header('cache-control', 'no-store');

    const { choices } = plan;
    const teamName = new Map(choices.teams.map((t) => [t.team, t.name]));
    const staffName = new Map(choices.staff.map((s) => [s.staff, s.name]));
    if (csv) {
      reply.header('content-disposition', `attachment; filename="calls-${practice.ods}-${plan.from}-${plan.to}.csv"`);
      const recordings = await app.recordings.forCalls(practice, calls.map((c) => c.callId));
      const line = (c: FoundCall) => csvLine([c.callId, ...londonDateTime(c.arrivedAt), teamName.get(c.team) ?? c.team, c.answeredBy ? (staffName.get(c.answeredBy) ?? c.answeredBy) : '', c.outcome, c.waitSeconds, c.talkSeconds, maskedEnding(c.callerLast3), ...recordingCells(summary(recordings.get(c.callId)))]);
      return reply.type('text/csv; charset=utf-8').send(csvLine(CSV_COLUMNS) + calls.map(line).join(''));
    }
    const page = calls.slice(offset, offset + limit);
    const recordings = await app.recordings.forCalls(practice, page.map((c) => c.callId));
    return {
      practice: practice.ods,
      search: { from: plan.from, to: plan.to, fromTime: plan.fromTime, toTime: plan.toTime, team: plan.team, staff: plan.staff },
      keptSince: new Date(plan.keptSince).toISOString(),
      total: calls.length,
      offset,
      limit,
      calls: page.map((c) => ({
        ...c,
        arrivedAt: iso(c.arrivedAt),
        answeredAt: iso(c.answeredAt),
        endedAt: iso(c.endedAt),
        teamName: teamName.get(c.team) ?? null,
        answeredByName: c.answeredBy ? (staffName.get(c.answeredBy) ?? null) : null,
        recording: summary(recordings.get(c.callId)),
      })),
      choices,
    };
  });
}
