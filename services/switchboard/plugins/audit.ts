import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { RedisAuditLog, type AuditLog } from '../../../shared/audit/audit.js';

declare module 'fastify' {
  interface FastifyInstance {
    audit: AuditLog;
  }
}

/** The audit log (shared/audit): who signed in, who looked up whom. */
export default fp(async function audit(app: FastifyInstance) {
  app.decorate('audit', new RedisAuditLog(app.redis, app.queue.keyPrefix, () => app.clock.now()));
}, { name: 'audit', dependencies: ['callflow'] });
