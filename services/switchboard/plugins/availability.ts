import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from './errors.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** True once SIGTERM has been received: /readyz fails so load balancers stop sending here. */
    draining: boolean;
    drain: () => void;
  }
}

/** Seconds a client should wait before trying again when Redis is away. */
export const RETRY_AFTER_SECONDS = 5;

/**
 * Provider webhooks are never shed: a caller must always hear something, and their routes answer
 * "hold and retry" themselves when Redis is away.
 */
const PROVIDER_WEBHOOK = /^\/v1\/(twilio|jambonz|vonage)\//;

/**
 * Which requests are taken. While Redis is unreachable the management API (everything else under
 * /v1/) sheds load with 503 and Retry-After instead of tying up connections on a failing command;
 * health, metrics and docs stay up. Draining (after SIGTERM) changes only what /readyz says: every
 * request that still arrives is served, as load balancers take a few seconds to notice.
 */
export default fp(async function availability(app: FastifyInstance) {
  app.decorate('draining', false);
  app.decorate('drain', () => {
    app.draining = true;
  });
  // Once the service closes, every response also closes its connection: a keep-alive connection
  // whose request was still in flight when the listener closed would otherwise stay open, idle,
  // until its keep-alive timeout (72 s), and shutdown could not finish in its 10 s.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  // Both run on every request (webhooks included): callback hooks, not async ones, so neither costs a promise.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) void reply.header('connection', 'close');
    done(null, payload);
  });
  app.addHook('onRequest', (request: FastifyRequest, reply, done) => {
    if (app.redis.status === 'ready') return done();
    const route = request.routeOptions.url ?? '';
    if (!route.startsWith('/v1/') || PROVIDER_WEBHOOK.test(route)) return done();
    void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    done(new HttpError(503, `Switchboard cannot reach its Redis just now; try again in ${RETRY_AFTER_SECONDS} seconds`));
  });
}, { name: 'availability', dependencies: ['callflow'] });
