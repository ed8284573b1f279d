import type { FastifyInstance } from 'fastify';

const status = { type: 'object', properties: { status: { type: 'string' }, redis: { type: 'string' } } };

export default async function health(app: FastifyInstance) {
  app.get('/healthz', { schema: { response: { 200: status } } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { response: { 200: status, 503: status } } }, async (_request, reply) => {
    try {
      // A Redis that accepts connections but does not answer is as good as none.
      await Promise.race([app.redis.ping(), new Promise((_, reject) => setTimeout(() => reject(new Error('ping timed out')), 1000).unref())]);
      return { status: 'ready', redis: 'ok' };
    } catch {
      return reply.status(503).header('retry-after', '5').send({ status: 'not ready', redis: 'unreachable' });
    }
  });
}
