import type { FastifyInstance } from 'fastify';

const status = { type: 'object', properties: { status: { type: 'string' }, redis: { type: 'string' } } };

export default async function health(app: FastifyInstance) {
  app.get('/healthz', { schema: { response: { 200: status } } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { response: { 200: status, 503: status } } }, async (_request, reply) => {
    try {
      await app.redis.ping();
      return { status: 'ready', redis: 'ok' };
    } catch {
      return reply.status(503).header('retry-after', '5').send({ status: 'not ready', redis: 'unreachable' });
    }
  });
}
