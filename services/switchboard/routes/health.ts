import type { FastifyInstance } from 'fastify';

const status = {
  type: 'object',
  required: ['status'],
  properties: {
    status: { type: 'string', enum: ['ok', 'ready', 'not ready', 'draining'] },
    redis: { type: 'string', enum: ['ok', 'unreachable'] },
  },
};

export default async function health(app: FastifyInstance) {
  app.get('/healthz', { schema: { summary: 'Liveness: the process is serving HTTP', tags: ['operations'], response: { 200: status } } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { summary: 'Readiness: Redis answers and the instance is not shutting down', tags: ['operations'], response: { 200: status, 503: status } } }, async (_request, reply) => {
    // A Redis that accepts connections but does not answer is as good as none.
    const ping = Promise.race([app.redis.ping(), new Promise((_, reject) => setTimeout(() => reject(new Error('ping timed out')), 1000).unref())]);
    const redis = await ping.then(() => 'ok', () => 'unreachable');
    if (redis === 'ok' && !app.draining) return { status: 'ready', redis };
    return reply.status(503).header('retry-after', '5').send({ status: app.draining ? 'draining' : 'not ready', redis });
  });
}
