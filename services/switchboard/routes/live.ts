import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import { maySeeCalls, seesSmallNumbers } from '../../../shared/access.js';
import { suppressDayMetrics } from '../../../shared/metrics/suppress.js';
import { resolveScope, ScopeError, type ScopeRequest } from '../../../shared/live/scope.js';
import { londonDayBounds } from '../../../shared/london-time.js';
import { dayMetrics } from '../../../shared/metrics/today.js';
import { HttpError, noBody } from '../plugins/errors.js';
import type { LiveGrant } from '../../../shared/live/scope.js';
import { TICKET_SECONDS } from '../plugins/live.js';
import { tooManyFailures } from '../plugins/auth-failures.js';

/** Close codes a screen can act on (documented in docs/wallboard.md). */
export const CLOSE = { badMessage: 4400, unauthenticated: 4401, forbidden: 4403, notFound: 4404, tooManyFailures: 4429 } as const;
const AUTH_WITHIN_MS = 10_000;
/** A socket opened by a signed-in page looks at its session this often, and closes once it has ended. */
export const SESSION_RECHECK_MS = 10_000;

const interval = { type: 'object', properties: { start: { type: 'string' }, label: { type: 'string' }, offered: { type: ['integer', 'string'] }, answered: { type: ['integer', 'string'] }, abandoned: { type: ['integer', 'string'] } } };
// A figure a PCN or ICB token reads may be '*' (a small number, suppressed as in /v1/stats).
const count = { type: ['integer', 'string'] };
const nullableNumber = { type: ['number', 'null', 'string'] };
export const metricsSchema = {
  type: 'object',
  properties: {
    practice: { type: 'string' },
    date: { type: 'string' },
    offered: count,
    answered: count,
    abandoned: count,
    abandonedPercent: nullableNumber,
    endedBeforeQueue: count,
    callbacksRequested: { ...count, description: 'call-backs requested (CBT005) of calls that arrived today, or booked by staff today' },
    callbacksMade: { ...count, description: 'of those, made (CBT006)' },
    averageWaitSeconds: nullableNumber,
    p90WaitSeconds: nullableNumber,
    targetSeconds: { type: 'integer' },
    answeredWithinTargetPercent: nullableNumber,
    intervals: { type: 'array', items: interval },
  },
};

type ClientMessage = { type: 'auth'; ticket: string } | { type: 'subscribe'; scope: ScopeRequest };

/** Tickets for live sockets, the socket itself, and the day's figures as JSON. */
export default async function liveRoutes(app: FastifyInstance, opts: { suppressBelow: number }) {
  app.post(
    '/v1/live/tickets',
    {
      preHandler: app.authenticate,
      config: { readsOnly: true },
      schema: {
        body: noBody,
        response: {
          201: {
            type: 'object',
            properties: {
              ticket: { type: 'string' },
              expiresInSeconds: { type: 'integer' },
              role: { type: 'string' },
              practice: { type: ['string', 'null'], description: 'the practice a staff or practice token belongs to' },
              staff: { type: ['object', 'null'], properties: { id: { type: 'string' }, name: { type: 'string' } } },
              pcn: { type: ['string', 'null'] },
            },
          },
        },
      },
    },
    async (request: FastifyRequest, reply) => {
      const grant = request.grant!;
      const staff = grant.role === 'staff' ? app.directory().staff(grant.staff) : undefined;
      const practice = grant.role === 'practice' ? grant.practice : staff?.practice;
      return reply.status(201).send({
        ticket: await app.live.issueTicket(grant),
        expiresInSeconds: TICKET_SECONDS,
        role: grant.role,
        practice: practice ?? null,
        staff: staff ? { id: staff.id, name: staff.name } : null,
        pcn: grant.role === 'pcn' ? grant.pcn : practice ? (app.directory().practice(practice)?.pcn ?? null) : null,
      });
    },
  );

  app.get<{ Params: { ods: string }; Querystring: { date?: string } }>(
    '/v1/practices/:ods/metrics',
    {
      preHandler: app.authenticate,
      schema: {
        params: { type: 'object', required: ['ods'], properties: { ods: { type: 'string' } } },
        querystring: { type: 'object', properties: { date: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'a day in Europe/London; default today' } } },
        response: { 200: metricsSchema },
      },
    },
    async (request) => {
      const directory = app.directory();
      const practice = directory.practice(request.params.ods);
      if (!practice) throw new HttpError(404, `no practice ${request.params.ods}`);
      const grant = request.grant!;
      const allowed = grant.role === 'icb' ? grant.icb === directory.data.icb.code : maySeeCalls(directory, grant, practice);
      if (!allowed) throw new HttpError(403, `this token may not see figures for ${practice.ods}`);
      const day = londonDayBounds(request.query.date, app.clock.now());
      const shard = directory.shard(practice);
      const [rows, callbacks] = await Promise.all([app.queue.records(shard, practice.ods, day.from, day.to), app.queue.callbacks(shard, practice.ods, day.from - 8 * 86_400_000, day.to)]);
      const figures = dayMetrics(rows, day, practice.answerTargetSeconds, undefined, callbacks);
      // The practice sees its own small numbers; a PCN or ICB token sees them as /v1/stats shows them.
      const ownPractice = seesSmallNumbers(directory, grant, { kind: 'practice', code: practice.ods, practices: [practice] });
      return { practice: practice.ods, date: day.date, ...(ownPractice ? figures : suppressDayMetrics(figures, opts.suppressBelow)) };
    },
  );

  /**
   * The live socket. Nothing secret travels in its URL: a signed-in person's session cookie
   * authenticates it at once (`ready` is sent unasked); otherwise the first message must be
   * `{"type":"auth","ticket":...}` with a one-time ticket from POST /v1/live/tickets. Then
   * `{"type":"subscribe","scope":{"practice":"F81001"}}` (or team, or pcn). Messages are handled one
   * at a time in the order they came (after the cookie is looked at), so a screen may send both at once.
   */
  app.get('/v1/live', { websocket: true, preValidation: app.authFailures.refuseWhileBlocked, schema: { querystring: { type: 'object', properties: {} } } }, (socket: WebSocket, request: FastifyRequest) => {
    let grant: LiveGrant | undefined;
    let unsubscribe: (() => void) | undefined;
    const send = (message: object) => socket.readyState === socket.OPEN && socket.send(JSON.stringify(message));
    const refuse = (code: number, message: string) => {
      send({ type: 'error', code, message });
      socket.close(code, message.slice(0, 120));
    };
    const authTimer = setTimeout(() => refuse(CLOSE.unauthenticated, `no auth message within ${AUTH_WITHIN_MS / 1000} seconds`), AUTH_WITHIN_MS);
    let recheck: NodeJS.Timeout | undefined;
    socket.on('close', () => {
      clearTimeout(authTimer);
      clearInterval(recheck);
      unsubscribe?.();
    });

    /** A signed-in page's cookie authenticates the socket; its session is looked at again every SESSION_RECHECK_MS. */
    let bySession = false;
    const authenticateBySession = async () => {
      const found = await app.signIn.check(request);
      if (!found.grant || socket.readyState !== socket.OPEN) return;
      grant = found.grant;
      bySession = true;
      clearTimeout(authTimer);
      // Signed out, expired or removed from the directory: the page's socket stops too.
      recheck = setInterval(() => {
        app.signIn.check(request, { touch: false }).then(
          (again) => again.grant || refuse(CLOSE.unauthenticated, 'your session has ended: sign in again'),
          (err: unknown) => app.log.warn({ err }, 'live socket session check failed'),
        );
      }, SESSION_RECHECK_MS);
      send({ type: 'ready', role: grant.role });
    };
    const authenticate = async (message: ClientMessage) => {
      if (message.type !== 'auth' || typeof message.ticket !== 'string') return refuse(CLOSE.unauthenticated, 'the first message must be {"type":"auth","ticket":"..."}');
      const retryAfter = await app.authFailures.blockedFor(request);
      if (retryAfter !== undefined) return refuse(CLOSE.tooManyFailures, tooManyFailures(retryAfter));
      grant = await app.live.redeemTicket(message.ticket);
      clearTimeout(authTimer);
      if (!grant) {
        await app.authFailures.count(request);
        return refuse(CLOSE.unauthenticated, 'the ticket is unknown, used or expired: ask POST /v1/live/tickets for a new one');
      }
      return send({ type: 'ready', role: grant.role });
    };
    const handle = async (message: ClientMessage) => {
      if (!grant) return authenticate(message);
      // Already authenticated by the session cookie: a ticket sent as well changes nothing.
      if (bySession && message.type === 'auth') return;
      if (message.type !== 'subscribe' || !validScope(message.scope)) return send({ type: 'error', code: CLOSE.badMessage, message: 'expected {"type":"subscribe","scope":{"practice"|"team"|"pcn": "<code>"}}' });
      const { scope, view } = resolveScope(app.directory(), grant, message.scope);
      unsubscribe?.();
      unsubscribe = undefined;
      const remove = await app.live.hub.subscribe(scope, { view, send: (m) => socket.readyState === socket.OPEN && socket.send(m) });
      if (socket.readyState !== socket.OPEN) return remove();
      unsubscribe = remove;
    };
    const receive = async (data: RawData) => {
      if (socket.readyState !== socket.OPEN) return; // refused while earlier messages were handled
      const message = parseMessage(data);
      if (!message) return send({ type: 'error', code: CLOSE.badMessage, message: 'messages must be JSON objects with a "type", e.g. {"type":"auth","ticket":"..."}' });
      await handle(message).catch((err: unknown) => {
        if (err instanceof ScopeError) return refuse(err.code, err.message);
        app.log.error({ err }, 'live socket message failed');
        refuse(1011, 'something went wrong on our side; it has been logged');
      });
    };
    let handled: Promise<unknown> = authenticateBySession().catch((err: unknown) => app.log.warn({ err }, 'live socket session check failed'));
    socket.on('message', (data) => {
      handled = handled.then(() => receive(data));
    });
  });
}

/** A client message when `data` is a JSON object with a string `type`; undefined for anything else. */
function parseMessage(data: RawData): ClientMessage | undefined {
  let message: unknown;
  try {
    message = JSON.parse(String(data));
  } catch {
    return undefined;
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return undefined;
  return typeof (message as { type?: unknown }).type === 'string' ? (message as ClientMessage) : undefined;
}

function validScope(scope: unknown): scope is ScopeRequest {
  if (typeof scope !== 'object' || scope === null) return false;
  const entries = Object.entries(scope);
  return entries.length === 1 && ['practice', 'team', 'pcn'].includes(entries[0]![0]) && typeof entries[0]![1] === 'string';
}
